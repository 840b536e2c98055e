package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.avro.UsageVolume;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TestUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quota forecast in the query API over the real topology, on hand-computed figures: device 9301 burns a steady
 * 10 MB/h (2.5 MB per quarter hour from T0 to T0+2h) against 100 MB assigned at T0, so 80 MB are left at T0+2h and
 * run out 8 h later, at T0+10h. Asked of one instance holding everything, and of two holding a partition each (one of
 * them relays).
 */
class QuotaForecastEndpointTest {

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static ServedFleet served;
    static final TestEvents burning = new TestEvents(9301, 66);
    static final TestEvents exhausted = new TestEvents(9302, 66);
    static final TestEvents idle = new TestEvents(9303, 66);

    private static QuotaDetail assignment(double volume) {
        return QuotaDetail.newBuilder().setStatusId(1).setVolume(volume).setLastVolumeAdded(volume)
                .setEndpointQuotaId(4711L).setActionOnExhaustionId(1).build();
    }

    private static UsageRecord quarter(long id, long endpointId, int k) {
        Instant end = T0.plus(Duration.ofMinutes(15L * k));
        return TestUsage.base(id, 5, "Data", endpointId, end, "EUR", "0.01")
                .setStartTimestamp(end.minus(Duration.ofMinutes(15)))
                .setVolume(new UsageVolume(new BigDecimal("2.500000"), new BigDecimal("1.500000"), new BigDecimal("1.000000")))
                .build();
    }

    @BeforeAll
    static void fleet() {
        fleet = new PartitionedFleet(2, stateDir, T0.plus(Duration.ofDays(1)));
        fleet.send(burning.quota(56, T0, assignment(100)));
        fleet.send(exhausted.quota(56, T0, assignment(10)));
        fleet.send(idle.quota(56, T0, assignment(50)));
        for (int k = 1; k <= 8; k++) {
            fleet.send(quarter(800 + k, 9301, k));
            fleet.send(quarter(900 + k, 9302, k));
        }
        fleet.send(exhausted.quota(19, T0.plus(Duration.ofHours(1)), QuotaDetail.newBuilder().setVolume(0.0).build()));
        served = ServedFleet.of(fleet);
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @Test
    void theQuotaAnswerCarriesTheHandComputedForecastOfASteadyBurn() {
        Http.Response response = served.get("/v1/devices/9301/quota");

        assertThat(response.status()).isEqualTo(200);
        JsonNode data = response.json().get("data");
        assertThat(data.get("status").asText()).isEqualTo("ACTIVE");
        JsonNode f = data.get("forecast");
        assertThat(f.get("burn_rate_mb_per_hour").asDouble()).isEqualTo(10.0);
        assertThat(f.get("remaining_now_mb").asDouble()).isEqualTo(80.0);
        assertThat(Instant.parse(f.get("projected_exhaustion_at").asText())).isEqualTo(T0.plus(Duration.ofHours(10)));
        assertThat(f.get("based_on").get("records").asInt()).isEqualTo(8);
        assertThat(Instant.parse(f.get("based_on").get("from").asText())).isEqualTo(T0);
        assertThat(Instant.parse(f.get("based_on").get("until").asText())).isEqualTo(T0.plus(Duration.ofHours(2)));
        assertThat(f.get("remaining_volume").asDouble()).isEqualTo(100.0);
        assertThat(Instant.parse(f.get("quota_changed_at").asText())).isEqualTo(T0);
        assertThat(f.get("used_since_change_mb").asDouble()).isEqualTo(20.0);
        assertThat(Instant.parse(f.get("assigned_at").asText())).isEqualTo(T0);
        // 10 h away from T0+45min (the third record, the first with a rate) is inside the default 24 h horizon
        assertThat(f.get("alerted").asBoolean()).isTrue();
        assertThat(f.get("note").isNull()).isTrue();
        assertThat(f.get("expiry").isNull()).isTrue();
        assertThat(f.has("endpoint_id")).isFalse();
    }

    @Test
    void theForecastEndpointAnswersTheSameFiguresWithTheEndpointId() {
        JsonNode f = served.get("/v1/devices/9301/quota/forecast").json();

        assertThat(f.get("endpoint_id").asLong()).isEqualTo(9301);
        assertThat(f.get("burn_rate_mb_per_hour").asDouble()).isEqualTo(10.0);
        assertThat(Instant.parse(f.get("projected_exhaustion_at").asText())).isEqualTo(T0.plus(Duration.ofHours(10)));
    }

    @Test
    void anExhaustedQuotaHasNoForecast() {
        JsonNode data = served.get("/v1/devices/9302/quota").json().get("data");
        assertThat(data.get("status").asText()).isEqualTo("EXHAUSTED");
        assertThat(data.has("forecast")).isFalse();

        Http.Response forecast = served.get("/v1/devices/9302/quota/forecast");
        assertThat(forecast.status()).isEqualTo(404);
        assertThat(forecast.json().get("error").asText()).contains("no data quota of endpoint_id 9302 is being forecast");
    }

    @Test
    void anActiveQuotaWithoutUsageSaysWhyThereIsNoRate() {
        JsonNode f = served.get("/v1/devices/9303/quota").json().get("data").get("forecast");

        assertThat(f.get("burn_rate_mb_per_hour").isNull()).isTrue();
        assertThat(f.get("projected_exhaustion_at").isNull()).isTrue();
        assertThat(f.get("remaining_now_mb").asDouble()).isEqualTo(50.0);
        assertThat(f.get("based_on").get("records").asInt()).isZero();
        assertThat(f.get("note").asText()).startsWith("no data usage in the last PT6H");
    }

    @Test
    void everyInstanceAnswersTheSameForecastRelayingWhatItDoesNotHold() {
        JsonNode expected = served.get("/v1/devices/9301/quota").json();
        for (TestInstance instance : List.of(served.a, served.b)) {
            Http.Response response = Http.get(instance.port(), "/v1/devices/9301/quota");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json()).isEqualTo(expected);
            // written as the instance holding each part wrote it, whichever was asked
            assertThat(response.body()).contains("\"remaining_volume\":100.0", "\"burn_rate_mb_per_hour\":10.0");
        }
    }
}
