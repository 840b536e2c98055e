package io.fleetstream.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.schemas.json.Json;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the shared HTTP edge does with hostile input, for every role: the refusals, the timeouts, the shape. */
class HostileInputTest {

    private static final Duration IDLE = Duration.ofMillis(2500);
    private static final Duration HEADERS = Duration.ofMillis(1000);
    private static final Duration STALL = Duration.ofMillis(1000);

    /** the common pool may have a single thread on a small machine: trickling clients must run side by side */
    private final ExecutorService clients = Executors.newCachedThreadPool();
    private Javalin app;
    private HostileClient client;

    @AfterEach
    void stop() {
        clients.shutdownNow();
        if (app != null) {
            app.stop();
        }
    }

    private void start(ErrorShape shape) {
        app = HttpEdge.create(new HttpEdge.Config("127.0.0.1", 0)
                .withMaxRequestBytes(100_000)
                .withTimeouts(IDLE, HEADERS, STALL)
                .withErrorShape(shape));
        app.post("/echo", ctx -> {
            HttpEdge.requireBodyType(ctx, type -> type.isEmpty() || HttpEdge.isJson(type), "application/json");
            HttpEdge.json(ctx, 200, Json.mapper().createObjectNode().put("length", HttpEdge.body(ctx).length));
        });
        app.get("/busy", ctx -> {
            Thread.sleep(IDLE.plus(STALL).toMillis());
            ctx.result("done");
        });
        app.get("/param", ctx -> HttpEdge.error(ctx, 400, "x " + HttpEdge.quote(ctx.queryParam("x")) + " is wrong"));
        new HealthEndpoints(Health::up, 1).install(app);
        HttpEdge.answerRefusalsAsJson(app);
        app.start();
        client = new HostileClient(app.port());
    }

    @Test
    void queryStringsThatAreNotUtf8OrCarryControlCharactersAreRefusedNamingTheParameter() {
        start(ErrorShape.FLEETSTREAM);

        for (String query : List.of("x=%ff%fe", "x=%zz", "x=abc%", "x=a%0d%0aSet-Cookie:%20y", "x=%00", "x=%C0%AF")) {
            HostileClient.Answer answer = client.get("/param?" + query);

            assertJsonError(answer, 400, "query parameter 'x'");
            assertThat(answer.json().get("parameter").asText()).as(query).isEqualTo("x");
        }
        assertJsonError(client.get("/param?%ff=1"), 400, "a query parameter name is not UTF-8");
        // without the check, Javalin dropped a parameter with a broken escape and the route saw none
        assertThat(client.get("/param?x=ok%20fine").body()).contains("'ok fine'");
    }

    @Test
    void pathsThatAreNotUtf8AreRefusedAndTraversalNeverLeavesTheRoutes() {
        start(ErrorShape.FLEETSTREAM);

        assertJsonError(client.get("/health/%ff%fe"), 400, "the path is not UTF-8");
        assertJsonError(client.get("/health/a%0ab"), 400, "control character");
        for (String path : List.of("/health/live%00", "/../../etc/passwd", "/health/%2e%2e/%2e%2e/etc/passwd",
                "/health/..%2f..%2fetc%2fpasswd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd")) {
            HostileClient.Answer answer = client.get(path);
            assertThat(answer.status()).as(path).isBetween(400, 404);
            assertJsonShape(answer);
        }
    }

    @Test
    void hugeTargetsAreRefusedAndEchoedValuesAreCut() {
        start(ErrorShape.FLEETSTREAM);

        assertJsonError(client.get("/param?x=" + "a".repeat(1_000_000)), 414, "URI Too Long");
        assertJsonError(client.get("/health/" + "a".repeat(100_000)), 414, "URI Too Long");
        // below Jetty's 8 kB limit, the value reaches the route, which repeats only its start
        HostileClient.Answer echoed = client.get("/param?x=" + "<script>".repeat(900));
        String message = echoed.json().get("error").asText();
        assertThat(message).contains("(7200 characters)").hasSizeLessThan(HttpEdge.MAX_ECHO_CHARS + 60);
        assertThat(echoed.headers()).contains("X-Content-Type-Options: nosniff");
        HostileClient.Answer missing = client.get("/" + "b".repeat(5000));
        assertJsonError(missing, 404, "(5001 characters)");
        assertThat(missing.body()).hasSizeLessThan(300);
    }

