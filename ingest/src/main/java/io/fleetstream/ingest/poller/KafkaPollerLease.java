package io.fleetstream.ingest.poller;

import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.ingest.publish.KafkaUnavailableException;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lease and the checkpoint, both in the compacted checkpoint topic.
 *
 * <p>The checkpoint of a poller id lives in one partition of that topic: the one its key hashes to. Every replica
 * with that poller id joins one consumer group ({@code <prefix>ingest.poller.<poller id>}) subscribed to the topic;
 * Kafka assigns each partition to exactly one member, and the member that gets the checkpoint's partition holds the
 * lease. On assignment it reads that partition from the beginning to its end to find the latest checkpoint, then
 * pauses it (the group membership is all it needs from then on). When the holder stops, crashes or stalls past
 * {@code max.poll.interval.ms}, Kafka reassigns the partition and another replica resumes from the checkpoint.
 * The cooperative-sticky assignor keeps the partition where it is when replicas join, so scaling ingest does not
 * interrupt polling. A group per poller id keeps organisations independent: each is polled by one replica, whichever
 * replicas poll the others.
 *
 * <p>Not thread-safe: Kafka's consumer must be used by one thread, the poller's.
 */
public final class KafkaPollerLease implements PollerLease {

    private static final Logger log = LoggerFactory.getLogger(KafkaPollerLease.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_CAUSE_LENGTH = 200;

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String pollerId;
    private final Duration ackTimeout;

    private TopicPartition home;
    private boolean owned;
    private boolean caughtUp;
    private long endOffset;
    private Optional<PollerCheckpoint> checkpoint = Optional.empty();
    private boolean closed;

    public KafkaPollerLease(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, String topic,
                            String pollerId, Duration ackTimeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.pollerId = Objects.requireNonNull(pollerId, "pollerId");
        this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
    }

    /**
     * A lease on {@code topics.pollerCheckpoints()} for {@code pollerId}, with its own consumer and producer.
     *
     * @param kafkaProperties extra client properties (security and the like), as for the event producer
     */
    public static KafkaPollerLease create(String bootstrapServers, Map<String, String> kafkaProperties, Topics topics,
                                          String pollerId, Duration ackTimeout) {
        Map<String, Object> consumerProperties = new HashMap<>(kafkaProperties);
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(topics, pollerId));
        consumerProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, "fleetstream-poller-lease-" + pollerId);
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProperties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumerProperties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        consumerProperties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerProperties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Object> producerProperties = EventPublisher.producerProperties(bootstrapServers, kafkaProperties,
                ackTimeout);
        producerProperties.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetstream-poller-checkpoints-" + pollerId);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties);
        try {
            return new KafkaPollerLease(consumer, new KafkaProducer<>(producerProperties), topics.pollerCheckpoints(),
                    pollerId, ackTimeout);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            throw e;
        }
    }

    /** The consumer group whose members compete for the lease of {@code pollerId}. */
    public static String groupId(Topics topics, String pollerId) {
        return topics.prefix() + "ingest.poller." + pollerId;
    }

    /** The partition of the checkpoint topic that holds {@code pollerId}'s checkpoint: Kafka's default for the key. */
    public static int partitionFor(String pollerId, int partitions) {
        return Utils.toPositive(Utils.murmur2(pollerId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public boolean held(Duration wait) {
        if (closed) {
            return false;
        }
        if (home == null) {
            subscribe();
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(wait).records(home)) {
            if (pollerId.equals(record.key())) {
                checkpoint = read(record);
            }
        }
        if (owned && !caughtUp && consumer.position(home) >= endOffset) {
            caughtUp = true;
            consumer.pause(Set.of(home));
            log.info("this replica is the active emnify poller {} (checkpoint partition {}): {}", pollerId, home,
                    checkpoint.map(c -> "resuming after " + c.windowEnd()).orElse("no checkpoint stored yet"));
        }
        return owned && caughtUp;
    }

    @Override
    public Optional<PollerCheckpoint> checkpoint() {
        return checkpoint;
    }

    @Override
    public void save(PollerCheckpoint next) throws KafkaUnavailableException {
        if (home == null) {
            throw new IllegalStateException("save before the lease was acquired");
        }
        try {
            producer.send(new ProducerRecord<>(topic, home.partition(), pollerId, next.toJson()))
                    .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while storing the poller checkpoint in " + topic);
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException("Kafka did not store the poller checkpoint in " + topic + ": "
                    + summary(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not acknowledge the poller checkpoint in " + topic
                    + " within " + ackTimeout, e);
        } catch (RuntimeException e) {
            throw new KafkaUnavailableException("could not send the poller checkpoint to " + topic + ": " + summary(e), e);
        }
        checkpoint = Optional.of(next);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // leaving the group (rather than waiting for the session to time out) lets another replica take over now
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    private void subscribe() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("the poller checkpoint topic " + topic + " does not exist: create it"
                    + " (fleetstream ingest --create-topics does) as a compacted topic");
        }
        home = new TopicPartition(topic, partitionFor(pollerId, partitions.size()));
        consumer.subscribe(List.of(topic), new Rebalance());
        log.debug("competing for the emnify poller {} (checkpoint partition {})", pollerId, home);
    }

    private Optional<PollerCheckpoint> read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(PollerCheckpoint.fromJson(record.value()));
        } catch (IllegalArgumentException e) {
            log.atWarn().addKeyValue(LogFields.TOPIC, record.topic()).addKeyValue(LogFields.PARTITION, record.partition())
                    .addKeyValue(LogFields.OFFSET, record.offset())
                    .log("ignoring the checkpoint at {}-{} offset {}: {}", record.topic(), record.partition(), record.offset(),
                            e.getMessage());
            return checkpoint;
        }
    }

    private static String summary(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() <= MAX_CAUSE_LENGTH ? text : text.substring(0, MAX_CAUSE_LENGTH) + "…";
    }

    /** Runs inside {@link Consumer#poll}, on the poller's thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> others = new ArrayList<>(partitions);
            others.remove(home);
            // only the checkpoint's partition is read; the others just keep their place in the group
            consumer.pause(others);
            if (partitions.contains(home)) {
                owned = true;
                caughtUp = false;
                checkpoint = Optional.empty();
                consumer.seekToBeginning(Set.of(home));
                endOffset = consumer.endOffsets(Set.of(home)).get(home);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, closed ? "released on shutdown: another replica can take over"
                    : "handed over to another replica");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, closed ? "released on shutdown: another replica can take over"
                    : "lost (this replica dropped out of the group, e.g. after stalling)");
        }

        private void release(Collection<TopicPartition> partitions, String how) {
            if (partitions.contains(home) && owned) {
                owned = false;
                caughtUp = false;
                log.info("the emnify poller {} was {}; this replica stops polling", pollerId, how);
            }
        }
    }
}
