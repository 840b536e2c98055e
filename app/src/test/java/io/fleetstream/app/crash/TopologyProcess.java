package io.fleetstream.app.crash;

import io.fleetstream.app.net.FreePort;
import io.fleetstream.app.testing.RoleProcess;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code topology} role as an operating-system process of its own, started with this JVM's class path as
 * {@code java io.fleetstream.app.Main topology ...}, so that {@link #kill()} is a real SIGKILL: no shutdown hook, no
 * store flush, no transaction commit or abort, no leave-group. Its output goes to a log file of its own, which the
 * test reads (Kafka Streams' changelog restoration is logged at INFO by {@code topology-logback.xml}).
 */
final class TopologyProcess {

    /** The settings every start of one run shares. */
    record Config(String bootstrapServers, String registryUrl, String topicPrefix, String applicationId,
                  int partitions, String processingGuarantee, List<String> topologyOptions) {
    }

    /**
     * Kafka Streams' own words (at INFO) when it begins and ends restoring a changelog partition
     * ({@code StoreChangelogReader}, Kafka 4.1).
     */
    private static final Pattern RESTORE_STARTED = Pattern.compile("End offset for changelog (\\S+) initialized as (\\d+)");
    private static final Pattern RESTORE_FINISHED = Pattern.compile("Finished restoring changelog (\\S+) to store");
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final RoleProcess process;
    private final int port;
    private final long startedAt = System.nanoTime();

    private TopologyProcess(String name, RoleProcess process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts an instance on {@code stateDir} with one static member id per run, as a StatefulSet pod keeps its name:
     * the restarted process takes the killed one's tasks at once, without waiting out its session timeout.
     *
     * @param extraOptions options for this start only (e.g. Kafka client properties)
     */
    static TopologyProcess start(Config config, Path stateDir, Path logDir, String name, List<String> extraOptions)
            throws IOException {
        Files.createDirectories(stateDir);
        Files.createDirectories(logDir);
        int port = FreePort.on("127.0.0.1");
        List<String> role = new ArrayList<>(List.of("topology",
                "--bootstrap-servers=" + config.bootstrapServers(),
                "--schema-registry-url=" + config.registryUrl(),
                "--schema-auto-register=true",
                "--topic-prefix=" + config.topicPrefix(),
                "--application-id=" + config.applicationId(),
                "--state-dir=" + stateDir,
                "--query-host=127.0.0.1", "--advertised-host=127.0.0.1", "--query-port=" + port,
                "--num-standby-replicas=0", "--replication-factor=1",
                "--group-instance-id=" + config.applicationId() + "-0",
                "--partitions=" + config.partitions(),
                "--processing-guarantee=" + config.processingGuarantee()));
        role.addAll(config.topologyOptions());
        role.addAll(extraOptions);
        RoleProcess process = RoleProcess.start(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logbackConfig()), role, logDir.resolve(name + ".log"));
        return new TopologyProcess(name, process, port);
    }

    private static Path logbackConfig() {
        try {
            return Path.of(TopologyProcess.class.getResource("topology-logback.xml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return process.log();
    }

    long millisSinceStart() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
    }

    /** Milliseconds from process start until {@code /health/ready} answers 200 (Kafka Streams RUNNING). */
    long awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            requireAlive();
            if (readiness().status() == 200) {
                return millisSinceStart();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " was not ready within " + READY_TIMEOUT + "; its log: " + process.log());
    }

    /** What {@code /health/ready} answers now; status 0 while the query API does not listen yet. */
    Readiness readiness() throws InterruptedException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return new Readiness(r.statusCode(), r.body());
        } catch (IOException notListeningYet) {
            return new Readiness(0, notListeningYet.toString());
        }
    }

    record Readiness(int status, String body) {
    }

    /**
     * Waits until the log shows Kafka Streams restoring a changelog partition that has records, and not yet finished
     * with it; returns what {@code /health/ready} answered just before the log showed it.
     */
    Readiness awaitRestoring(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            requireAlive();
            Readiness readiness = readiness();
            if (!unfinishedRestores().isEmpty()) {
                return readiness;
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException(name + " did not start restoring within " + timeout + "; its log: " + process.log());
    }

    /** Changelog partitions with records whose restoration the log shows begun and not finished, with their end offset. */
    Map<String, Long> unfinishedRestores() {
        String text = logText();
        Map<String, Long> begun = new TreeMap<>();
        Matcher started = RESTORE_STARTED.matcher(text);
        while (started.find()) {
            long end = Long.parseLong(started.group(2));
            if (end > 0) {
                begun.put(started.group(1), end);
            }
        }
        Matcher finished = RESTORE_FINISHED.matcher(text);
        while (finished.find()) {
            begun.remove(finished.group(1));
        }
        return begun;
    }

    /** How many changelog partitions the log shows restored. */
    int restoresFinished() {
        int n = 0;
        Matcher finished = RESTORE_FINISHED.matcher(logText());
        while (finished.find()) {
            n++;
        }
        return n;
    }

    String logText() {
        return process.logText();
    }

    void requireAlive() {
        process.requireAlive(name);
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM, as Kubernetes stops a pod: Kafka Streams closes cleanly. SIGKILL if that takes over a minute. */
    void stop() throws InterruptedException {
        process.stop(60);
    }

    boolean alive() {
        return process.isAlive();
    }
}
