package io.fleetstream.app.simulate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SimulatorTest {

    private static final Instant START = Instant.parse("2024-05-01T00:00:00Z");
    private static final String ACCEPTED = "{\"accepted\": 1, \"dead_lettered\": 0}";

    @RegisterExtension
    static WireMockExtension webhook = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final List<List<ObjectNode>> acknowledged = new CopyOnWriteArrayList<>();
    private final List<List<ObjectNode>> usageAcknowledged = new CopyOnWriteArrayList<>();
    private final DeliveryListener recordingBoth = new DeliveryListener() {
        @Override
        public void acknowledged(List<ObjectNode> batch) {
            acknowledged.add(List.copyOf(batch));
        }

        @Override
        public void usageAcknowledged(List<ObjectNode> batch) {
            usageAcknowledged.add(List.copyOf(batch));
        }
    };

    /** The usage path answers 200 unless a test stubs it otherwise (a later stub wins). */
    @BeforeEach
    void acceptUsage() {
        webhook.stubFor(post("/v1/usage").willReturn(okJson(ACCEPTED)));
    }

    @Test
    void postsEveryDueEventInJsonArraysOfAtMostTheBatchSizeWithTheAuthorizationHeader() throws Exception {
        webhook.stubFor(post("/v1/events").willReturn(okJson(ACCEPTED)));
        SimulatorConfig config = fastRun(100, Duration.ofMinutes(20))
                .withTraffic(TrafficProfile.of(100, 3, START).withDuplicateFraction(0.05))
                .withAuthorization("Bearer sim-token");

        SimulatorStats stats;
        try (Simulator simulator = new Simulator(config, recordingBoth)) {
            simulator.start();
            assertThat(simulator.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            stats = simulator.stats();
        }

        List<ServeEvent> usageRequests = requestsInOrder("/v1/usage");
        assertThat(usageRequests).isNotEmpty().allSatisfy(request -> {
            assertThat(request.getRequest().getHeader("Authorization")).isEqualTo("Bearer sim-token");
            assertThat(Json.mapper().readTree(request.getRequest().getBodyAsString()).size()).isBetween(1, 20);
        });
        assertThat(usageAcknowledged.stream().map(SimulatorTest::asJson).toList())
                .as("the listener sees exactly the usage batches that were sent, in order")
                .containsExactlyElementsOf(usageRequests.stream().map(request -> request.getRequest().getBodyAsString()).toList());
        TrafficGenerator withUsage = new TrafficGenerator(config.traffic(), true);
        withUsage.advanceTo(START.plus(Duration.ofMinutes(20)));
        List<ObjectNode> expectedUsage = withUsage.usageUpTo(START.plus(Duration.ofMinutes(20)));
        assertThat(usageAcknowledged.stream().flatMap(List::stream).toList()).isEqualTo(expectedUsage);
        assertThat(stats.usageRecordsSent()).isEqualTo(expectedUsage.size());

        List<ServeEvent> requests = requestsInOrder();
        assertThat(requests).hasSizeGreaterThan(5);
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.getRequest().getHeader("Authorization")).isEqualTo("Bearer sim-token");
            assertThat(request.getRequest().getHeader("Content-Type")).startsWith("application/json");
            JsonNode body = Json.mapper().readTree(request.getRequest().getBodyAsString());
            assertThat(body.isArray()).isTrue();
            assertThat(body.size()).isBetween(1, 20);
            Set<Long> ids = new HashSet<>();
            body.forEach(event -> assertThat(ids.add(event.get("id").asLong()))
                    .as("a re-sent event travels in another batch than its original").isTrue());
        });
        assertThat(acknowledged.stream().map(SimulatorTest::asJson).toList())
                .as("the listener sees exactly the batches that were sent, in order")
                .containsExactlyElementsOf(requests.stream().map(request -> request.getRequest().getBodyAsString()).toList());

        List<ObjectNode> generated = new TrafficGenerator(config.traffic()).advanceTo(START.plus(Duration.ofMinutes(20)));
        List<ObjectNode> delivered = acknowledged.stream().flatMap(List::stream).toList();
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(generated);
        assertThat(byDevice(delivered)).as("no device's events are reordered").isEqualTo(byDevice(generated));
        assertThat(delivered).as("devices are interleaved differently than generated").isNotEqualTo(generated);

        assertThat(stats.finished()).isTrue();
        assertThat(stats.eventsSent()).isEqualTo(generated.size());
        assertThat(stats.batchesSent()).isEqualTo(requests.size());
        assertThat(stats.retries()).isZero();
        assertThat(stats.simulatedNow()).isEqualTo(START.plus(Duration.ofMinutes(20)));
        assertThat(stats.eventsByCategory().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(generated.size());
    }

    @Test
    void retriesAnUnacknowledgedBatchIntactBeforeSendingAnythingElseAndReportsOnlyAcknowledgedBatches() throws Exception {
        webhook.stubFor(post("/v1/events").inScenario("outage").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")).willSetStateTo("still down"));
        webhook.stubFor(post("/v1/events").inScenario("outage").whenScenarioStateIs("still down")
                .willReturn(status(503)).willSetStateTo("up"));
        webhook.stubFor(post("/v1/events").inScenario("outage").whenScenarioStateIs("up")
                .willReturn(okJson(ACCEPTED)));

        SimulatorStats stats;
        try (Simulator simulator = new Simulator(fastRun(50, Duration.ofMinutes(10)), batch -> acknowledged.add(List.copyOf(batch)))) {
            simulator.start();
            assertThat(simulator.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            stats = simulator.stats();
        }

        List<ServeEvent> requests = requestsInOrder();
        assertThat(requests).extracting(request -> request.getResponse().getStatus()).startsWith(503, 503, 200);
        String firstBatch = requests.get(0).getRequest().getBodyAsString();
        assertThat(requests.get(1).getRequest().getBodyAsString()).isEqualTo(firstBatch);
        assertThat(requests.get(2).getRequest().getBodyAsString()).isEqualTo(firstBatch);

        List<String> acknowledgedBodies = requests.stream()
                .filter(request -> request.getResponse().getStatus() == 200)
                .map(request -> request.getRequest().getBodyAsString())
                .toList();
        assertThat(acknowledged.stream().map(SimulatorTest::asJson).toList()).containsExactlyElementsOf(acknowledgedBodies);
        assertThat(asJson(acknowledged.get(0))).isEqualTo(firstBatch);
        assertThat(stats.retries()).isEqualTo(2);
        assertThat(stats.batchesSent()).isEqualTo(acknowledgedBodies.size());
    }

    @Test
    void keepsRetryingARefusedBatchWithoutReportingItStopsPromptlyOnCloseAndNeverLogsTheAuthorization() {
        webhook.stubFor(post("/v1/events").willReturn(status(401)));
        Logger logger = (Logger) LoggerFactory.getLogger(Simulator.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        SimulatorConfig config = fastRun(20, Duration.ofHours(10))
                .withRetryBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .withAuthorization("Basic c2VjcmV0LXNpbTpzZWNyZXQ=");
        Simulator simulator = new Simulator(config, batch -> acknowledged.add(List.copyOf(batch)));
        try {
            simulator.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> webhook.getAllServeEvents().size() >= 12);

            long closing = System.nanoTime();
            simulator.close();
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(1));
        } finally {
            simulator.close();
            logger.detachAppender(logs);
        }

        assertThat(acknowledged).isEmpty();
        assertThat(simulator.stats().batchesSent()).isZero();
        assertThat(simulator.stats().retries()).isGreaterThanOrEqualTo(11);
        List<ServeEvent> requests = requestsInOrder();
        String refused = requests.get(0).getRequest().getBodyAsString();
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.getRequest().getBodyAsString()).as("the refused batch is never dropped nor overtaken").isEqualTo(refused);
            assertThat(request.getRequest().getHeader("Authorization")).isEqualTo("Basic c2VjcmV0LXNpbTpzZWNyZXQ=");
        });
        assertThat(logs.list).anySatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("401").contains("Authorization value");
        });
        assertThat(logs.list).noneSatisfy(event -> assertThat(event.getFormattedMessage()).contains("c2VjcmV0"));
        assertThat(config.toString()).doesNotContain("c2VjcmV0");
    }

    @Test
    void aSimulatorThatNeverStartedClosesQuietlyAndReportsItsFleet() throws Exception {
        Simulator simulator = new Simulator(fastRun(120, Duration.ofMinutes(1)), DeliveryListener.NONE);
        assertThat(simulator.devices()).hasSize(120);
        assertThat(simulator.organisations()).hasSize(2);
        simulator.close();
        assertThat(simulator.awaitCompletion(Duration.ofMillis(10))).isFalse();
        assertThatThrownBy(simulator::start).isInstanceOf(IllegalStateException.class);
        assertThat(webhook.getAllServeEvents()).isEmpty();
    }

    @Test
    void rejectsConfigurationThatCannotWorkAndSaysWhatToChange() {
        SimulatorConfig valid = fastRun(10, Duration.ofMinutes(1));
        assertThatThrownBy(() -> valid.withBatchSize(0)).hasMessageContaining("between 1 and 10000");
        assertThatThrownBy(() -> valid.withBatchSize(10_001)).hasMessageContaining("between 1 and 10000");
        assertThatThrownBy(() -> valid.withSpeed(0)).hasMessageContaining("speed must be a positive");
        assertThatThrownBy(() -> valid.withFlushInterval(Duration.ZERO)).hasMessageContaining("flush interval must be positive");
        assertThatThrownBy(() -> valid.withRetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("must not be shorter than the initial one");
        assertThatThrownBy(() -> valid.withAuthorization(" ")).hasMessageContaining("Authorization value is blank");
        assertThatThrownBy(() -> SimulatorConfig.defaults(URI.create("ftp://localhost/v1/events"), 10, 1))
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> SimulatorConfig.defaults(URI.create("http://user:secret@localhost/v1/events"), 10, 1))
                .hasMessageContaining("must not carry credentials")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> TrafficProfile.of(0, 1, START)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> TrafficProfile.of(10, 1, START).withDriftFraction(5))
                .hasMessageContaining("drift fraction must be between 0 and 1");
    }

    private static SimulatorConfig fastRun(int devices, Duration simulated) {
        // 1,200 simulated seconds per real second: 20 simulated minutes take one real second
        return SimulatorConfig.defaults(URI.create(webhook.baseUrl() + "/v1/events"), devices, 3)
                .withTraffic(TrafficProfile.of(devices, 3, START))
                .withSpeed(1_200)
                .withDuration(simulated)
                .withFlushInterval(Duration.ofMillis(50))
                .withBatchSize(20)
                .withRetryBackoff(Duration.ofMillis(10), Duration.ofMillis(100));
    }

    /** WireMock lists the most recent request first. */
    @Test
    void retriesAnUnacknowledgedUsageBatchIntactLikeAnEventBatch() throws Exception {
        webhook.stubFor(post("/v1/events").willReturn(okJson(ACCEPTED)));
        webhook.stubFor(post("/v1/usage").inScenario("usage outage").whenScenarioStateIs(STARTED)
                .willReturn(status(503)).willSetStateTo("up"));
        webhook.stubFor(post("/v1/usage").inScenario("usage outage").whenScenarioStateIs("up")
                .willReturn(okJson(ACCEPTED)));

        SimulatorStats stats;
        try (Simulator simulator = new Simulator(fastRun(50, Duration.ofMinutes(20)), recordingBoth)) {
            simulator.start();
            assertThat(simulator.awaitCompletion(Duration.ofSeconds(30))).isTrue();
            stats = simulator.stats();
        }

        List<ServeEvent> usageRequests = requestsInOrder("/v1/usage");
        assertThat(usageRequests).extracting(request -> request.getResponse().getStatus()).startsWith(503, 200);
        assertThat(usageRequests.get(1).getRequest().getBodyAsString()).isEqualTo(usageRequests.get(0).getRequest().getBodyAsString());
        assertThat(usageAcknowledged.stream().map(SimulatorTest::asJson).toList()).containsExactlyElementsOf(
                usageRequests.stream().filter(request -> request.getResponse().getStatus() == 200)
                        .map(request -> request.getRequest().getBodyAsString()).toList());
        assertThat(stats.retries()).isEqualTo(1);
        assertThat(stats.usageRecordsSent()).isEqualTo(usageAcknowledged.stream().mapToLong(List::size).sum()).isPositive();
    }

    @Test
    void theUsagePathIsTheEventsPathsSibling() {
        assertThat(SimulatorConfig.defaults(URI.create("http://localhost:8080/v1/events"), 1, 1).usageWebhook())
                .contains(URI.create("http://localhost:8080/v1/usage"));
        assertThat(SimulatorConfig.defaults(URI.create("https://hooks.example.com:9443/fleet/v1/events?team=a"), 1, 1).usageWebhook())
                .contains(URI.create("https://hooks.example.com:9443/fleet/v1/usage?team=a"));
        assertThat(SimulatorConfig.defaults(URI.create("http://localhost:8080/ingest"), 1, 1).usageWebhook()).isEmpty();
    }

    /** The requests to the events path, oldest first. */
    private static List<ServeEvent> requestsInOrder() {
        return requestsInOrder("/v1/events");
    }

    private static List<ServeEvent> requestsInOrder(String path) {
        List<ServeEvent> requests = new ArrayList<>(webhook.getAllServeEvents());
        requests.removeIf(request -> !request.getRequest().getUrl().startsWith(path));
        Collections.reverse(requests);
        return requests;
    }

    private static String asJson(List<ObjectNode> batch) {
        try {
            return Json.mapper().writeValueAsString(batch);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, List<ObjectNode>> byDevice(List<ObjectNode> events) {
        Map<String, List<ObjectNode>> byDevice = new LinkedHashMap<>();
        for (ObjectNode event : events) {
            byDevice.computeIfAbsent(ObservedEvent.of(event).device(), key -> new ArrayList<>()).add(event);
        }
        return Map.copyOf(byDevice);
    }
}
