package io.fleetstream.app.topology;

import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.TopologyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting the topology role when part of it cannot start: nothing it built is left running. */
class TopologyServiceStartTest {

    @Test
    void aTakenQueryPortClosesKafkaStreamsAndSaysWhichPortAndWhatToDo(@TempDir Path stateDir) throws Exception {
        String applicationId = "fleetstream-port-taken-" + UUID.randomUUID();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            // nothing listens on port 1: Kafka Streams and the registry are built but never reached
            TopologyService.Settings settings = new TopologyService.Settings("127.0.0.1:1", Map.of(),
                    "http://127.0.0.1:1", null, true, applicationId, stateDir, "at_least_once", 0, 1, 1,
                    Duration.ofMillis(100), "127.0.0.1", port, "localhost", null,
                    TopologyConfig.defaults(Topics.withDefaultPrefix()));

            assertThatThrownBy(() -> TopologyService.start(settings))
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("--query-port");
        }

        // Kafka Streams' clients (admin, consumers, producers) run threads named after the application id
        assertThat(threadsNamedAfter(applicationId)).isEmpty();
    }

    private static List<String> threadsNamedAfter(String applicationId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.contains(applicationId))
                .toList();
    }
}
