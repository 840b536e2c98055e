package io.fleetstream.app.reset;

import io.fleetstream.app.testing.RawEvents;
import io.fleetstream.app.Main;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.device.DeviceStateProcessor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.ArrayList;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fleetstream reset} on the embedded broker: refused while the application runs; once it is stopped a dry run
 * lists its internal topics, consumer group and state directory and deletes nothing; the reset deletes them, and the
 * restarted application processes its input again from the start.
 */
class ResetEndToEndTest {

    private static final String APPLICATION_ID = "fleetstream-reset-e2e";
    private static final int EVENTS = 12;
    private static final int PARTITIONS = 2;
    private final Topics topics = Topics.withDefaultPrefix();

    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void aResetApplicationProcessesItsInputAgainFromTheStart(@TempDir Path dir) throws Exception {
        Path stateDir = dir.resolve("streams");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal());
             Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), PARTITIONS, (short) 1);
            produce(kafka.bootstrapServers(), registry.url());
            String[] reset = {"reset", "--bootstrap-servers", kafka.bootstrapServers(), "--application-id",
                    APPLICATION_ID,
                    "--state-dir", stateDir.toString()};

            long routedOnce;
            try (TopologyService topology = TopologyService.start(settings(kafka, registry, stateDir))) {
                awaitEverythingProcessed(admin);
                routedOnce = routedEvents(admin);
                assertThat(routedOnce).isPositive();

                Run refused = fleetstream(reset);
                assertThat(refused.exitCode()).isEqualTo(1);
                assertThat(refused.err()).contains(APPLICATION_ID + " is running").contains("active members")
                        .contains("Stop every topology instance");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeConsumerGroups(List.of(APPLICATION_ID))
                    .describedGroups().get(APPLICATION_ID).get().members().isEmpty());
            Set<String> internalTopics = internalTopics(admin);
            String changelog = APPLICATION_ID + "-" + DeviceStateProcessor.STATE_STORE + "-changelog";
            assertThat(internalTopics).contains(changelog);
            Path localState = stateDir.resolve(APPLICATION_ID).toAbsolutePath().normalize();
            assertThat(localState).isDirectory();

            Run dryRun = fleetstream(append(reset, "--dry-run"));
            assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
            List<String> listed = dryRun.out().lines().map(String::trim).toList();
            assertThat(listed.stream().filter(line -> line.startsWith("topic ")).map(line -> line.substring(6)))
                    .containsExactlyInAnyOrderElementsOf(internalTopics);
            assertThat(listed).contains("local state " + localState)
                    .anyMatch(line -> line.startsWith("consumer group " + APPLICATION_ID))
                    .anyMatch(line -> line.matches("offset " + Pattern.quote(topics.raw()) + "-\\d at [1-9]\\d*"));
            assertThat(internalTopics(admin)).isEqualTo(internalTopics);
            assertThat(groupExists(admin)).isTrue();
            assertThat(localState).isDirectory();

            Run resetRun = fleetstream(reset);
            assertThat(resetRun.exitCode()).as(resetRun.err()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> internalTopics(admin).isEmpty());
            assertThat(groupExists(admin)).isFalse();
            assertThat(localState).doesNotExist();

            try (TopologyService topology = TopologyService.start(settings(kafka, registry, stateDir))) {
                awaitEverythingProcessed(admin);
                // the dedupe store was reset with the rest: every event is routed a second time
                await().atMost(Duration.ofSeconds(30)).until(() -> routedEvents(admin) == 2 * routedOnce);
            }
        }
    }

    @Test
    void cleanDeletesOnlyTheApplicationsOwnStateDirectory(@TempDir Path stateDir) throws Exception {
        Path own = Files.createDirectories(stateDir.resolve(APPLICATION_ID).resolve("0_0").resolve("rocksdb"));
        Files.writeString(own.resolve("CURRENT"), "x");
        Path other = Files.createDirectories(stateDir.resolve("another-app").resolve("0_0"));

        Run clean = fleetstream("clean", "--application-id", APPLICATION_ID, "--state-dir", stateDir.toString());

        assertThat(clean.exitCode()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("deleted local state " + stateDir.resolve(APPLICATION_ID).toAbsolutePath());
        assertThat(stateDir.resolve(APPLICATION_ID)).doesNotExist();
        assertThat(other).isDirectory();
        assertThat(fleetstream("clean", "--application-id", APPLICATION_ID, "--state-dir", stateDir.toString()).out())
                .contains("nothing to clean");
    }

    @Test
    void internalTopicsAreTheApplicationsChangelogsAndRepartitionsOnly() {
        assertThat(ApplicationReset.isInternalTopicOf("fleetstream", "fleetstream-device-state-changelog")).isTrue();
        assertThat(ApplicationReset.isInternalTopicOf("fleetstream", "fleetstream-by-org-repartition")).isTrue();
        assertThat(ApplicationReset.isInternalTopicOf("fleetstream", "emnify.events.raw")).isFalse();
        assertThat(ApplicationReset.isInternalTopicOf("fleetstream", "other-device-state-changelog")).isFalse();
        assertThat(ApplicationReset.isInternalTopicOf("fleetstream", "fleetstream-audit")).isFalse();
    }

    private TopologyService.Settings settings(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Path stateDir) {
        Map<String, String> kafkaProperties = new HashMap<>();
        // a stopped instance is noticed after 6 s (the broker's minimum) if it did not leave the group
        kafkaProperties.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
        kafkaProperties.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");
        return new TopologyService.Settings(kafka.bootstrapServers(), kafkaProperties, registry.url(), null, true,
                APPLICATION_ID, stateDir, "at_least_once", 0, 1, 1, Duration.ofMillis(100), "127.0.0.1", 0,
                "127.0.0.1", null,
                TopologyConfig.defaults(topics).withDeviceTimers(DeviceTimers.defaults().withLateness(Duration.ZERO)));
    }

    private static Run fleetstream(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static String[] append(String[] args, String... more) {
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    private void produce(String bootstrapServers, String registryUrl) {
        EmnifyEvent template = RawEvents.example("006-3-create-pdp-accepted-docs.json");
        List<EmnifyEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(EmnifyEvent.newBuilder(template).setId(template.getId() + i).build());
        }
        RawEvents.produce(bootstrapServers, registryUrl, topics.raw(), events);
    }

    /** The group has committed the end of every raw partition (one that is empty has no committed offset). */
    private void awaitEverythingProcessed(Admin admin) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<Integer, Long> end = endOffsets(admin, topics.raw());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata().get();
            return end.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata offset = committed.get(new TopicPartition(topics.raw(), e.getKey()));
                return e.getValue() == 0 || offset != null && offset.offset() == e.getValue();
            });
        });
    }

    /** Records on the category topics: at least once, so no transaction markers among the offsets. */
    private long routedEvents(Admin admin) throws Exception {
        long total = 0;
        for (EventCategory category : EventCategory.values()) {
            total += endOffsets(admin, topics.category(category)).values().stream().mapToLong(Long::longValue).sum();
        }
        return total;
    }

    private static Map<Integer, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    private static Set<String> internalTopics(Admin admin) throws Exception {
        return admin.listTopics().names().get().stream().filter(t -> t.startsWith(APPLICATION_ID + "-"))
                .collect(Collectors.toSet());
    }

    private static boolean groupExists(Admin admin) throws Exception {
        return admin.listGroups().all().get().stream().map(GroupListing::groupId).anyMatch(APPLICATION_ID::equals);
    }
}
