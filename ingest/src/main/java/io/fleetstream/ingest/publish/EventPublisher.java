package io.fleetstream.ingest.publish;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.deadletter.DeadLetters;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Writes normalised events to the raw topic (usage records to the raw usage topic, {@link #publishUsage}) and dead
 * letters to the dead-letter topic, and returns only
 * when Kafka has acknowledged every one of them: ingest answers its caller after this returns, and an
 * answered request is never resent by the Data Streamer.
 *
 * <p>Values are serialised here, before anything is sent, with the serializers given (in production
 * Confluent wire-format Avro talking to the Schema Registry), so a registry outage fails the publish before
 * a single record is written ({@link SchemaRegistryFailureException}, not a Kafka failure). A record Kafka
 * refuses as too large is dead-lettered instead of failing the publish (see {@link #publish(List, List, Duration)}). The record timestamp is the time ingest received the event, not the event
 * time: backfilled events can be days old, and a broker deletes segments by record timestamp, so old event
 * times would have it delete them right away. The event time travels in the {@code event-time} header
 * (epoch milliseconds, 8 bytes big-endian).
 */
public final class EventPublisher implements AutoCloseable {

    /** Header carrying the event's own timestamp, epoch milliseconds as an 8-byte big-endian long. */
    public static final String EVENT_TIME_HEADER = "event-time";

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    private static final int MAX_CAUSE_LENGTH = 200;

    private final Producer<String, byte[]> producer;
    private final Serializer<EmnifyEvent> eventSerializer;
    /** Null when this publisher was built for events only: then {@link #publishUsage} refuses. */
    private final Serializer<UsageRecord> usageSerializer;
    private final Serializer<DeadLetter> deadLetterSerializer;
    private final Topics topics;
    private final Duration ackTimeout;
    private final Runnable resolveSchemaIds;
    private final ProduceErrors errors;

    /** With serializers that need no schema registry (or whose ids are known). */
    public EventPublisher(Producer<String, byte[]> producer, Serializer<EmnifyEvent> eventSerializer,
                          Serializer<DeadLetter> deadLetterSerializer, Topics topics, Duration ackTimeout) {
        this(producer, eventSerializer, deadLetterSerializer, topics, ackTimeout, () -> { });
    }

    /**
     * @param producer             configured with acks=all and idempotence (see {@link #producerProperties})
     * @param eventSerializer      for values of the raw topic
     * @param deadLetterSerializer for values of the dead-letter topic
     * @param ackTimeout           how long {@link #publish} waits for every acknowledgement
     * @param resolveSchemaIds     has the two serializers resolve the schema ids they write with, asking the schema
     *                             registry unless they know them; throws when they cannot
     */
    public EventPublisher(Producer<String, byte[]> producer, Serializer<EmnifyEvent> eventSerializer,
                          Serializer<DeadLetter> deadLetterSerializer, Topics topics, Duration ackTimeout,
                          Runnable resolveSchemaIds) {
        this(producer, eventSerializer, deadLetterSerializer, topics, ackTimeout, resolveSchemaIds, ProduceErrors.uncounted());
    }

    /**
     * As {@link #EventPublisher(Producer, Serializer, Serializer, Topics, Duration, Runnable)}, counting what goes wrong
     * producing in {@code errors}.
     */
    public EventPublisher(Producer<String, byte[]> producer, Serializer<EmnifyEvent> eventSerializer,
                          Serializer<DeadLetter> deadLetterSerializer, Topics topics, Duration ackTimeout,
                          Runnable resolveSchemaIds, ProduceErrors errors) {
        this(producer, eventSerializer, null, deadLetterSerializer, topics, ackTimeout, resolveSchemaIds, errors);
    }

    /**
     * As {@link #EventPublisher(Producer, Serializer, Serializer, Topics, Duration, Runnable, ProduceErrors)}, and also
     * publishing usage records ({@link #publishUsage}) to the raw usage topic with {@code usageSerializer}; null for
     * none. {@code resolveSchemaIds} should then resolve the usage serializer's id too.
     */
    public EventPublisher(Producer<String, byte[]> producer, Serializer<EmnifyEvent> eventSerializer,
                          Serializer<UsageRecord> usageSerializer, Serializer<DeadLetter> deadLetterSerializer,
                          Topics topics, Duration ackTimeout, Runnable resolveSchemaIds, ProduceErrors errors) {
        this.errors = Objects.requireNonNull(errors, "errors");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.eventSerializer = Objects.requireNonNull(eventSerializer, "eventSerializer");
        this.usageSerializer = usageSerializer;
        this.deadLetterSerializer = Objects.requireNonNull(deadLetterSerializer, "deadLetterSerializer");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
        this.resolveSchemaIds = Objects.requireNonNull(resolveSchemaIds, "resolveSchemaIds");
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ackTimeout must be positive, got " + ackTimeout);
        }
    }

    /**
     * Producer properties for ingest: {@code acks=all} and idempotence, so an acknowledged record survives
     * a broker failure and a retried send is not written twice; String keys, byte[] values (serialised by
     * this class). {@code extra} adds or overrides anything else (security, client id, timeouts).
     *
     * @throws IllegalArgumentException when {@code extra} weakens acks or idempotence
     */
    public static Map<String, Object> producerProperties(String bootstrapServers, Map<String, ?> extra) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Map<String, Object> properties = new HashMap<>(extra);
        requireUnchanged(properties, ProducerConfig.ACKS_CONFIG, "all", "-1");
        requireUnchanged(properties, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return properties;
    }

    /**
     * {@link #producerProperties(String, Map)}, and {@code max.block.ms} of {@code ackTimeout} unless {@code extra} sets
     * it. {@code send} blocks while the producer has no metadata for the topic (the broker is down and the topic was
     * never written to, or not for {@code metadata.max.idle.ms}), by default for 60 s: a request would wait that long
     * for its 503, and a load balancer or the Data Streamer may give up first. With this, a publish fails within about
     * twice its acknowledgement timeout whatever the cluster does.
     */
    public static Map<String, Object> producerProperties(String bootstrapServers, Map<String, ?> extra, Duration ackTimeout) {
        Map<String, Object> properties = producerProperties(bootstrapServers, extra);
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout.toMillis());
        return properties;
    }

    /** Publishes with the acknowledgement timeout given at construction. */
    public PublishResult publish(List<KeyedRecord<EmnifyEvent>> events, List<DeadLetter> deadLetters) throws PublishException {
        return publish(events, deadLetters, ackTimeout);
    }

    /**
     * Sends every event (to the raw topic, under its key) and every dead letter (to the dead-letter topic,
     * without key), then waits until all are acknowledged.
     *
     * <p>A record Kafka refuses as too large ({@link RecordTooLargeException}: larger than the producer's
     * {@code max.request.size} or {@code buffer.memory}, or than the topic's {@code max.message.bytes}) can never
     * be written, and the sender would retry it forever, holding back the rest of its batch. So it is
     * dead-lettered instead: with the reason, the size and SHA-256 of its original bytes, and only their first
     * {@value DeadLetters#KEPT_ORIGINAL_BYTES} bytes, so the dead letter fits; should even that be refused, with none of them.
     * The result counts it as dead-lettered.
     *
     * @throws SchemaRegistryFailureException when a value cannot be serialised because of the Schema Registry;
     *                                        nothing was sent
     * @throws KafkaUnavailableException      when a send fails for any other reason, or not all records are
     *                                        acknowledged within {@code timeout}; some records may have been written
     */
    public PublishResult publish(List<KeyedRecord<EmnifyEvent>> events, List<DeadLetter> deadLetters, Duration timeout)
            throws PublishException {
        return publishAll(outgoing(events, eventSerializer), deadLetters, timeout);
    }

    /**
     * As {@link #publish(List, List, Duration)} for usage records: each to the raw usage topic under its key, with
     * the same acknowledgement, dead-letter and too-large rules. The result's first count is of usage records.
     *
     * @throws IllegalStateException when this publisher was built without a usage record serializer
     */
    public PublishResult publishUsage(List<KeyedRecord<UsageRecord>> usage, List<DeadLetter> deadLetters, Duration timeout)
            throws PublishException {
        if (usageSerializer == null && !usage.isEmpty()) {
            throw new IllegalStateException("this publisher was built for events only: give it a usage record serializer");
        }
        return publishAll(outgoing(usage, usageSerializer), deadLetters, timeout);
    }

    private <T extends SpecificRecord> List<Outgoing> outgoing(List<KeyedRecord<T>> keyed, Serializer<T> serializer)
            throws PublishException {
        List<Outgoing> outgoing = new ArrayList<>(keyed.size());
        for (KeyedRecord<T> one : keyed) {
            ProducerRecord<String, byte[]> record = producerRecord(one, serializer);
            outgoing.add(new Outgoing(record, refused -> tooLarge(one, record, refused)));
        }
        return outgoing;
    }

    /** A record to send, and the dead letter to write instead should Kafka refuse it as too large. */
    private record Outgoing(ProducerRecord<String, byte[]> record,
                            Function<RecordTooLargeException, DeadLetter> whenTooLarge) {
    }

    private PublishResult publishAll(List<Outgoing> outgoing, List<DeadLetter> deadLetters, Duration timeout)
            throws PublishException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(outgoing.size() + deadLetters.size());
        for (Outgoing out : outgoing) {
            records.add(out.record());
        }
        for (DeadLetter deadLetter : deadLetters) {
            records.add(deadLetterRecord(deadLetter));
        }
        if (records.isEmpty()) {
            return new PublishResult(0, 0);
        }

        Map<Integer, RecordTooLargeException> refused = sendAll(records, deadline, timeout);
        List<DeadLetter> replacements = new ArrayList<>(refused.size());
        int refusedPrimaries = 0;
        for (Map.Entry<Integer, RecordTooLargeException> entry : refused.entrySet()) {
            int index = entry.getKey();
            ProducerRecord<String, byte[]> record = records.get(index);
            if (index < outgoing.size()) {
                refusedPrimaries++;
                replacements.add(outgoing.get(index).whenTooLarge().apply(entry.getValue()));
            } else {
                replacements.add(shortened(deadLetters.get(index - outgoing.size()), record, entry.getValue()));
            }
        }
        for (int keep : new int[] {DeadLetters.KEPT_ORIGINAL_BYTES, 0}) {
            if (replacements.isEmpty()) {
                break;
            }
            List<ProducerRecord<String, byte[]>> retry = new ArrayList<>(replacements.size());
            for (DeadLetter replacement : replacements) {
                retry.add(deadLetterRecord(DeadLetters.keepingAtMost(replacement, keep)));
            }
            Map<Integer, RecordTooLargeException> refusedAgain = sendAll(retry, deadline, timeout);
            List<DeadLetter> still = new ArrayList<>(refusedAgain.size());
            refusedAgain.keySet().forEach(i -> still.add(replacements.get(i)));
            replacements.clear();
            replacements.addAll(still);
        }
        if (!replacements.isEmpty()) {
            throw new KafkaUnavailableException("the dead-letter topic " + topics.deadLetters() + " refused as too large"
                    + " even a dead letter without its original bytes; check the topic's max.message.bytes");
        }
        return new PublishResult(outgoing.size() - refusedPrimaries, deadLetters.size() + refusedPrimaries);
    }

    /**
     * Sends the records and waits for every acknowledgement; returns the records Kafka refused as too large, by
     * index. Any other failure fails the whole publish.
     */
    private Map<Integer, RecordTooLargeException> sendAll(List<ProducerRecord<String, byte[]>> records, long deadline,
                                                          Duration timeout) throws KafkaUnavailableException {
        Acknowledgements acks = new Acknowledgements(records.size(), errors);
        for (int i = 0; i < records.size(); i++) {
            ProducerRecord<String, byte[]> record = records.get(i);
            try {
                producer.send(record, acks.callbackFor(i, record.topic()));
            } catch (RuntimeException e) {
                errors.count(e);
                throw new KafkaUnavailableException("could not send to " + record.topic() + ": " + summary(e), e);
            }
            if (acks.failed()) {
                break;
            }
        }
        acks.await(deadline, timeout);
        return acks.tooLarge();
    }

    /**
     * Whether the producer reaches the cluster: metadata for the raw topic can be fetched. Blocks up to the
     * producer's {@code max.block.ms}, so call it off request threads.
     */
    public boolean reachesCluster() {
        try {
            return !producer.partitionsFor(topics.raw()).isEmpty();
        } catch (RuntimeException e) {
            log.debug("cannot fetch metadata of {}: {}", topics.raw(), summary(e));
            return false;
        }
    }

    /**
     * Whether the schema ids of the raw and dead-letter topics are known, asking the schema registry while they are
     * not: once known, the serializers keep them and a publish never asks the registry again, so a registry outage no
     * longer stops ingest. Blocks up to the registry client's request timeout, so call it off request threads.
     */
    public boolean knowsSchemaIds() {
        try {
            resolveSchemaIds.run();
            return true;
        } catch (RuntimeException e) {
            log.debug("cannot resolve the schema ids of {} and {}: {}", topics.raw(), topics.deadLetters(), summary(e));
            return false;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /**
     * The record's Kafka record: on its kind's raw topic, under its key, timestamped when fleetstream received it, with
     * its own time (an event's timestamp, a usage record's end) in the {@value #EVENT_TIME_HEADER} header.
     */
    private <T extends SpecificRecord> ProducerRecord<String, byte[]> producerRecord(KeyedRecord<T> keyed,
                                                                                 Serializer<T> serializer)
            throws PublishException {
        RecordKind<T> kind = keyed.kind();
        T value = keyed.record();
        String topic = kind.topic().apply(topics);
        Headers headers = new RecordHeaders();
        headers.add(EVENT_TIME_HEADER,
                ByteBuffer.allocate(Long.BYTES).putLong(kind.eventTime().apply(value).toEpochMilli()).array());
        byte[] bytes;
        try {
            bytes = serializer.serialize(topic, headers, value);
        } catch (RuntimeException e) {
            throw serialisationFailure(kind.noun() + " " + kind.id().applyAsLong(value) + " for " + topic, e);
        }
        return new ProducerRecord<>(topic, null, kind.receivedAt().apply(value).toEpochMilli(), keyed.key(), bytes,
                headers);
    }

    private ProducerRecord<String, byte[]> deadLetterRecord(DeadLetter deadLetter) throws PublishException {
        String topic = topics.deadLetters();
        Headers headers = new RecordHeaders();
        byte[] value;
        try {
            value = deadLetterSerializer.serialize(topic, headers, deadLetter);
        } catch (RuntimeException e) {
            throw serialisationFailure("a dead letter for " + topic, e);
        }
        return new ProducerRecord<>(topic, null, deadLetter.getAt().toEpochMilli(), null, value, headers);
    }

    /**
     * A serializer failed. The Schema Registry's failures are told apart, so that a caller does not report an
     * unreachable registry as a Kafka outage; their messages come from the registry client, which never shows
     * credentials. Anything else is reported as before, briefly.
     */
    private static PublishException serialisationFailure(String what, RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry) {
                return new SchemaRegistryFailureException("could not serialise " + what + ": " + e.getMessage(), registry);
            }
        }
        return new KafkaUnavailableException("could not serialise " + what + ": " + summary(e), e);
    }

    /** The dead letter of a record Kafka refused as too large. */
    private static <T extends SpecificRecord> DeadLetter tooLarge(KeyedRecord<T> keyed, ProducerRecord<String, byte[]> record,
                                                                  RecordTooLargeException e) {
        RecordKind<T> kind = keyed.kind();
        T value = keyed.record();
        String reason = kind.noun() + " " + kind.id().applyAsLong(value) + " is too large for Kafka: its value for "
                + record.topic() + " is " + record.value().length + " bytes (" + summary(e) + ")";
        return DeadLetters.tooLargeForKafka(keyed.stage(), reason, keyed.original(), kind.receivedAt().apply(value),
                kind.source().apply(value), keyed.key());
    }

    /** A dead letter the dead-letter topic refused as too large (its original is large), to be sent shortened. */
    private static DeadLetter shortened(DeadLetter deadLetter, ProducerRecord<String, byte[]> record, RecordTooLargeException e) {
        return DeadLetters.withMoreReason(deadLetter, "the dead letter itself was too large for Kafka at "
                + record.value().length + " bytes (" + summary(e) + ")");
    }

    private static void requireUnchanged(Map<String, Object> properties, String key, String... allowed) {
        Object value = properties.get(key);
        if (value == null) {
            return;
        }
        for (String ok : allowed) {
            if (ok.equalsIgnoreCase(value.toString())) {
                return;
            }
        }
        throw new IllegalArgumentException(key + "=" + value + " would let acknowledged events be lost or duplicated;"
                + " ingest needs " + key + "=" + allowed[0] + " (remove the setting)");
    }

    /** The exception's type and a short message: Kafka's messages name topics and brokers, not record contents. */
    private static String summary(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() <= MAX_CAUSE_LENGTH ? text : text.substring(0, MAX_CAUSE_LENGTH) + "…";
    }

    /**
     * Counts acknowledgements; completes when all arrived, or with the first failure. A record refused as too large
     * counts as answered: it is remembered, and the caller dead-letters it.
     */
    private static final class Acknowledgements {
        private final int total;
        private final AtomicInteger answered = new AtomicInteger();
        private final Map<Integer, RecordTooLargeException> tooLarge = new ConcurrentSkipListMap<>();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final ProduceErrors errors;

        Acknowledgements(int total, ProduceErrors errors) {
            this.total = total;
            this.errors = errors;
        }

        Callback callbackFor(int index, String topic) {
            return (RecordMetadata metadata, Exception exception) -> {
                errors.count(exception);
                if (exception instanceof RecordTooLargeException refused) {
                    tooLarge.put(index, refused);
                } else if (exception != null) {
                    done.completeExceptionally(new KafkaUnavailableException(
                            "Kafka did not acknowledge a record for " + topic + ": " + summary(exception), exception));
                    return;
                }
                if (answered.incrementAndGet() == total) {
                    done.complete(null);
                }
            };
        }

        boolean failed() {
            return done.isCompletedExceptionally();
        }

        Map<Integer, RecordTooLargeException> tooLarge() {
            return new TreeMap<>(tooLarge);
        }

        void await(long deadlineNanos, Duration timeout) throws KafkaUnavailableException {
            try {
                done.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof KafkaUnavailableException unavailable) {
                    throw unavailable;
                }
                throw new KafkaUnavailableException("Kafka send failed: " + summary(e.getCause()), e.getCause());
            } catch (TimeoutException e) {
                errors.count(e);
                throw new KafkaUnavailableException("Kafka acknowledged " + (answered.get() - tooLarge.size()) + " of " + total
                        + " records within " + timeout.toMillis() + " ms; is the cluster reachable?");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailableException("interrupted while waiting for Kafka to acknowledge "
                        + total + " records");
            }
        }
    }
}
