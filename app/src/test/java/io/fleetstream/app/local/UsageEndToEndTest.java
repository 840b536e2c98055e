package io.fleetstream.app.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.ingest.webhook.WebhookServer;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.UsageExamples;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.HistoryRetention;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.usage.UsageTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Usage records the way a Data Streamer of type usage delivers them, into {@code local} mode: posted to
 * {@code /v1/usage}, through the embedded broker and registry, deduplicated and routed by the topology to
 * {@code emnify.usage.data} and {@code emnify.usage.sms}, the rest dead-lettered.
 */
class UsageEndToEndTest {

    private static final Topics topics = Topics.withDefaultPrefix();
    private static LocalRun local;
    private static TopicReader reader;

    @BeforeAll
    static void start() throws IOException {
        // a history retention reaching back to the example record (2024), so the query API answers for its day
        TopologyConfig config = TopologyConfig.defaults(topics).withHistory(new HistoryRetention(Duration.ofDays(36_500),
                HistoryRetention.defaults().purgeInterval()));
        local = LocalRun.start("fleetstream-usage-e2e", config);
        reader = local.reader;
    }

    @AfterAll
    static void stop() throws IOException {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void usageRecordsReachTheirTrafficTypesTopicOnceWithTheirCostExact() throws Exception {
        ObjectNode sms = UsageExamples.json(UsageExamples.DATA);
        sms.put("id", 444000001L);
        sms.set("traffic_type", Json.mapper().readTree("{\"id\": 6, \"description\": \"SMS\"}"));
        sms.put("cost", "0.09");
        sms.remove("volume");
        ObjectNode voice = UsageExamples.json(UsageExamples.DATA);
        voice.put("id", 444000002L);
        voice.set("traffic_type", Json.mapper().readTree("{\"id\": 9, \"description\": \"Voice\"}"));
        String malformed = "{\"id\": 444000003, \"traffic_type\": {\"id\": 5}, \"end_timestamp\": \"2024-02-15T14:56:15Z\", \"cost\": \"a lot\"}";
        String body = "[" + UsageExamples.text(UsageExamples.DATA) + "," + UsageExamples.text(UsageExamples.DATA) + ","
                + Json.mapper().writeValueAsString(sms) + "," + Json.mapper().writeValueAsString(voice) + "," + malformed + "]";

        HttpResponse<String> response = WebhookPoster.postUsage(local.stack.ingestPort(), body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body())).isEqualTo(Json.mapper().readTree("{\"accepted\": 4, \"dead_lettered\": 1}"));
        assertThat(reader.values(topics.usageRaw(), UsageRecord.class)).hasSize(4);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(reader.values(topics.usageData(), UsageRecord.class)).extracting(UsageRecord::getId)
                    .containsExactly(333333333333333L);
            assertThat(reader.values(topics.usageSms(), UsageRecord.class)).extracting(UsageRecord::getId)
                    .containsExactly(444000001L);
            assertThat(reader.values(topics.deadLetters(), DeadLetter.class)).extracting(DeadLetter::getStage)
                    .containsExactlyInAnyOrder(WebhookServer.STAGE, UsageTopology.ROUTING_STAGE);
        });
        List<TopicReader.Read<UsageRecord>> data = reader.readAll(topics.usageData(), UsageRecord.class);
        assertThat(data.get(0).key()).isEqualTo("123456789");
        assertThat(data.get(0).value().getCost()).isEqualTo(new BigDecimal("0.0018851200"));
        assertThat(data.get(0).value().getVolume().getTotal()).isEqualTo(new BigDecimal("0.219933"));
        assertThat(reader.values(topics.deadLetters(), DeadLetter.class))
                .anySatisfy(d -> assertThat(d.getReason()).contains("cost 'a lot' is not a number"))
                .anySatisfy(d -> assertThat(d.getReason()).contains("traffic_type 9 (Voice)"));

        // the usage stores through the query API of a real Kafka Streams: the data record (once) and the SMS, of one
        // session, device and operator; the voice record is not counted
        String totals = "[{\"currency\":\"EUR\",\"records\":2,\"sms\":1,\"volume_mb\":{\"total\":\"0.219933\","
                + "\"rx\":\"0.172848\",\"tx\":\"0.047085\"},\"cost\":\"0.09188512\"}]";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode session = local.query("/v1/devices/123456789/sessions/722aeb56-c4de-4753-ac23-4f99c1980c5e");
            assertThat(session.get("totals")).isEqualTo(Json.mapper().readTree(totals));
            assertThat(session.get("operator").get("id").asLong()).isEqualTo(5);
            JsonNode hour = local.query("/v1/devices/123456789/usage?from=2024-02-15T14:00:00Z&until=2024-02-15T15:00:00Z");
            assertThat(hour.get("total")).isEqualTo(Json.mapper().readTree(totals));
            JsonNode fleet = local.query("/v1/fleet/usage?by=operator&from=2024-02-15T00:00:00Z&until=2024-02-16T00:00:00Z");
            assertThat(fleet.get("days")).hasSize(1);
            assertThat(fleet.get("days").get(0).get("operators").get(0).get("operator").asText()).isEqualTo("Telefonica O2");
            assertThat(fleet.get("days").get(0).get("operators").get(0).get("usage")).isEqualTo(Json.mapper().readTree(totals));
        });
        JsonNode ledger = local.query("/v1/devices/123456789/sessions?from=2022-04-26T00:00:00Z&until=2024-02-16T00:00:00Z");
        assertThat(ledger.get("sessions")).extracting(s -> s.get("session_id").asText())
                .containsExactly("722aeb56-c4de-4753-ac23-4f99c1980c5e");
    }
}
