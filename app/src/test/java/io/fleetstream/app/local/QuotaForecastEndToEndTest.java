package io.fleetstream.app.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.avro.QuotaAlert;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.UsageExamples;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.TopologyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The quota run-out forecast on a real broker, in {@code local} mode: a data quota assigned by an event posted to the
 * webhook (emnify's documented example: 10 MB at 13:35:07.626), then data usage records of 0.5 MB per quarter hour
 * posted to {@code /v1/usage}. At 2 MB/h the quota runs out 5 h after the assignment; the third record (the first
 * with a rate) brings that inside the default 24 h horizon, so one alert names it, and the query API answers the
 * figures after the fourth: 8 MB left, 2 MB/h, out at 18:35:07.626.
 */
class QuotaForecastEndToEndTest {

    private static final Topics topics = Topics.withDefaultPrefix();
    private static final long DEVICE = 5293531;
    private static final Instant ASSIGNED = Instant.parse("2022-07-14T13:35:07.626Z");
    private static LocalRun local;
    private static TopicReader reader;

    @BeforeAll
    static void start() throws IOException {
        local = LocalRun.start("fleetstream-forecast-e2e", TopologyConfig.defaults(topics));
        reader = local.reader;
    }

    @AfterAll
    static void stop() throws IOException {
        if (local != null) {
            local.close();
        }
    }

    private static JsonNode assignment() throws IOException {
        try (InputStream in = QuotaForecastEndToEndTest.class.getResourceAsStream("/examples/016-56-data-quota-assigned-block-docs.json")) {
            return Json.mapper().readTree(in);
        }
    }

    /** The k-th quarter hour of usage after the assignment: 0.5 MB. */
    private static ObjectNode quarter(int k) {
        ObjectNode usage = UsageExamples.json(UsageExamples.DATA);
        Instant end = ASSIGNED.plus(Duration.ofMinutes(15L * k));
        usage.put("id", 555000000L + k);
        usage.put("start_timestamp", end.minus(Duration.ofMinutes(15)).toString());
        usage.put("end_timestamp", end.toString());
        ((ObjectNode) usage.get("endpoint")).put("id", DEVICE);
        ObjectNode volume = (ObjectNode) usage.get("volume");
        volume.put("total", "0.5");
        volume.put("rx", "0.3");
        volume.put("tx", "0.2");
        return usage;
    }

    @Test
    void aSteadyBurnAlertsOnceAndTheQueryApiAnswersTheHandComputedForecast() throws Exception {
        assertThat(WebhookPoster.post(local.stack.ingestPort(), List.of(assignment())).statusCode()).isEqualTo(200);
        // the assignment travels through quota.state into the forecast; usage before it would not be counted
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(local.get("/v1/devices/" + DEVICE + "/quota/forecast").statusCode()).isEqualTo(200));

        List<ObjectNode> records = new ArrayList<>();
        for (int k = 1; k <= 4; k++) {
            records.add(quarter(k));
        }
        HttpResponse<String> posted = WebhookPoster.postUsage(local.stack.ingestPort(),
                Json.mapper().writeValueAsString(records));
        assertThat(posted.statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode f = Json.mapper().readTree(local.get("/v1/devices/" + DEVICE + "/quota").body()).get("data").get("forecast");
            assertThat(f.get("based_on").get("records").asInt()).isEqualTo(4);
            assertThat(f.get("burn_rate_mb_per_hour").asDouble()).isEqualTo(2.0);
            assertThat(f.get("remaining_now_mb").asDouble()).isEqualTo(8.0);
            assertThat(Instant.parse(f.get("projected_exhaustion_at").asText())).isEqualTo(ASSIGNED.plus(Duration.ofHours(5)));
            assertThat(f.get("alerted").asBoolean()).isTrue();
        });
        // the store answers before the transaction that wrote the alert is committed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(reader.readAll(topics.quotaAlerts(), QuotaAlert.class)).isNotEmpty());
        List<TopicReader.Read<QuotaAlert>> alerts = reader.readAll(topics.quotaAlerts(), QuotaAlert.class);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).key()).isEqualTo(Long.toString(DEVICE));
        QuotaAlert alert = alerts.get(0).value();
        assertThat(alert.getUsageRecordId()).isEqualTo(555000003L);
        assertThat(alert.getOrganisationId()).isEqualTo(2256L);
        assertThat(alert.getRemainingVolume()).isEqualTo(10.0);
        assertThat(alert.getRemainingNowMb()).isEqualTo(8.5);
        assertThat(alert.getBurnRateMbPerHour()).isEqualTo(2.0);
        assertThat(alert.getProjectedExhaustionAt()).isEqualTo(ASSIGNED.plus(Duration.ofHours(5)));
        assertThat(alert.getHorizonSeconds()).isEqualTo(Duration.ofHours(24).toSeconds());
    }
}
