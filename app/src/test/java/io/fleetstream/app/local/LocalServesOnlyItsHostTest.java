package io.fleetstream.app.local;

import io.fleetstream.http.HostAddresses;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code local} without credentials, its webhook and query API listening on every interface as by default: a client
 * on another address gets a 403 in JSON from both (health probes stay open), the embedded registry is not reachable
 * from there at all (it binds loopback), and a client on this host is served by all three.
 */
class LocalServesOnlyItsHostTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Topics topics = Topics.withDefaultPrefix();
    private static Path dataDir;
    private static LocalStack stack;
    private static InetAddress elsewhere;

    @BeforeAll
    static void start() throws IOException {
        elsewhere = HostAddresses.nonLoopback();
        dataDir = Files.createTempDirectory("fleetstream-local-access");
        TopologyService.InstanceSettings topology = new TopologyService.InstanceSettings(
                TopologyService.InstanceSettings.DEFAULT_APPLICATION_ID, dataDir.resolve("streams"), "at_least_once", 0, 1,
                1, Duration.ofMillis(100), "0.0.0.0", 0, "localhost", LocalStack.DEFAULT_GROUP_INSTANCE_ID,
                TopologyConfig.defaults(topics));
        stack = LocalStack.start(new LocalStack.Settings(dataDir, LocalStack.Ports.any(), topics, 1,
                WebhookConfig.defaults(), Optional.empty(), topology), new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            stack.close();
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theQueryApiRefusesAnotherHostIn403JsonButAnswersItsProbes() throws Exception {
        HttpResponse<String> refused = get(elsewhere, stack.queryPort(), "/v1/fleet/summary");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(refused.body()).contains("\"status\":403", "--query-token");
        assertThat(get(elsewhere, stack.queryPort(), "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(InetAddress.getLoopbackAddress(), stack.queryPort(), "/v1/fleet/summary").statusCode()).isEqualTo(200);
    }

    @Test
    void theWebhookRefusesAnotherHostIn403Json() throws Exception {
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(uri(elsewhere, stack.ingestPort(), "/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("\"status\":403", "serves only clients on its own host");
    }

    @Test
    void theRegistryListensOnLoopbackOnly() throws Exception {
        int port = URI.create(stack.registryUrl()).getPort();

        assertThat(URI.create(stack.registryUrl()).getHost()).isEqualTo("127.0.0.1");
        assertThat(get(InetAddress.getLoopbackAddress(), port, "/subjects").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(elsewhere, port), 2_000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    private static HttpResponse<String> get(InetAddress address, int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(address, port, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(InetAddress address, int port, String path) {
        return URI.create("http://" + address.getHostAddress() + ":" + port + path);
    }

}
