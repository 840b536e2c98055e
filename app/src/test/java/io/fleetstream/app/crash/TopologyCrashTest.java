package io.fleetstream.app.crash;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.registry.KafkaRegistryJournal;
import io.fleetstream.app.simulate.TrafficGenerator;
import io.fleetstream.app.simulate.TrafficProfile;
import io.fleetstream.app.testing.ClockSentinels;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.PresenceReason;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology survives SIGKILL with exactly-once output: the {@code topology} role runs as a process of its own and
 * is killed (SIGKILL: no flush, no commit, no leave-group) at seeded random points while simulated traffic is still
 * being appended to its raw topic, once while a restarted instance is restoring its stores, and restarted each time.
 * Everything it wrote — {@code device.presence}, {@code device.state}, {@code quota.state}, {@code quota.management},
 * the 13 category topics and the dead-letter topic, read {@code read_committed} as any consumer would — must equal,
 * key by key and value by value, what one uninterrupted run wrote for the same events: nothing lost, nothing
 * duplicated, nothing reordered. Both runs use {@code exactly_once_v2}, the default.
 *
 * <p>Setup: one embedded broker and registry in this JVM; the two runs use topic prefixes {@code ref.} and
 * {@code crash.} and application ids of their own, and get the same raw records (same keys, values, timestamps, hence
 * the same partitions and, per partition, the same order). The reference run gets them all before it starts; the
 * crashed run gets them in slices, a slice every {@value #FEED_PAUSE_MS} ms, while it is killed and restarted.
 *
 * <p>What makes the comparison exact and not flaky: every output value is a function of the raw records read in
 * offset order, never of the wall clock, batching or when a punctuation ran.
 * <ul>
 *   <li>The traffic ({@link TrafficGenerator}, seeded) is written in emission order, by event time then id, so on every
 *       partition the records come in non-decreasing event time (the Data Streamer's re-sent copies, older, are dropped
 *       by the dedupe before anything reads their time). Records carry an ingest time a second after their event time:
 *       the arrival clock, too, is in the records.</li>
 *   <li>The device processor's two wall-clock paths are kept from mattering. The idle-partition path
 *       ({@code --offline-wall-clock-allowance}) would let the wall clock, hours after the events, fire every
 *       pending offline: it is set to 30 days. The quiet-partition path (no record for {@code --event-lateness} of wall
 *       clock: every source's watermark moves to its latest event) could fire a timer due at the very time of a record
 *       not read yet; with the lateness at 60 s it does not happen while traffic flows (a restarted task counts its
 *       quiet time from its first punctuation).</li>
 *   <li>The end is in the records too: two rounds of {@link ClockSentinels} stamped 10 minutes after the traffic, the
 *       second arriving (in ingest time) a lateness after the first, move every partition's event clock past every
 *       offline due in the traffic. Once the group's committed offsets reach the raw topic's end, every output is
 *       committed (exactly-once commits them with the offsets) and final: nothing is left in a reorder buffer or a
 *       timer index for a punctuation to emit later.</li>
 *   <li>The dedupe remembers ids for 7 days of wall clock: nothing expires during the test.</li>
 *   <li>Compacted topics are not compacted under the test: their active segment (64 MB, 7 days) never rolls.</li>
 * </ul>
 *
 * <p>The kills, from {@link #SEED} ({@code -Dfleetstream.crash.seed} to change it; every kill is printed with its
 * point): (1) a while after the first instance is ready, (2) as soon as the restarted instance's log shows Kafka Streams
 * restoring a changelog partition that has records (restored a record a poll for this start, so that it takes a few
 * seconds) — the test checks that {@code /health/ready} answered 503 and that, when the process died, its log had not
 * finished restoring some changelog partition — (3) and (4) a while after the next instances are ready. The instance
 * after (2) starts on an empty state directory, as a pod moved to another node; the others start on the directory the
 * killed one left, and Kafka Streams restores what its checkpoint says is missing. The last tenth of the traffic is
 * held back until the last kill, so every kill lands while traffic flows.
 *
 * <p>The test can fail, and shows it can: it also reads the crashed run {@code read_uncommitted}, where the records of
 * the transactions the kills left open (aborted when a successor starts) are visible, and requires that there are
 * some and that the same comparison reports them as duplicates and reordered values.
 * Both runs use the smallest RocksDB budget (16 MiB, {@code -Dfleetstream.crash.rocksdb-memory} sets another), so
 * RocksDB flushes memtables between commits: that is what made Kafka Streams 4.1 lose events after a crash under
 * exactly-once (KAFKA-20685: a checkpoint kept while a task runs lets a restart keep writes of aborted transactions),
 * until {@code CheckpointGuard} removed the checkpoints an unclean stop leaves; without the guard this test fails
 * (docs/reliability.md). {@code -Dfleetstream.crash.guarantee=at_least_once} runs the crashed run at-least-once.
 *
 * <p>Figures and the kill log go to stdout (with surefire, {@code app/target/surefire-reports/*-output.txt}); the
 * instances' logs to {@code app/target/crash-test/}.
 */
@Tag("slow")
class TopologyCrashTest {

    private static final long SEED = Long.getLong("fleetstream.crash.seed", 20261202L);
    private static final String CRASHED_GUARANTEE = System.getProperty("fleetstream.crash.guarantee", "exactly_once_v2");
    private static final int PARTITIONS = 3;
    private static final int DEVICES = 150;
    private static final Duration TRAFFIC_SPAN = Duration.ofMinutes(90);
    /** Simulated time in one slice of the crashed run's feed. */
    private static final Duration SLICE = Duration.ofSeconds(20);
    private static final long FEED_PAUSE_MS = 250;
    /** The share of slices written before the last kill; the rest waits for it. */
    private static final double FED_BEFORE_LAST_KILL = 0.9;
    private static final Duration LATENESS = Duration.ofSeconds(60);
    /** {@code --rocksdb-memory} of both runs: the smallest budget, so memtables reach the disk between commits. */
    private static final String ROCKSDB_MEMORY = System.getProperty("fleetstream.crash.rocksdb-memory", "16MiB");
    private static final List<String> TOPOLOGY_OPTIONS = List.of(
            "--event-lateness=" + LATENESS.toSeconds() + "s",
            "--offline-wall-clock-allowance=30d",
            "--rocksdb-memory=" + ROCKSDB_MEMORY);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void killedAndRestartedTopologyWritesExactlyWhatAnUninterruptedRunWrites() throws Exception {
        long began = System.nanoTime();
        System.out.printf("crash test: seed %d, crashed run %s, %d devices, %d min of traffic, %d partitions, "
                + "RocksDB memory %s%n", SEED, CRASHED_GUARANTEE, DEVICES, TRAFFIC_SPAN.toMinutes(), PARTITIONS, ROCKSDB_MEMORY);
        List<List<EmnifyEvent>> slices = traffic();
        int events = slices.stream().mapToInt(List::size).sum();
        System.out.printf("%,d raw events in %d slices%n", events, slices.size());

        List<TopologyProcess> started = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("broker"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config("127.0.0.1",
                     0, kafka.bootstrapServers(), KafkaRegistryJournal.DEFAULT_TOPIC, (short) 1))) {
            Topics reference = new Topics("ref.");
            Topics crashed = new Topics("crash.");
            new TopicProvisioner(admin).ensure(Stream.concat(reference.all().stream(), crashed.all().stream()).toList(),
                    PARTITIONS, (short) 1);
            TopologyProcess.Config referenceConfig = new TopologyProcess.Config(kafka.bootstrapServers(), registry.url(),
                    reference.prefix(), "crash-test-reference", PARTITIONS, "exactly_once_v2", TOPOLOGY_OPTIONS);
            TopologyProcess.Config crashedConfig = new TopologyProcess.Config(kafka.bootstrapServers(), registry.url(),
                    crashed.prefix(), "crash-test-crashed", PARTITIONS, CRASHED_GUARANTEE, TOPOLOGY_OPTIONS);

            try (RawFeed feed = new RawFeed(kafka.bootstrapServers(), registry.url())) {
                // the reference: every event there before it starts, one uninterrupted run
                long t = System.nanoTime();
                slices.forEach(slice -> feed.write(reference.raw(), slice));
                TopologyProcess uninterrupted = TopologyProcess.start(referenceConfig, dir.resolve("state-reference"),
                        logs(), "reference", List.of());
                started.add(uninterrupted);
                awaitCaughtUp(admin, referenceConfig.applicationId(), reference.raw(), uninterrupted);
                uninterrupted.stop();
                System.out.printf("reference run: %.1f s (log %s)%n", seconds(t), uninterrupted.log());

                t = System.nanoTime();
                crashedRun(crashedConfig, crashed, slices, feed, admin, started);
                System.out.printf("crashed run: %.1f s%n", seconds(t));
            }

            TopicReader reader = new TopicReader(kafka.bootstrapServers(), registry.url());
            PipelineOutputs expected = PipelineOutputs.read(reader, reference);
            PipelineOutputs actual = PipelineOutputs.read(reader, crashed);
            System.out.println("reference: " + expected.summary());
            System.out.println("crashed:   " + actual.summary());
            // the same comparison, blind to transactions: what the killed instances wrote and never committed
            PipelineOutputs uncommitted = PipelineOutputs.read(
                    new TopicReader(kafka.bootstrapServers(), registry.url(), "read_uncommitted"), crashed);
            int aborted = uncommitted.total() - actual.total();
            List<String> uncommittedDifferences = expected.differencesFrom(uncommitted);
            System.out.printf("read_uncommitted, the crashed run's output topics hold %,d more records (of transactions "
                    + "aborted after the kills), and the comparison finds %d differences, e.g.:%n", aborted,
                    uncommittedDifferences.size());
            uncommittedDifferences.stream().limit(3).forEach(System.out::println);
            List<String> differences = expected.differencesFrom(actual);
            System.out.printf("%d differences; %.1f s in all%n", differences.size(), seconds(began));
            differences.stream().limit(20).forEach(System.out::println);
            System.out.flush();

            assertMeaningful(expected);
            if (CRASHED_GUARANTEE.equals("exactly_once_v2")) {
                // the premise: kills landed inside transactions that had written output, which the comparison sees
                assertThat(aborted).as("records of aborted transactions on the crashed run's output topics").isPositive();
                assertThat(uncommittedDifferences).as("differences found reading the crashed run read_uncommitted")
                        .isNotEmpty();
            }
            assertThat(expected.categories()).as("the reference run routed every event once to its category")
                    .isEqualTo(routedOnce(slices));
            assertThat(differences).as("what the crashed run wrote differs from the uninterrupted run; the first:%n%s",
                    String.join("\n", differences.stream().limit(20).toList())).isEmpty();
        } finally {
            for (TopologyProcess p : started) {
                if (p.alive()) {
                    p.kill();
                }
            }
        }
    }

    /**
     * Starts the crashed run's first instance, feeds the slices while killing and restarting it, and waits until the
     * last instance has committed the raw topic's end.
     */
    private void crashedRun(TopologyProcess.Config config, Topics topics, List<List<EmnifyEvent>> slices, RawFeed feed,
                            Admin admin, List<TopologyProcess> started) throws Exception {
        Random random = new Random(SEED);
        Path logs = logs();
        Path state = dir.resolve("state-crashed");
        CountDownLatch lastKillDone = new CountDownLatch(1);
        AtomicInteger fed = new AtomicInteger();
        int holdAt = (int) (slices.size() * FED_BEFORE_LAST_KILL);
        CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < slices.size(); i++) {
                    if (i == holdAt) {
                        lastKillDone.await();
                    }
                    feed.write(topics.raw(), slices.get(i));
                    fed.incrementAndGet();
                    Thread.sleep(FEED_PAUSE_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("feeding interrupted", e);
            }
        });
        try {
            TopologyProcess instance = start(config, state, logs, "crashed-1", started, List.of());
            killWhileProcessing(1, instance, random, fed, slices.size());

            // a record a poll, so that restoring takes long enough for a kill to land inside it
            instance = start(config, state, logs, "crashed-2", started,
                    List.of("--kafka-property=restore.consumer.max.poll.records=1"));
            killWhileRestoring(2, instance, fed, slices.size());

            // a pod moved to another node: nothing on its disk
            Path fresh = dir.resolve("state-crashed-fresh");
            instance = start(config, fresh, logs, "crashed-3", started, List.of());
            killWhileProcessing(3, instance, random, fed, slices.size());

            instance = start(config, fresh, logs, "crashed-4", started, List.of());
            killWhileProcessing(4, instance, random, fed, slices.size());
            lastKillDone.countDown();

            instance = start(config, fresh, logs, "crashed-5", started, List.of());
            feeding.get(2, TimeUnit.MINUTES);
            awaitCaughtUp(admin, config.applicationId(), topics.raw(), instance);
            instance.stop();
            System.out.printf("crashed run's last instance caught up and stopped (logs in %s)%n", logs);
        } finally {
            lastKillDone.countDown();
            feeding.cancel(true);
        }
    }

    /** The instances' logs, under {@code target} so that they outlive a failed run. */
    private static Path logs() {
        return Path.of("target", "crash-test", "seed-" + SEED + "-" + CRASHED_GUARANTEE + "-" + ROCKSDB_MEMORY)
                .toAbsolutePath();
    }

    private static TopologyProcess start(TopologyProcess.Config config, Path state, Path logs, String name,
                                         List<TopologyProcess> started, List<String> extraOptions) throws Exception {
        TopologyProcess instance = TopologyProcess.start(config, state, logs, name, extraOptions);
        started.add(instance);
        return instance;
    }

    private static void killWhileProcessing(int kill, TopologyProcess instance, Random random, AtomicInteger fed,
                                            int slices) throws Exception {
        long ready = instance.awaitReady();
        long wait = 300 + random.nextInt(2_700);
        Thread.sleep(wait);
        instance.requireAlive();
        instance.kill();
        System.out.printf("kill %d: %s (pid %d) SIGKILLed %d ms after it was ready (%d ms after start), processing; "
                + "%d of %d slices fed%n", kill, instance.name(), instance.pid(), wait, ready + wait, fed.get(), slices);
    }

    /**
     * Kills the instance as soon as its log shows a changelog partition with records being restored, and proves from
     * what it answered and logged that it was still restoring when it died.
     */
    private static void killWhileRestoring(int kill, TopologyProcess instance, AtomicInteger fed, int slices)
            throws Exception {
        TopologyProcess.Readiness readiness = instance.awaitRestoring(Duration.ofMinutes(2));
        instance.kill();
        long at = instance.millisSinceStart();
        Map<String, Long> unfinished = instance.unfinishedRestores();
        System.out.printf("kill %d: %s (pid %d) SIGKILLed %d ms after start, restoring: /health/ready answered %d %s; "
                        + "%d changelog partitions restored, %d begun and unfinished (with their end offsets: %s); "
                        + "%d of %d slices fed%n", kill, instance.name(), instance.pid(), at, readiness.status(),
                readiness.body(), instance.restoresFinished(), unfinished.size(), unfinished, fed.get(), slices);
        assertThat(readiness.status()).as("the instance killed while restoring was not ready").isNotEqualTo(200);
        assertThat(unfinished).as("changelog partitions still restoring when the instance died").isNotEmpty();
    }

    /**
     * Waits until the application's committed offsets reach the raw topic's end on every partition. With exactly-once,
     * offsets are committed in the transaction that wrote the outputs of those records.
     */
    private static void awaitCaughtUp(Admin admin, String applicationId, String rawTopic, TopologyProcess instance)
            throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(rawTopic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        while (true) {
            instance.requireAlive();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get();
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                OffsetAndMetadata done = committed.get(e.getKey());
                lag += e.getValue() - (done == null ? 0 : done.offset());
            }
            if (lag == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(instance.name() + " still had " + lag + " raw records to commit after "
                        + CATCH_UP_TIMEOUT + "; its log: " + instance.log());
            }
            Thread.sleep(200);
        }
    }

    /**
     * The traffic of {@value #DEVICES} simulated devices, normalised as ingest writes it, in slices of {@link #SLICE}
     * of simulated time, then the two rounds of clock sentinels.
     */
    private static List<List<EmnifyEvent>> traffic() {
        // on a full hour: the simulator rounds quota expiries to full hours, so the same seed gives the same events
        Instant start = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.HOURS);
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(DEVICES, SEED, start));
        EmnifyEventReader reader = new EmnifyEventReader();
        List<List<EmnifyEvent>> slices = new ArrayList<>();
        Instant end = start.plus(TRAFFIC_SPAN);
        for (Instant t = start.plus(SLICE); !t.isAfter(end); t = t.plus(SLICE)) {
            slices.add(normalise(reader, generator.advanceTo(t), t.plusSeconds(1)));
        }
        Instant sentinelsAt = end.plus(Duration.ofMinutes(10));
        slices.add(normalise(reader, ClockSentinels.onEveryPartition(PARTITIONS, 990_000_001L, sentinelsAt), sentinelsAt));
        // in the watermark of the first round once it arrives: a lateness later in ingest time, stamped the same time
        slices.add(normalise(reader, ClockSentinels.onEveryPartition(PARTITIONS, 990_100_001L, sentinelsAt),
                sentinelsAt.plus(LATENESS).plusSeconds(2)));
        return slices;
    }

    private static List<EmnifyEvent> normalise(EmnifyEventReader reader, List<ObjectNode> json, Instant receivedAt) {
        List<EmnifyEvent> events = new ArrayList<>();
        for (ObjectNode event : json) {
            if (reader.read(event, IngestSource.SIMULATOR, receivedAt) instanceof ReadResult.Accepted<EmnifyEvent> accepted) {
                events.add(accepted.record());
            }
        }
        return events;
    }

    /** Every distinct event id of the traffic once, in the category the catalog gives its type. */
    private static Map<EventCategory, Map<Long, Integer>> routedOnce(List<List<EmnifyEvent>> slices) {
        EventCatalog catalog = EventCatalog.standard();
        Map<EventCategory, Map<Long, Integer>> routed = new TreeMap<>();
        for (EventCategory category : EventCategory.values()) {
            routed.put(category, new TreeMap<>());
        }
        slices.stream().flatMap(List::stream).forEach(e ->
                routed.get(catalog.categoryOf(e.getEventType().getId())).put(e.getId(), 1));
        return routed;
    }

    /** The reference exercised what a crash could break: offlines by timer, reconnects, quota changes. */
    private static void assertMeaningful(PipelineOutputs reference) {
        Map<PresenceReason, Long> reasons = new LinkedHashMap<>();
        reference.presence().values().stream().flatMap(List::stream)
                .forEach(c -> reasons.merge(c.getReason(), 1L, Long::sum));
        System.out.println("reference presence changes by reason: " + reasons);
        assertThat(reasons.getOrDefault(PresenceReason.PDP_TIMEOUT, 0L)).as("offlines fired by a timer").isGreaterThan(DEVICES / 2);
        assertThat(reference.presence().size()).as("devices with presence changes").isGreaterThan(DEVICES / 2);
        assertThat(reference.records(reference.quotaStates())).as("quota state changes").isGreaterThan(DEVICES / 2);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Writes raw records as ingest does: keyed by device, Avro through the registry, stamped with their ingest time. */
    private static final class RawFeed implements AutoCloseable {

        private final KafkaProducer<String, EmnifyEvent> producer;

        RawFeed(String bootstrapServers, String registryUrl) {
            Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
            this.producer = new KafkaProducer<>(props, new StringSerializer(),
                    new AvroSerdes(new HttpSchemaRegistryClient(registryUrl), true).forValue(EmnifyEvent.class).serializer());
        }

        /** Writes the events in their order and waits until the broker has them all. */
        void write(String topic, List<EmnifyEvent> events) {
            for (EmnifyEvent event : events) {
                producer.send(new ProducerRecord<>(topic, null, event.getIngest().getReceivedAt().toEpochMilli(),
                        EventKeys.keyOf(event), event));
            }
            producer.flush();
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
