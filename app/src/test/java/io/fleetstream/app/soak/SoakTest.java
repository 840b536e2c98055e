package io.fleetstream.app.soak;

import io.fleetstream.app.bench.ProcessProbe;
import io.fleetstream.app.net.FreePort;
import io.fleetstream.app.testing.RoleProcess;
import io.fleetstream.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak test: {@code local --simulate} as its own process (embedded broker and registry, ingest, topology, the
 * simulator posting Data Streamer batches) at a steady rate for ten minutes ({@code -Dfleetstream.soak.duration}),
 * sampled every 30 s from outside: heap in use after a full collection, threads, open files by kind, RSS, events in,
 * and the topology's lag. After a warm-up (every simulated device known, stores and caches filled) the heap, the
 * threads and the open sockets, pipes and files must stay flat, no deleted file may stay open, and the topology must
 * keep up. Tagged {@code slow}: it runs in {@code mvn -Pslow test}, which CI runs.
 */
@Tag("slow")
class SoakTest {

    private static final Logger log = LoggerFactory.getLogger(SoakTest.class);

    private static final Duration DURATION = Duration.parse(System.getProperty("fleetstream.soak.duration", "PT10M"));
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(30);
    /** the first fifth (at least a minute) is warm-up: devices appear, stores and caches fill */
    private static final Duration WARM_UP = Duration.ofSeconds(Math.max(60, DURATION.toSeconds() / 5));
    private static final int DEVICES = 10_000;
    private static final double SPEED = 30;
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dataDir;

    record Sample(long second, long heap, long rss, long threads, Map<String, Integer> files, long eventsIn, long lag) {
        int files(String kind) {
            return files.getOrDefault(kind, 0);
        }

        /** sockets, pipes, event fds and plain files: what a leak of connections, clients or streams shows in */
        int handles() {
            return files("socket") + files("pipe") + files("anon_inode") + files("file");
        }
    }

    @Test
    void heapThreadsAndOpenFilesStayFlatUnderSteadyTraffic() throws Exception {
        int kafkaPort = FreePort.on("127.0.0.1");
        int registryPort = FreePort.on("127.0.0.1");
        int ingestPort = FreePort.on("127.0.0.1");
        int queryPort = FreePort.on("127.0.0.1");
        RoleProcess local = RoleProcess.start(List.of("-Xmx512m"), List.of("local",
                "--data-dir=" + dataDir.resolve("data"), "--kafka-port=" + kafkaPort, "--registry-port=" + registryPort,
                "--ingest-port=" + ingestPort, "--query-port=" + queryPort, "--num-standby-replicas=0",
                "--simulate=" + DEVICES, "--speed=" + SPEED, "--seed=7"), dataDir.resolve("local.log"));
        ProcessProbe probe = new ProcessProbe(local.pid());
        HttpClient http = HttpClient.newHttpClient();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        List<Sample> samples = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            awaitReady(http, URI.create("http://127.0.0.1:" + queryPort + "/health/ready"), local);
            long started = System.nanoTime();
            long end = started + DURATION.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(SAMPLE_EVERY.toMillis());
                local.requireAlive("local");
                Sample sample = sample(probe, admin, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                samples.add(sample);
                log.info("soak {}", sample);
            }
        } finally {
            local.stop(60);
        }
        writeFigures(samples);

        List<Sample> measured = samples.stream().filter(s -> s.second() >= WARM_UP.toSeconds()).toList();
        assertThat(measured).as("samples after the warm-up").hasSizeGreaterThanOrEqualTo(4);
        int third = Math.max(1, measured.size() / 3);
        List<Sample> early = measured.subList(0, third);
        List<Sample> late = measured.subList(measured.size() - third, measured.size());

        // traffic flowed all along, and the topology kept up with it
        for (int i = 1; i < samples.size(); i++) {
            assertThat(samples.get(i).eventsIn()).as("events arrived between samples %d and %d", i - 1, i)
                    .isGreaterThan(samples.get(i - 1).eventsIn());
        }
        long perSample = (samples.get(samples.size() - 1).eventsIn() - samples.get(0).eventsIn()) / Math.max(1, samples.size() - 1);
        assertThat(late.stream().mapToLong(Sample::lag).max().orElseThrow())
                .as("the topology's lag stays below one sample interval of traffic (%d events)", perSample)
                .isLessThan(Math.max(perSample, 1000));

