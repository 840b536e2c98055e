package io.fleetstream.app.outage;

import io.fleetstream.app.net.FreePort;
import io.fleetstream.schemas.Topics;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * {@code fleetstream ingest} as an operating-system process of its own, started as production starts it
 * ({@code java -cp ... io.fleetstream.app.Main ingest ...}), so that it can be killed with SIGKILL: no shutdown hook,
 * no producer flush, no answer to the request in flight.
 */
final class IngestProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private IngestProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts ingest on a free loopback port, publishing to {@code bootstrapServers}, and waits until it is ready.
     *
     * @param kafkaProperties extra {@code --kafka-property} values, e.g. to slow the producer down
     */
    static IngestProcess start(String bootstrapServers, String registryUrl, Topics topics, Path log,
                               List<String> kafkaProperties) throws IOException {
        int port = FreePort.on("127.0.0.1");
        List<String> command = new ArrayList<>(List.of(javaBinary().toString(), "-Xmx256m", "-cp", classPath(),
                "io.fleetstream.app.Main", "ingest",
                "--bootstrap-servers=" + bootstrapServers,
                "--schema-registry-url=" + registryUrl,
                "--topic-prefix=" + topics.prefix(),
                "--ingest-host=127.0.0.1",
                "--ingest-port=" + port,
                "--ack-timeout=20s"));
        kafkaProperties.forEach(p -> command.add("--kafka-property=" + p));
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the test's own FLEETSTREAM_* variables would override these options
        builder.environment().keySet().removeIf(k -> k.startsWith("FLEETSTREAM_"));
        IngestProcess ingest = new IngestProcess(builder.start(), port, log);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(ingest::ready);
        } catch (RuntimeException e) {
            ingest.close();
            throw new IllegalStateException("ingest did not become ready; its log:\n" + ingest.logText(), e);
        }
        return ingest;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux), and waits until the process is gone. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ingest process " + process.pid() + " did not die from SIGKILL");
        }
        return process.exitValue();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("ingest exited with " + process.exitValue());
        }
        try {
            return OutageFixtures.get(port, "/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The test's class path. Surefire may start the test JVM from a manifest-only jar; it then keeps the real class
     * path in {@code surefire.test.class.path} (and the manifest's Class-Path would serve too).
     */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        String path = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        if (!path.contains("classes")) {
            throw new IllegalStateException("the class path does not name the app's classes: " + path);
        }
        return path.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator);
    }

    private static Path javaBinary() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }
}
