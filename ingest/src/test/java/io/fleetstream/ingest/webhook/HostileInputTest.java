package io.fleetstream.ingest.webhook;

import io.fleetstream.http.HostileClient;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.ingest.publish.AvroBinarySerializer;
import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.Examples;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Hostile input on every route of the ingest webhook, over raw sockets: each a 4xx in the JSON error shape. */
class HostileInputTest {

    private static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final String TOKEN = "tok-hostile-SECRET";
    private static final String AUTH = "Authorization: Bearer " + TOKEN;
    private static final List<String> ROUTES = List.of("POST " + WebhookServer.EVENTS_PATH, "PUT " + WebhookServer.EVENTS_PATH,
            "PATCH " + WebhookServer.EVENTS_PATH, "GET /health/live", "GET /health/ready");

    private final ExecutorService clients = Executors.newCachedThreadPool();
    private MockProducer<String, byte[]> producer;
    private WebhookServer server;
    private HostileClient client;

    @BeforeEach
    void start() {
        Node broker = new Node(1, "localhost", 9092);
        Cluster cluster = new Cluster("test", List.of(broker),
                List.of(new PartitionInfo(TOPICS.raw(), 0, broker, new Node[]{broker}, new Node[]{broker})), Set.of(), Set.of());
        producer = new MockProducer<>(cluster, true, null, new StringSerializer(), new ByteArraySerializer());
        WebhookConfig config = WebhookConfig.defaults().withHost("127.0.0.1").withPort(0).withBearerToken(TOKEN)
                .withMaxBodyBytes(200_000);
        EventPublisher publisher = new EventPublisher(producer, new AvroBinarySerializer<>(), new AvroBinarySerializer<>(), TOPICS,
                config.ackTimeout());
        server = new WebhookServer(config, new EmnifyEventReader(), publisher, new SimpleMeterRegistry(), Clock.systemUTC()).start();
        client = new HostileClient(server.port());
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        server.close();
    }

