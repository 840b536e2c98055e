package io.fleetstream.app.bench;

import io.fleetstream.app.net.FreePort;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.registry.KafkaRegistryJournal;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fleet's state in one topology instance, and how long a fresh instance takes to rebuild it. The instance is the
 * {@code topology} role itself, started as a process of its own (so its heap and RSS are its own, not shared with the
 * bench's broker) against the bench's broker and registry. The raw topic holds one event for each device, a session
 * start, so every device has state (and is online). Then: heap after a full GC ({@code jcmd}), resident set size ({@code /proc}), bytes in
 * the state directory by store; stopped; and started again twice, on an empty state directory (restoring everything
 * from the changelogs) and on the one it left (the start-up cost without restoring), each timed from process start
 * to {@code /health/ready} (Kafka Streams RUNNING, which it reaches only when its stores are restored).
 */
final class StateBench {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

    /**
     * @param devices   devices with state
     * @param heap      the instance's maximum heap ({@code -Xmx}), so the figure does not depend on the machine's RAM
     */
    record Sizes(int devices, int partitions, String heap, Duration commitInterval) {
    }

    private StateBench() {
    }

    static void run(BenchReport report, Sizes sizes, Path workDir, String bootstrapServers) throws Exception {
        report.section(String.format("state: %,d devices in one topology instance (the topology role in its own JVM, "
                + "-Xmx%s, %d partitions, at-least-once)", sizes.devices(), sizes.heap(), sizes.partitions()));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try (BenchKafka kafka = BenchKafka.start(bootstrapServers, workDir.resolve("kafka-state"));
             Admin admin = Admin.create(kafka.clientProperties());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(
                     "127.0.0.1", 0, kafka.bootstrapServers(), kafka.name(KafkaRegistryJournal.DEFAULT_TOPIC), (short) 1))) {
            Topics topics = kafka.topics();
            kafka.createTopics(topics, sizes.partitions());
            long start = System.nanoTime();
            RawTopicLoader.Loaded loaded = RawTopicLoader.loadSessionStarts(kafka.bootstrapServers(), topics.raw(),
                    new AvroSerdes(new HttpSchemaRegistryClient(registry.url()), true).forValue(EmnifyEvent.class).serializer(),
                    sizes.devices());
            report.rate("raw topic filled (a session start for each device)", loaded.events(), System.nanoTime() - start);
            Map<TopicPartition, Long> end = TopologyBench.endOffsets(admin, topics.raw(), sizes.partitions());
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            String applicationId = kafka.name("bench-state");
            Instance.Config config = new Instance.Config(kafka.bootstrapServers(), registry.url(), topics, applicationId,
                    sizes, workDir.resolve("state"));

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("devices", sizes.devices());
            figures.put("heap_max", sizes.heap());
            Path kept = workDir.resolve("state").resolve("first");
            try (Instance first = Instance.start(config, kept, "first")) {
                first.awaitReady(http);
                long processing = System.nanoTime();
                while (TopologyBench.committed(admin, applicationId, end) < total) {
                    first.requireAlive();
                    Thread.sleep(100);
                }
                report.rate("events processed by the instance", total, System.nanoTime() - processing);
                long devices = awaitDevices(http, first, sizes.devices());
                report.value("devices in state (fleet summary)", String.format("%,d", devices));
                figures.put("devices_in_state", devices);
                Optional<Long> heap = first.heapUsedAfterFullGc();
                report.value("heap used after a full GC", heap.map(StateBench::mib).orElse("not measured (no jcmd beside java)"));
                figures.put("heap_after_gc_bytes", heap.orElse(null));
                Optional<Long> rss = first.residentSetSize();
                report.value("resident set size (heap, RocksDB, JVM)", rss.map(StateBench::mib).orElse("not measured (no /proc)"));
                figures.put("rss_bytes", rss.orElse(null));
            }
            Map<String, Long> stores = storeBytes(kept);
            long stateBytes = stores.values().stream().mapToLong(Long::longValue).sum();
            stores.forEach((store, bytes) -> report.value("  state directory, " + store, mib(bytes)));
            report.value("state directory in all", mib(stateBytes));
            figures.put("state_dir_bytes", stateBytes);
            figures.put("state_dir_bytes_by_store", stores);
            long changelogRecords = TopologyBench.recordsWritten(admin, applicationId, topics).entrySet().stream()
                    .filter(e -> e.getKey().endsWith("-changelog")).mapToLong(Map.Entry::getValue).sum();
            report.value("changelog records (what a restore reads)", String.format("%,d", changelogRecords));
            figures.put("changelog_records", changelogRecords);

            long fresh;
            try (Instance restoring = Instance.start(config, workDir.resolve("state").resolve("fresh"), "fresh")) {
                fresh = restoring.awaitReady(http);
                report.value("fresh instance: start to ready (restores every store)", seconds(fresh));
                report.value("  devices it answers for", String.format("%,d", awaitDevices(http, restoring, sizes.devices())));
            }
            long warm;
            try (Instance again = Instance.start(config, kept, "again")) {
                warm = again.awaitReady(http);
                report.value("same instance again: start to ready (state kept)", seconds(warm));
            }
            report.value("restore (fresh minus kept)", seconds(Math.max(0, fresh - warm)));
            figures.put("fresh_start_to_ready_s", fresh / 1e9);
            figures.put("kept_state_start_to_ready_s", warm / 1e9);
            figures.put("restore_s", Math.max(0, fresh - warm) / 1e9);
            report.json("state", figures);
        }
    }

    /** Waits until the fleet summary counts {@code expected} devices (or stops changing), and returns its count. */
    private static long awaitDevices(HttpClient http, Instance instance, int expected) throws Exception {
        long last = -1;
        int unchanged = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(instance.uri("/v1/fleet/summary")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                long devices = Json.mapper().readTree(r.body()).path("devices").path("total").asLong();
                if (devices >= expected || (devices == last && ++unchanged >= 50)) {
                    if (devices < expected) {
                        System.out.println("  (fleet summary short of " + expected + " devices: " + r.headers().map() + " " + r.body() + ")");
                    }
                    return devices;
                }
                if (devices != last) {
                    unchanged = 0;
                }
                last = devices;
            }
            Thread.sleep(100);
        }
        return last;
    }

    /** The bytes under each store's directory (summed over tasks), by store name. */
    static Map<String, Long> storeBytes(Path stateDir) throws IOException {
        Map<String, Long> bytes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                bytes.merge(storeOf(stateDir.relativize(file)), Files.size(file), Long::sum);
            }
        }
        return bytes;
    }

    /**
     * {@code <application id>/<task>/rocksdb/<store>/...} (key-value stores) or {@code <application id>/<task>/<store>/
     * <segment>/...} (segmented window stores) → the store; files of the task itself (checkpoints, locks) → other.
     */
    private static String storeOf(Path relative) {
        if (relative.getNameCount() >= 5 && relative.getName(2).toString().equals("rocksdb")) {
            return relative.getName(3).toString();
        }
        if (relative.getNameCount() >= 4) {
            return relative.getName(2).toString();
        }
        return "other (checkpoints, metadata)";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /** The {@code topology} role as a child process: started, probed, measured, stopped with SIGTERM. */
    static final class Instance implements AutoCloseable {

        record Config(String bootstrapServers, String registryUrl, Topics topics, String applicationId, Sizes sizes,
                      Path logDir) {
        }

        private final Process process;
        private final int port;
        private final long startedAt;
        private final Path log;

        private Instance(Process process, int port, long startedAt, Path log) {
            this.process = process;
            this.port = port;
            this.startedAt = startedAt;
            this.log = log;
        }

        static Instance start(Config config, Path stateDir, String name) throws IOException {
            Files.createDirectories(stateDir);
            Files.createDirectories(config.logDir());
            int port = FreePort.on("127.0.0.1");
            List<String> command = new ArrayList<>(List.of(ProcessProbe.javaBinary().toString(), "-Xmx" + config.sizes().heap(),
                    "-cp", System.getProperty("java.class.path"), "io.fleetstream.app.Main", "topology",
                    "--bootstrap-servers=" + config.bootstrapServers(),
                    "--schema-registry-url=" + config.registryUrl(),
                    "--schema-auto-register=true",
                    "--topic-prefix=" + config.topics().prefix(),
                    "--application-id=" + config.applicationId(),
                    "--state-dir=" + stateDir,
                    "--query-host=127.0.0.1", "--advertised-host=127.0.0.1", "--query-port=" + port,
                    "--num-standby-replicas=0", "--replication-factor=1",
                    // one identity, as a pod keeps its name: a member that stops leaves at once, and the next one
                    // (on the state it left, or on an empty disk) takes its tasks without waiting out a session timeout
                    "--group-instance-id=" + config.applicationId() + "-0",
                    "--partitions=" + config.sizes().partitions(),
                    "--processing-guarantee=at_least_once",
                    "--commit-interval=" + config.sizes().commitInterval().toMillis() + "ms",
                    // one event a device, in order: no reordering to wait out before its state shows
                    "--event-lateness=0s"));
            Path log = config.logDir().resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // the bench's own FLEETSTREAM_* variables would override these options
            builder.environment().keySet().removeIf(k -> k.startsWith("FLEETSTREAM_"));
            long startedAt = System.nanoTime();
            return new Instance(builder.start(), port, startedAt, log);
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        /** Nanoseconds from process start until {@code /health/ready} answers 200. */
        long awaitReady(HttpClient http) throws Exception {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                requireAlive();
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        return System.nanoTime() - startedAt;
                    }
                } catch (IOException notListeningYet) {
                    // the query API starts with the instance
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("the topology instance was not ready within " + READY_TIMEOUT + "; its log: " + log);
        }

        void requireAlive() {
            if (!process.isAlive()) {
                throw new IllegalStateException("the topology instance exited with " + process.exitValue() + "; its log ("
                        + log + ") ends:\n" + tail());
            }
        }

        private String tail() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }

        Optional<Long> heapUsedAfterFullGc() throws Exception {
            return new ProcessProbe(process.pid()).heapUsedAfterFullGc();
        }

        Optional<Long> residentSetSize() throws IOException {
            return new ProcessProbe(process.pid()).residentSetSize();
        }

        /** SIGTERM, as Kubernetes stops a pod: the instance closes its stores, checkpoints them and leaves the group. */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