        // the heap after a full collection does not grow. Single readings swing by a few tens of MiB with what is in
        // flight (producer buffer pools, fetch buffers, record caches), so the medians are compared: the late one may be
        // at most a fifth (and 32 MiB) above the early one
        long earlyHeap = median(early, Sample::heap);
        assertThat(median(late, Sample::heap)).as("median heap after GC, late vs early %s", mib(samples, Sample::heap))
                .isLessThanOrEqualTo(earlyHeap + earlyHeap / 5 + 32 * MIB);
        // no thread, connection or file handle accumulates
        assertThat(max(late, Sample::threads)).as("threads %s", list(samples, Sample::threads))
                .isLessThanOrEqualTo(max(early, Sample::threads) + 2);
        assertThat(max(late, Sample::handles)).as("sockets, pipes and files %s", list(samples, Sample::handles))
                .isLessThanOrEqualTo(max(early, Sample::handles) + 8);
        assertThat(max(late, s -> s.files("deleted"))).as("deleted files held open %s", list(samples, s -> s.files("deleted")))
                .isLessThanOrEqualTo(Math.max(8, max(early, s -> s.files("deleted"))));
    }

    private static Sample sample(ProcessProbe probe, Admin admin, long second) throws Exception {
        long heap = probe.heapUsedAfterFullGc().orElseThrow(() -> new IllegalStateException("no jcmd beside " + ProcessProbe.javaBinary()));
        long rss = probe.residentSetSize().orElseThrow();
        long threads = probe.threads().orElseThrow();
        TreeMap<String, Integer> files = probe.openFiles().orElseThrow();
        Topics topics = Topics.withDefaultPrefix();
        Map<TopicPartition, Long> ends = endOffsets(admin, topics.raw());
        long eventsIn = ends.values().stream().mapToLong(Long::longValue).sum();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                io.fleetstream.app.topology.TopologyService.InstanceSettings.DEFAULT_APPLICATION_ID)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            lag += end.getValue() - (at == null ? 0 : at.offset());
        }
        return new Sample(second, heap, rss, threads, files, eventsIn, lag);
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static void awaitReady(HttpClient http, URI ready, RoleProcess local) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            local.requireAlive("local");
            try {
                if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the query API starts after the broker and the registry
            }
            Thread.sleep(500);
        }
        throw new AssertionError("local was not ready within 3 minutes; its log ends:\n" + local.tail(40));
    }

    private static void writeFigures(List<Sample> samples) throws IOException {
        Path dir = Path.of("target", "soak");
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("second,heap_after_gc_bytes,rss_bytes,threads,handles,sst_files,deleted_files,events_in,lag\n");
        for (Sample s : samples) {
            csv.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d,%d,%d%n", s.second(), s.heap(), s.rss(), s.threads(),
                    s.handles(), s.files("sst"), s.files("deleted"), s.eventsIn(), s.lag()));
        }
        Files.writeString(dir.resolve("soak.csv"), csv, StandardCharsets.UTF_8);
        log.info("soak figures in {}:\n{}", dir.resolve("soak.csv").toAbsolutePath(), csv);
    }

    private static long max(List<Sample> samples, ToLongFunction<Sample> of) {
        return samples.stream().mapToLong(of).max().orElseThrow();
    }

    private static long median(List<Sample> samples, ToLongFunction<Sample> of) {
        long[] sorted = samples.stream().mapToLong(of).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static String mib(List<Sample> samples, ToLongFunction<Sample> of) {
        return samples.stream().map(s -> s.second() + "s:" + of.applyAsLong(s) / MIB + "MiB").collect(Collectors.joining(" "));
    }

    private static String list(List<Sample> samples, ToLongFunction<Sample> of) {
        return samples.stream().map(s -> s.second() + "s:" + of.applyAsLong(s)).collect(Collectors.joining(" "));
    }
}