    @Test
    void aBodyOfAnotherFormatIs415WhileEverythingTheStreamerMightSendIsRead() {
        byte[] event = ("[" + new String(Examples.bytes("004-1-update-location-docs.json"), StandardCharsets.UTF_8) + "]")
                .getBytes(StandardCharsets.UTF_8);

        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
                "text/html", "image/png")) {
            HostileClient.Answer answer = post(List.of(AUTH, "Content-Type: " + type), event);
            assertJsonError(answer, 415, "send the events as a JSON array with Content-Type application/json");
        }
        List<String> readable = new ArrayList<>(List.of("application/json", "application/json; charset=UTF-8", "APPLICATION/JSON",
                "text/plain; charset=utf-8", "application/octet-stream", "application/vnd.emnify.events+json", "text/json"));
        for (String type : readable) {
            assertThat(post(List.of(AUTH, "Content-Type: " + type), event).status()).as(type).isEqualTo(200);
        }
        assertThat(post(List.of(AUTH), event).status()).as("no Content-Type").isEqualTo(200);
        assertThat(producer.history()).hasSize(readable.size() + 1);
        // who is not authenticated learns nothing more
        assertThat(post(List.of("Content-Type: application/xml"), event).status()).isEqualTo(401);
    }

    @Test
    void hostileBodiesAre4xxAndNothingOfThemReachesKafka() {
        assertJsonError(post(List.of(AUTH, "Content-Type: application/json"), new byte[]{'[', '"', (byte) 0xff, (byte) 0xfe, '"', ']'}),
                400, "body is not JSON");
        assertJsonError(post(List.of(AUTH, "Content-Type: application/json"), "[".repeat(5000).getBytes(StandardCharsets.UTF_8)),
                400, "nested deeper");
        assertJsonError(post(List.of(AUTH, "Content-Type: application/json"), new byte[200_001]), 413, "larger than 200000 bytes");
        assertJsonError(post(List.of(AUTH, "Content-Type: application/json"), "{\"a\":\"\0\"}".getBytes(StandardCharsets.UTF_8)),
                400, "body is not JSON");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void everyRouteRefusesHostileTargetsInTheJsonShape() {
        for (String route : ROUTES) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            byte[] body = method.equals("GET") ? null : "[]".getBytes(StandardCharsets.UTF_8);

            assertJsonError(client.send(method, path + "?x=%ff%fe", List.of(AUTH), body), 400, "query parameter 'x' is not UTF-8");
            assertJsonError(client.send(method, path + "?x=%zz", List.of(AUTH), body), 400, "query parameter 'x'");
            assertJsonError(client.send(method, path + "?x=%0d%0aX-Injected:%201", List.of(AUTH), body), 400, "control character");
            assertJsonError(client.send(method, path + "?x=" + "a".repeat(1_000_000), List.of(AUTH), body), 414, "URI Too Long");
            assertJsonError(client.send(method, path + "/" + "1".repeat(100_000), List.of(AUTH), body), 414, "URI Too Long");
            assertJsonError(client.send(method, path + "%00", List.of(AUTH), body), 400, "Bad Request");
            assertJsonError(client.send(method, path + "/%ff", List.of(AUTH), body), 400, "the path is not UTF-8");
            for (String traversal : List.of("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd")) {
                HostileClient.Answer answer = client.send(method, path + traversal, List.of(AUTH), body);
                assertThat(answer.status()).as(route + traversal).isBetween(400, 405);
                assertJsonShape(answer);
            }
        }
        assertJsonError(client.get(WebhookServer.EVENTS_PATH), 405, "Method Not Allowed");
        assertJsonError(client.send("DELETE", "/health/live", List.of(), null), 405, "Method Not Allowed");
        assertJsonError(client.get("/etc/passwd"), 404, "Not Found");
        assertJsonError(client.get("/%3Cscript%3Ealert(1)%3C%2Fscript%3E"), 404, "Not Found");
        assertJsonError(client.raw(("GET /health/live HTTP/1.1\r\nHost: x\r\n" + "X-Flood: y\r\n".repeat(5000) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)), 431, "Request Header Fields Too Large");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void slowClientsAreCutOffWhileTheStreamerIsServedAndNothingLeaks() {
        int connections = client.openConnections();

        CompletableFuture<HostileClient.Trickled> slowHeaders = CompletableFuture.supplyAsync(() -> client.trickle(
                "POST " + WebhookServer.EVENTS_PATH + " HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\nX-Slow: ", "a",
                Duration.ofMillis(500), Duration.ofSeconds(30)), clients);
        CompletableFuture<HostileClient.Trickled> slowBody = CompletableFuture.supplyAsync(() -> client.trickle(
                "POST " + WebhookServer.EVENTS_PATH + " HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[", " ",
                Duration.ofMillis(500), Duration.ofSeconds(30)), clients);
        CompletableFuture<HostileClient.Trickled> stalledBody = CompletableFuture.supplyAsync(() -> client.trickle(
                "POST " + WebhookServer.EVENTS_PATH + " HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[", "",
                Duration.ofSeconds(30), Duration.ofSeconds(30)), clients);
        await().atMost(Duration.ofSeconds(2)).until(() -> client.openConnections() >= connections + 3);
        assertThat(post(List.of(AUTH, "Content-Type: application/json"), "[]".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);

        HostileClient.Trickled body = slowBody.join();
        assertThat(body.after()).isLessThan(Duration.ofSeconds(5));
        assertJsonError(body.answer(), 408, "Request Timeout");
        HostileClient.Trickled stalled = stalledBody.join();
        assertThat(stalled.after()).isBetween(HttpEdge.STALL_TIMEOUT, HttpEdge.STALL_TIMEOUT.plusSeconds(2));
        assertJsonError(stalled.answer(), 408, "the body stopped arriving");
        HostileClient.Trickled headers = slowHeaders.join();
        assertThat(headers.closedByServer()).isTrue();
        assertThat(headers.after()).isBetween(HttpEdge.HEADER_TIMEOUT, HttpEdge.HEADER_TIMEOUT.plusSeconds(4));

        await().atMost(Duration.ofSeconds(3)).until(() -> client.openConnections() == connections);
        assertThat(HostileClient.busyRequestThreads()).isZero();
        assertThat(producer.history()).isEmpty();
    }

    private HostileClient.Answer post(List<String> headers, byte[] body) {
        return client.send("POST", WebhookServer.EVENTS_PATH, headers, body);
    }

    private static void assertJsonError(HostileClient.Answer answer, int status, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertJsonShape(answer);
        assertThat(answer.json().get("error").asText()).contains(message);
    }

    private static void assertJsonShape(HostileClient.Answer answer) {
        assertThat(answer.contentType()).as(answer.headers()).startsWith("application/json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(answer.status());
        assertThat(answer.json().get("error").asText()).isNotBlank();
    }
}