    @Test
    void aBodyOfAnotherMediaTypeIsRefusedWith415AndJsonVariantsAreRead() {
        start(ErrorShape.FLEETSTREAM);

        for (String type : List.of("application/x-www-form-urlencoded", "text/xml", "multipart/form-data; boundary=x")) {
            assertJsonError(client.send("POST", "/echo", List.of("Content-Type: " + type), "{}".getBytes(StandardCharsets.UTF_8)),
                    415, "send application/json");
        }
        for (String type : List.of("application/json", "Application/JSON; charset=UTF-8", "application/vnd.schemaregistry.v1+json")) {
            assertThat(client.send("POST", "/echo", List.of("Content-Type: " + type), "{}".getBytes(StandardCharsets.UTF_8)).status())
                    .as(type).isEqualTo(200);
        }
        assertThat(client.send("POST", "/echo", List.of(), "{}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
    }

    @Test
    void headersTricklingInAreCutOffAtTheHeaderDeadlineWhileOthersAreServed() {
        start(ErrorShape.FLEETSTREAM);
        int before = client.openConnections();

        // a byte every 200 ms never lets the idle timeout (1.5 s) fire
        CompletableFuture<HostileClient.Trickled> slow = CompletableFuture.supplyAsync(() ->
                client.trickle("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a", Duration.ofMillis(200), Duration.ofSeconds(15)), clients);
        await().atMost(Duration.ofSeconds(2)).until(() -> client.openConnections() > before);
        assertThat(client.get("/health/live").status()).isEqualTo(200);
        HostileClient.Trickled trickled = slow.join();

        assertThat(trickled.closedByServer()).isTrue();
        assertThat(trickled.after()).isBetween(HEADERS, HEADERS.plus(IDLE).plusSeconds(1));
        await().atMost(Duration.ofSeconds(3)).until(() -> client.openConnections() == before);
    }

    @Test
    void aBodyTricklingInIsAnswered408AndFreesItsThread() {
        start(ErrorShape.FLEETSTREAM);

        CompletableFuture<HostileClient.Trickled> slow = CompletableFuture.supplyAsync(() -> client.trickle(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n[",
                " ", Duration.ofMillis(200), Duration.ofSeconds(15)), clients);
        assertThat(client.get("/health/live").status()).isEqualTo(200);
        HostileClient.Trickled trickled = slow.join();

        assertThat(trickled.after()).isLessThan(Duration.ofSeconds(5));
        assertJsonError(trickled.answer(), 408, "Request Timeout");
        await().atMost(Duration.ofSeconds(3)).until(() -> HostileClient.busyRequestThreads() == 0);
    }

    @Test
    void aBodyThatStopsArrivingIsAnswered408AfterTheStallTimeout() {
        start(ErrorShape.FLEETSTREAM);

        HostileClient.Trickled stalled = client.trickle(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n[", "", Duration.ofSeconds(20), Duration.ofSeconds(15));

        assertThat(stalled.closedByServer()).isTrue();
        assertThat(stalled.after()).isBetween(STALL, STALL.plusMillis(1200));
        assertJsonError(stalled.answer(), 408, "Request Timeout");
    }

    @Test
    void aHandlerBusyLongerThanEveryTimeoutWithoutReadingIsNotCutAndAnIdleConnectionIsClosed() {
        start(ErrorShape.FLEETSTREAM);

        assertThat(client.get("/busy").body()).isEqualTo("done");

        HostileClient.Trickled idle = client.trickle("", "", Duration.ofSeconds(20), Duration.ofSeconds(15));
        assertThat(idle.closedByServer()).isTrue();
        assertThat(idle.after()).isBetween(IDLE, IDLE.plusMillis(1500));
        assertThat(idle.answer().status()).isZero();
    }

    @Test
    void everyRefusalOfAServerIsInItsOwnShapeJettysIncluded() {
        start((status, message, parameter) -> Json.mapper().createObjectNode().put("error_code", status).put("message", message));

        List<HostileClient.Answer> answers = List.of(
                client.get("/health/live%00"),
                client.get("/param?x=%ff"),
                client.get("/param?x=" + "a".repeat(100_000)),
                client.send("POST", "/echo", List.of("Content-Type: text/xml"), new byte[]{'x'}),
                client.raw(("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Flood: " + "a".repeat(64 * 1024) + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(answers).extracting(HostileClient.Answer::status).containsExactly(400, 400, 414, 415, 431);
        for (HostileClient.Answer answer : answers) {
            assertThat(answer.headers()).contains("X-Content-Type-Options: nosniff");
            assertThat(answer.json().get("error_code").asInt()).isEqualTo(answer.status());
            assertThat(answer.json().get("message").asText()).isNotBlank();
        }
    }

    @Test
    void afterEveryKindOfHostileRequestConnectionsAndThreadsAreBackToWhereTheyWere() {
        start(ErrorShape.FLEETSTREAM);
        int connections = client.openConnections();

        List<CompletableFuture<HostileClient.Trickled>> trickling = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            trickling.add(CompletableFuture.supplyAsync(() -> client.trickle("GET /health/live HTTP/1.1\r\nX-Slow: ", "a",
                    Duration.ofMillis(200), Duration.ofSeconds(30)), clients));
            trickling.add(CompletableFuture.supplyAsync(() -> client.trickle(
                    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n[", " ", Duration.ofMillis(200), Duration.ofSeconds(30)), clients));
        }
        for (int i = 0; i < 5; i++) {
            client.get("/param?x=%ff");
            client.get("/param?x=" + "a".repeat(200_000));
            client.get("/health/live%00");
            client.send("POST", "/echo", List.of("Content-Type: text/xml"), new byte[200_000]);
            client.send("POST", "/echo", List.of(), new byte[150_000]);
            client.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\nnot http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            client.raw(new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\r', '\n', '\r', '\n'});
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> client.openConnections() == connections);
        assertThat(HostileClient.busyRequestThreads()).isZero();
        assertThat(trickling).allSatisfy(t -> assertThat(t.join().closedByServer()).isTrue());
        assertThat(client.get("/health/live").status()).isEqualTo(200);
    }

    private static void assertJsonError(HostileClient.Answer answer, int status, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertJsonShape(answer);
        assertThat(answer.json().get("error").asText()).contains(message);
    }

    private static void assertJsonShape(HostileClient.Answer answer) {
        assertThat(answer.contentType()).as(answer.headers()).startsWith("application/json");
        JsonNode body = answer.json();
        assertThat(body.get("status").asInt()).isEqualTo(answer.status());
        assertThat(body.get("error").asText()).isNotBlank();
    }
}
