package io.fleetstream.ingest.publish;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes normalised events to the raw topic and dead letters to the dead-letter topic, and returns only
 * when Kafka has acknowledged every one of them: ingest answers its caller after this returns, and an
 * answered request is never resent by the Data Streamer.
 *
 * <p>Values are serialised here, before anything is sent, with the serializers given (in production
 * Confluent wire-format Avro talking to the Schema Registry), so a registry outage fails the publish before
 * a single record is written. The record timestamp is the time ingest received the event, not the event
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
    private final Serializer<DeadLetter> deadLetterSerializer;
    private final Topics topics;
    private final Duration ackTimeout;

    /**
     * @param producer             configured with acks=all and idempotence (see {@link #producerProperties})
     * @param eventSerializer      for values of the raw topic
     * @param deadLetterSerializer for values of the dead-letter topic
     * @param ackTimeout           how long {@link #publish} waits for every acknowledgement
     */
    public EventPublisher(Producer<String, byte[]> producer, Serializer<EmnifyEvent> eventSerializer,
                          Serializer<DeadLetter> deadLetterSerializer, Topics topics, Duration ackTimeout) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.eventSerializer = Objects.requireNonNull(eventSerializer, "eventSerializer");
        this.deadLetterSerializer = Objects.requireNonNull(deadLetterSerializer, "deadLetterSerializer");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
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

    /** Publishes with the acknowledgement timeout given at construction. */
    public PublishResult publish(List<KeyedEvent> events, List<DeadLetter> deadLetters) throws KafkaUnavailableException {
        return publish(events, deadLetters, ackTimeout);
    }

    /**
     * Sends every event (to the raw topic, under its key) and every dead letter (to the dead-letter topic,
     * without key), then waits until all are acknowledged.
     *
     * @throws KafkaUnavailableException when a serializer or a send fails, or not all records are
     *                                   acknowledged within {@code timeout}; some records may have been written
     */
    public PublishResult publish(List<KeyedEvent> events, List<DeadLetter> deadLetters, Duration timeout)
            throws KafkaUnavailableException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size() + deadLetters.size());
        for (KeyedEvent keyed : events) {
            records.add(eventRecord(keyed));
        }
        for (DeadLetter deadLetter : deadLetters) {
            records.add(deadLetterRecord(deadLetter));
        }
        if (records.isEmpty()) {
            return new PublishResult(0, 0);
        }

        Acknowledgements acks = new Acknowledgements(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            try {
                producer.send(record, acks.callbackFor(record.topic()));
            } catch (RuntimeException e) {
                throw new KafkaUnavailableException("could not send to " + record.topic() + ": " + summary(e), e);
            }
            if (acks.failed()) {
                break;
            }
        }
        acks.await(deadline, timeout);
        return new PublishResult(events.size(), deadLetters.size());
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

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private ProducerRecord<String, byte[]> eventRecord(KeyedEvent keyed) throws KafkaUnavailableException {
        EmnifyEvent event = keyed.event();
        String topic = topics.raw();
        Headers headers = new RecordHeaders();
        headers.add(EVENT_TIME_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(event.getTimestamp().toEpochMilli()).array());
        byte[] value;
        try {
            value = eventSerializer.serialize(topic, headers, event);
        } catch (RuntimeException e) {
            throw new KafkaUnavailableException("could not serialise event " + event.getId() + " for " + topic + ": " + summary(e), e);
        }
        return new ProducerRecord<>(topic, null, event.getIngest().getReceivedAt().toEpochMilli(), keyed.key(), value, headers);
    }

    private ProducerRecord<String, byte[]> deadLetterRecord(DeadLetter deadLetter) throws KafkaUnavailableException {
        String topic = topics.deadLetters();
        Headers headers = new RecordHeaders();
        byte[] value;
        try {
            value = deadLetterSerializer.serialize(topic, headers, deadLetter);
        } catch (RuntimeException e) {
            throw new KafkaUnavailableException("could not serialise a dead letter for " + topic + ": " + summary(e), e);
        }
        return new ProducerRecord<>(topic, null, deadLetter.getAt().toEpochMilli(), null, value, headers);
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

    /** Counts acknowledgements; completes when all arrived, or with the first failure. */
    private static final class Acknowledgements {
        private final int total;
        private final AtomicInteger acknowledged = new AtomicInteger();
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Acknowledgements(int total) {
            this.total = total;
        }

        Callback callbackFor(String topic) {
            return (RecordMetadata metadata, Exception exception) -> {
                if (exception != null) {
                    done.completeExceptionally(new KafkaUnavailableException(
                            "Kafka did not acknowledge a record for " + topic + ": " + summary(exception), exception));
                } else if (acknowledged.incrementAndGet() == total) {
                    done.complete(null);
                }
            };
        }

        boolean failed() {
            return done.isCompletedExceptionally();
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
                throw new KafkaUnavailableException("Kafka acknowledged " + acknowledged.get() + " of " + total
                        + " records within " + timeout.toMillis() + " ms; is the cluster reachable?");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailableException("interrupted while waiting for Kafka to acknowledge "
                        + total + " records");
            }
        }
    }
}
