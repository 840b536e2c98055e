package io.fleetstream.app.outage;

import io.fleetstream.app.net.FreePort;
import io.fleetstream.app.testing.RoleProcess;
import io.fleetstream.schemas.Topics;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * {@code fleetstream ingest} as an operating-system process of its own, started as production starts it
 * ({@code java -cp ... io.fleetstream.app.Main ingest ...}), so that it can be killed with SIGKILL: no shutdown hook,
 * no producer flush, no answer to the request in flight.
 */
final class IngestProcess implements AutoCloseable {

    private final RoleProcess process;
    private final int port;

    private IngestProcess(RoleProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts ingest on a free loopback port, publishing to {@code bootstrapServers}, and waits until it is ready.
     *
     * @param kafkaProperties extra {@code --kafka-property} values, e.g. to slow the producer down
     */
    static IngestProcess start(String bootstrapServers, String registryUrl, Topics topics, Path log,
                               List<String> kafkaProperties) throws IOException {
        int port = FreePort.on("127.0.0.1");
        List<String> role = new ArrayList<>(List.of("ingest",
                "--bootstrap-servers=" + bootstrapServers,
                "--schema-registry-url=" + registryUrl,
                "--topic-prefix=" + topics.prefix(),
                "--ingest-host=127.0.0.1",
                "--ingest-port=" + port,
                "--ack-timeout=20s"));
        kafkaProperties.forEach(p -> role.add("--kafka-property=" + p));
        IngestProcess ingest = new IngestProcess(RoleProcess.start(List.of("-Xmx256m"), role, log), port);
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
        return process.kill();
    }

    String logText() {
        return process.logText();
    }

    @Override
    public void close() {
        process.close();
    }

    private boolean ready() {
        process.requireAlive("ingest");
        try {
            return OutageFixtures.get(port, "/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
