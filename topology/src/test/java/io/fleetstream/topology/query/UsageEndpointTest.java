package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.topology.testing.TestUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.fleetstream.topology.query.UsageEntries.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage endpoint over the real topology, on hand-computed sums. The query API measures ranges against the real
 * clock, so the records are laid out in the two UTC days before today.
 */
class UsageEndpointTest {

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static ServedFleet served;
    /** The start of the UTC day before yesterday. */
    static final Instant D = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2));

    static Instant at(int hour, int minute) {
        return D.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    @BeforeAll
    static void fleet() {
        fleet = new PartitionedFleet(2, stateDir, Instant.now());
        UsageRecord first = TestUsage.data(1, 9201, at(10, 15), "EUR", "0.00188512", "0.219933", "0.172848", "0.047085");
        fleet.send(first);
        fleet.send(TestUsage.data(2, 9201, at(10, 59).plusMillis(59_999), "EUR", "0.0000000001", "1.000001", "0.5",
                "0.500001"));
        fleet.send(TestUsage.sms(3, 9201, at(11, 0), "EUR", "0.09"));
        fleet.send(UsageRecord.newBuilder(first).setReceivedAt(first.getReceivedAt().plusSeconds(20)).build());
        fleet.send(TestUsage.data(4, 9201, at(23, 45), "EUR", "0.5", "2", "1", "1"));
        fleet.send(TestUsage.data(5, 9201, at(23, 30), "USD", "1.25", "0.000001", "0.000001", "0"));
        fleet.send(TestUsage.data(6, 9201, at(24, 0), "EUR", "0.7", "3", "2", "1"));
        fleet.send(TestUsage.sms(7, 9202, at(12, 0), "EUR", "0.09"));
        fleet.send(TestUsage.sms(8, 9203, at(13, 0), "EUR", "0.09"));
        served = ServedFleet.of(fleet);
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    private static String range(Instant from, Instant until) {
        return "from=" + from + "&until=" + until;
    }

    @Test
    void dailySumsAreTheHandComputedExactTotalsPerCurrencyWithTheDuplicateCountedOnce() {
        Http.Response response = served.get("/v1/devices/9201/usage?granularity=day&"
                + range(D, D.plus(Duration.ofDays(2))));

        assertThat(response.status()).isEqualTo(200);
        JsonNode r = response.json();
        assertThat(r.get("endpoint_id").asLong()).isEqualTo(9201);
        assertThat(r.get("granularity").asText()).isEqualTo("day");
        JsonNode buckets = r.get("buckets");
        assertThat(buckets).hasSize(2);
        assertThat(Instant.parse(buckets.get(0).get("start").asText())).isEqualTo(D);
        assertThat(Instant.parse(buckets.get(0).get("end").asText())).isEqualTo(D.plus(Duration.ofDays(1)));
        // EUR: records 1 (once), 2, 3 (SMS), 4; USD: record 5
        assertThat(usage(buckets.get(0).get("usage"))).containsExactly(
                "EUR records=4 sms=1 mb=3.219934/1.672848/1.547086 cost=0.5918851201",
                "USD records=1 sms=0 mb=0.000001/0.000001/0 cost=1.25");
        assertThat(Instant.parse(buckets.get(1).get("start").asText())).isEqualTo(D.plus(Duration.ofDays(1)));
        assertThat(usage(buckets.get(1).get("usage"))).containsExactly("EUR records=1 sms=0 mb=3/2/1 cost=0.7");
        assertThat(usage(r.get("total"))).containsExactly(
                "EUR records=5 sms=1 mb=6.219934/3.672848/2.547086 cost=1.2918851201",
                "USD records=1 sms=0 mb=0.000001/0.000001/0 cost=1.25");
        assertThat(r.get("notes")).isEmpty();
    }

    @Test
    void hourlyBucketsFollowTheEndTimestampAndARangeIsWidenedToWholeHours() {
        JsonNode r = served.get("/v1/devices/9201/usage?" + range(at(10, 30), at(11, 30))).json();

        assertThat(r.get("granularity").asText()).isEqualTo("hour");
        assertThat(Instant.parse(r.get("from").asText())).isEqualTo(at(10, 0));
        assertThat(Instant.parse(r.get("until").asText())).isEqualTo(at(12, 0));
        assertThat(r.get("notes").get(0).asText()).contains("widened to whole hours");
        JsonNode buckets = r.get("buckets");
        assertThat(buckets).hasSize(2);
        assertThat(Instant.parse(buckets.get(0).get("start").asText())).isEqualTo(at(10, 0));
        assertThat(usage(buckets.get(0).get("usage")))
                .containsExactly("EUR records=2 sms=0 mb=1.219934/0.672848/0.547086 cost=0.0018851201");
        assertThat(Instant.parse(buckets.get(1).get("start").asText())).isEqualTo(at(11, 0));
        assertThat(usage(buckets.get(1).get("usage"))).containsExactly("EUR records=1 sms=1 mb=0/0/0 cost=0.09");
    }

    @Test
    void untilIsExclusiveAndARangeWithoutUsageHasNoBuckets() {
        JsonNode r = served.get("/v1/devices/9201/usage?" + range(at(9, 0), at(10, 0))).json();
        assertThat(r.get("buckets")).isEmpty();
        assertThat(r.get("total")).isEmpty();
        JsonNode unknown = served.get("/v1/devices/424242/usage?" + range(D, at(24, 0))).json();
        assertThat(unknown.get("buckets")).isEmpty();
    }

    @Test
    void theDefaultRangeIsTheLastDayInWholeHours() {
        Instant before = Instant.now();
        JsonNode r = served.get("/v1/devices/9201/usage").json();

        Instant from = Instant.parse(r.get("from").asText());
        Instant until = Instant.parse(r.get("until").asText());
        assertThat(until).isAfterOrEqualTo(before.truncatedTo(ChronoUnit.HOURS)).isEqualTo(until.truncatedTo(ChronoUnit.HOURS));
        assertThat(from).isEqualTo(from.truncatedTo(ChronoUnit.HOURS));
        assertThat(Duration.between(from, until)).isBetween(Duration.ofHours(24), Duration.ofHours(25));
    }

    @Test
    void badInputIs400NamingTheParameter() {
        for (String query : List.of(range(at(10, 0), at(10, 0)), range(at(11, 0), at(10, 0)), "from=soon",
                "until=2020-13-01T00:00:00Z", "granularity=week", "granularity=hour&granularity=day", "by=operator",
                range(Instant.now().plus(Duration.ofDays(2)), Instant.now().plus(Duration.ofDays(3))))) {
            Http.Response response = served.get("/v1/devices/9201/usage?" + query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.json().get("error").asText()).as(query).isNotBlank();
        }
        Http.Response week = served.get("/v1/devices/9201/usage?granularity=week");
        assertThat(week.json().get("parameter").asText()).isEqualTo("granularity");
        assertThat(week.json().get("error").asText()).contains("hour, day");
        assertThat(served.get("/v1/devices/x/usage").status()).isEqualTo(400);
    }

    @Test
    void twoInstancesAnswerExactlyWhatOneHoldingEveryPartitionAnswers() {
        served.assertSpread("9201", "9202", "9203");
        for (String device : List.of("9201", "9202", "9203")) {
            String path = "/v1/devices/" + device + "/usage?granularity=day&" + range(D, D.plus(Duration.ofDays(2)));
            Http.Response one = served.answeredAlike(path);
            assertThat(one.status()).as(path).isEqualTo(200);
            assertThat(one.json().get("buckets")).as(path).hasSize(device.equals("9201") ? 2 : 1);
        }
    }
}
