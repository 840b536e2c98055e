package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The availability endpoints over the real topology, on hand-computed timelines. The query API measures ranges against
 * the real clock, so the timelines are laid out in the hours before now.
 */
class AvailabilityEndpointTest {

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static TestInstance alone;
    static TestInstance a;
    static TestInstance b;
    /** Ten hours before now, on the hour: every time of the timelines is in the past. */
    static final Instant B = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(10));
    /**
     * Organisation 77, tagged "cold-chain, berlin": online at 0, purged at 60, online at 90, platform offline at 120,
     * online at 150, timeout at 205.
     */
    static final TestEvents d1 = new TestEvents(9101, 77).taggedAs("cold-chain, berlin");
    /** Organisation 78: online at 10 tagged "hamburg", purged at 100 retagged "berlin", never back. */
    static final TestEvents d2 = new TestEvents(9104, 78);
    /** Organisation 78, on a network the event does not name, without tags: online at 20. */
    static final TestEvents d3 = new TestEvents(9103, 78);

    static Instant at(int minutes) {
        return B.plus(Duration.ofMinutes(minutes));
    }

    @BeforeAll
    static void fleet() {
        fleet = new PartitionedFleet(2, stateDir, Instant.now());
        fleet.send(d1.createPdp(at(0), "s1"));
        fleet.send(d1.purge(at(60)));
        fleet.send(d1.createPdp(at(90), "s2"));
        fleet.send(d1.deviceOffline(at(120)));
        fleet.send(d1.createPdp(at(150), "s3"));
        fleet.send(d1.deletePdp(at(200), "s3", at(150), 1, 1));
        fleet.send(d1.updateLocation(at(300))); // its own later event fires the pending offline (due at 205)
        fleet.send(d2.taggedAs("hamburg").createPdp(at(10), "t1"));
        fleet.send(d2.taggedAs("berlin").purge(at(100)));
        EmnifyEvent noOperator = d3.base(3, "Create PDP Context", 0, at(20))
                .setPdp(PdpSession.newBuilder().setSessionId("u1").setApn("em").build()).build();
        fleet.send(noOperator);
        alone = TestInstance.alone(fleet);
        a = new TestInstance(fleet).holding(Set.of(0), Set.of(1));
        b = new TestInstance(fleet).holding(Set.of(1), Set.of(0));
        TestInstance.group(a, b);
    }

    @AfterAll
    static void stop() {
        alone.close();
        a.close();
        b.close();
        fleet.close();
    }

    private static String range(int fromMinute, int untilMinute) {
        return "from=" + at(fromMinute) + "&until=" + at(untilMinute);
    }

    private static BigDecimal number(JsonNode node) {
        return node.decimalValue();
    }

    private static BigDecimal minutes(long m) {
        return BigDecimal.valueOf(m * 60);
    }

    @Test
    void theDevicesFiguresOverARangeAreTheHandComputedOnes() {
        Http.Response response = Http.get(alone.port(), "/v1/devices/9101/availability?" + range(30, 240));

        assertThat(response.status()).isEqualTo(200);
        JsonNode r = response.json();
        assertThat(r.get("endpoint_id").asLong()).isEqualTo(9101);
        assertThat(Instant.parse(r.get("from").asText())).isEqualTo(at(30));
        assertThat(Instant.parse(r.get("until").asText())).isEqualTo(at(240));
        assertThat(r.get("state_at_from").asText()).isEqualTo("ONLINE");
        // online 30-60, 90-120, 150-205; offline 60-90, 120-150, 205-240
        assertThat(number(r.get("online_seconds"))).isEqualByComparingTo(minutes(115));
        assertThat(number(r.get("offline_seconds"))).isEqualByComparingTo(minutes(95));
        assertThat(number(r.get("unknown_seconds"))).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(number(r.get("availability_percent"))).isEqualByComparingTo("54.7619"); // 115 / 210
        assertThat(r.get("outages").asInt()).isEqualTo(3);
        assertThat(r.get("recovered_outages").asInt()).isEqualTo(2);
        assertThat(number(r.get("mean_time_to_recover_seconds"))).isEqualByComparingTo(minutes(30));
        JsonNode periods = r.get("offline_periods");
        assertThat(periods).hasSize(3);
        assertThat(periods.get(0).get("reason").asText()).isEqualTo("PURGED");
        assertThat(Instant.parse(periods.get(0).get("start").asText())).isEqualTo(at(60));
        assertThat(Instant.parse(periods.get(0).get("end").asText())).isEqualTo(at(90));
        assertThat(periods.get(1).get("reason").asText()).isEqualTo("PLATFORM");
        assertThat(periods.get(2).get("reason").asText()).isEqualTo("PDP_TIMEOUT");
        assertThat(Instant.parse(periods.get(2).get("start").asText())).isEqualTo(at(205));
        assertThat(Instant.parse(periods.get(2).get("end").asText())).as("clipped at until").isEqualTo(at(240));
        assertThat(periods.get(2).get("ended").asBoolean()).isFalse();
        assertThat(r.get("notes")).isEmpty();
    }

    @Test
    void aDeviceOfflineAcrossFromIsOfflineFromFrom() {
        JsonNode r = Http.get(alone.port(), "/v1/devices/9101/availability?" + range(130, 180)).json();

        assertThat(r.get("state_at_from").asText()).isEqualTo("OFFLINE");
        assertThat(number(r.get("offline_seconds"))).isEqualByComparingTo(minutes(20));
        assertThat(number(r.get("online_seconds"))).isEqualByComparingTo(minutes(30));
        assertThat(number(r.get("availability_percent"))).isEqualByComparingTo("60");
        assertThat(r.get("outages").asInt()).isZero();
        assertThat(r.get("mean_time_to_recover_seconds").isNull()).isTrue();
        JsonNode period = r.get("offline_periods").get(0);
        assertThat(Instant.parse(period.get("start").asText())).isEqualTo(at(130));
        assertThat(period.get("began_before_range").asBoolean()).isTrue();
        assertThat(period.get("reason").asText()).isEqualTo("PLATFORM");
    }

    @Test
    void timeBeforeTheFirstChangeIsUnknownAndTheAnswerSaysSo() {
        JsonNode r = Http.get(alone.port(), "/v1/devices/9101/availability?" + range(-60, 60)).json();

        assertThat(r.get("state_at_from").asText()).isEqualTo("UNKNOWN");
        assertThat(Instant.parse(r.get("known_from").asText())).isEqualTo(at(0));
        assertThat(number(r.get("unknown_seconds"))).isEqualByComparingTo(minutes(60));
        assertThat(number(r.get("online_seconds"))).isEqualByComparingTo(minutes(60));
        assertThat(number(r.get("availability_percent"))).isEqualByComparingTo("100");
        assertThat(r.get("notes").get(0).asText()).contains("unknown_seconds").contains("not in availability_percent");
    }

    @Test
    void theDefaultRangeIsTheLastDay() {
        Instant before = Instant.now();
        JsonNode r = Http.get(alone.port(), "/v1/devices/9101/availability").json();
        Instant after = Instant.now();

        Instant until = Instant.parse(r.get("until").asText());
        assertThat(until).isBetween(before.truncatedTo(ChronoUnit.MILLIS), after);
        assertThat(Instant.parse(r.get("from").asText())).isEqualTo(until.minus(Duration.ofDays(1)));
        // online 0-60, 90-120, 150-205; offline from 205 until now
        assertThat(number(r.get("online_seconds"))).isEqualByComparingTo(minutes(145));
        assertThat(r.get("outages").asInt()).isEqualTo(3);
        assertThat(number(r.get("online_seconds")).add(number(r.get("offline_seconds"))).add(number(r.get("unknown_seconds"))))
                .isEqualByComparingTo(BigDecimal.valueOf(Duration.ofDays(1).toSeconds()));
    }

    @Test
    void badInputIs400AndAnUnknownDevice404() {
        for (String query : List.of("from=" + at(10) + "&until=" + at(10), "from=" + at(20) + "&until=" + at(10),
                "from=soon", "until=2020-13-01T00:00:00Z", "granularity=hour", "from=" + at(700) + "&until=" + at(800))) {
            Http.Response response = Http.get(alone.port(), "/v1/devices/9101/availability?" + query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.json().get("error").asText()).as(query).isNotBlank();
        }
        assertThat(Http.get(alone.port(), "/v1/devices/x/availability").status()).isEqualTo(400);
        Http.Response unknown = Http.get(alone.port(), "/v1/devices/424242/availability");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).contains("424242");
        for (String query : List.of("by=tags", "by=planet", "by=operator&by=country")) {
            assertThat(Http.get(alone.port(), "/v1/fleet/availability?" + query).status()).as(query).isEqualTo(400);
        }
    }

    @Test
    void theFleetByOrganisationAddsUpItsDevices() {
        JsonNode r = Http.get(alone.port(), "/v1/fleet/availability?by=organisation&" + range(30, 240)).json();

        assertThat(r.get("by").asText()).isEqualTo("organisation");
        assertThat(r.get("partitions").asInt()).isEqualTo(2);
        Map<String, JsonNode> groups = groups(r);
        assertThat(groups).containsOnlyKeys("77", "78");
        JsonNode org77 = groups.get("77");
        assertThat(org77.get("organisation_id").asLong()).isEqualTo(77);
        assertThat(org77.get("devices").asInt()).isEqualTo(1);
        assertThat(number(org77.get("online_seconds"))).isEqualByComparingTo(minutes(115));
        assertThat(number(org77.get("mean_time_to_recover_seconds"))).isEqualByComparingTo(minutes(30));
        // d2: online 30-100, offline 100-240; d3: online 30-240
        JsonNode org78 = groups.get("78");
        assertThat(org78.get("devices").asInt()).isEqualTo(2);
        assertThat(number(org78.get("online_seconds"))).isEqualByComparingTo(minutes(70 + 210));
        assertThat(number(org78.get("offline_seconds"))).isEqualByComparingTo(minutes(140));
        assertThat(org78.get("outages").asInt()).isEqualTo(1);
        assertThat(org78.get("recovered_outages").asInt()).isZero();
        assertThat(org78.get("mean_time_to_recover_seconds").isNull()).isTrue();
        assertThat(number(org78.get("availability_percent"))).isEqualByComparingTo("66.6667"); // 280 / 420
        JsonNode total = r.get("total");
        assertThat(total.get("devices").asInt()).isEqualTo(3);
        assertThat(number(total.get("online_seconds"))).isEqualByComparingTo(minutes(115 + 280));
        assertThat(number(total.get("offline_seconds"))).isEqualByComparingTo(minutes(95 + 140));
        assertThat(total.get("outages").asInt()).isEqualTo(4);
    }

    @Test
    void theFleetByOperatorAndCountryGroupsWhatTheDeviceStateKnows() {
        Map<String, JsonNode> byOperator = groups(Http.get(alone.port(), "/v1/fleet/availability?by=operator&" + range(30, 240)).json());
        assertThat(byOperator).containsOnlyKeys("3", FleetAvailability.UNKNOWN_GROUP);
        assertThat(byOperator.get("3").get("operator").asText()).isEqualTo("Vodafone");
        assertThat(byOperator.get("3").get("devices").asInt()).isEqualTo(2);
        assertThat(number(byOperator.get("3").get("online_seconds"))).isEqualByComparingTo(minutes(115 + 70));
        assertThat(byOperator.get(FleetAvailability.UNKNOWN_GROUP).get("devices").asInt()).isEqualTo(1);
        assertThat(byOperator.get(FleetAvailability.UNKNOWN_GROUP).get("operator").isNull()).isTrue();

        Map<String, JsonNode> byCountry = groups(Http.get(alone.port(), "/v1/fleet/availability?by=country&" + range(30, 240)).json());
        assertThat(byCountry).containsOnlyKeys("DE", FleetAvailability.UNKNOWN_GROUP);
        assertThat(byCountry.get("DE").get("country").asText()).isEqualTo("Germany");
        assertThat(byCountry.get("DE").get("outages").asInt()).isEqualTo(4);
    }

    @Test
    void theFleetByTagCountsADeviceInEachOfItsCurrentTagsGroupsAndOnceInTheTotal() {
        JsonNode r = Http.get(alone.port(), "/v1/fleet/availability?by=tag&" + range(30, 240)).json();

        assertThat(r.get("by").asText()).isEqualTo("tag");
        Map<String, JsonNode> groups = groups(r);
        // d2 was tagged hamburg until its last event: the current tags decide, as the current location does by operator
        assertThat(groups).containsOnlyKeys("tag:berlin", "tag:cold-chain", FleetAvailability.UNTAGGED_GROUP);
        // d1 online 115, offline 95, 3 outages, 2 recovered in 30 each; d2 online 30-100, offline 100-240
        JsonNode berlin = groups.get("tag:berlin");
        assertThat(berlin.get("tag").asText()).isEqualTo("berlin");
        assertThat(berlin.get("devices").asInt()).isEqualTo(2);
        assertThat(number(berlin.get("online_seconds"))).isEqualByComparingTo(minutes(115 + 70));
        assertThat(number(berlin.get("offline_seconds"))).isEqualByComparingTo(minutes(95 + 140));
        assertThat(berlin.get("outages").asInt()).isEqualTo(4);
        assertThat(berlin.get("recovered_outages").asInt()).isEqualTo(2);
        assertThat(number(berlin.get("mean_time_to_recover_seconds"))).isEqualByComparingTo(minutes(30));
        assertThat(number(berlin.get("availability_percent"))).isEqualByComparingTo("44.0476"); // 185 / 420
        JsonNode coldChain = groups.get("tag:cold-chain");
        assertThat(coldChain.get("devices").asInt()).isEqualTo(1);
        assertThat(number(coldChain.get("online_seconds"))).isEqualByComparingTo(minutes(115));
        assertThat(number(coldChain.get("offline_seconds"))).isEqualByComparingTo(minutes(95));
        JsonNode untagged = groups.get(FleetAvailability.UNTAGGED_GROUP);
        assertThat(untagged.get("tag").isNull()).isTrue();
        assertThat(untagged.get("devices").asInt()).isEqualTo(1);
        assertThat(number(untagged.get("online_seconds"))).isEqualByComparingTo(minutes(210));
        assertThat(number(untagged.get("availability_percent"))).isEqualByComparingTo("100");
        JsonNode total = r.get("total");
        assertThat(total.get("devices").asInt()).isEqualTo(3);
        assertThat(number(total.get("online_seconds"))).isEqualByComparingTo(minutes(115 + 70 + 210));
        assertThat(number(total.get("offline_seconds"))).isEqualByComparingTo(minutes(95 + 140));
        assertThat(total.get("outages").asInt()).isEqualTo(4);
        assertThat(r.get("notes")).extracting(JsonNode::asText).containsExactly(FleetAvailability.SEVERAL_TAGS_NOTE);
    }

    @Test
    void theDevicesStateShowsItsCurrentTags() {
        assertThat(Http.get(alone.port(), "/v1/devices/9101").json().get("tags")).extracting(JsonNode::asText)
                .containsExactly("cold-chain", "berlin");
        assertThat(Http.get(alone.port(), "/v1/devices/9104").json().get("tags")).extracting(JsonNode::asText)
                .containsExactly("berlin");
        JsonNode none = Http.get(alone.port(), "/v1/devices/9103").json().get("tags");
        assertThat(none.isArray()).isTrue();
        assertThat(none).isEmpty();
    }

    @Test
    void twoInstancesAnswerExactlyWhatOneHoldingEveryPartitionAnswers() {
        assertThat(List.of(fleet.partitionOf("9101"), fleet.partitionOf("9104"), fleet.partitionOf("9103")))
                .as("the devices are spread over both partitions").contains(0, 1);
        for (String path : List.of("/v1/fleet/availability?by=operator&" + range(30, 240),
                "/v1/fleet/availability?by=tag&" + range(30, 240),
                "/v1/fleet/availability?" + range(-60, 300), "/v1/devices/9101/availability?" + range(30, 240),
                "/v1/devices/9104/availability?" + range(0, 200), "/v1/devices/9103/availability?" + range(0, 200))) {
            Http.Response one = Http.get(alone.port(), path);
            Http.Response fromA = Http.get(a.port(), path);
            Http.Response fromB = Http.get(b.port(), path);
            assertThat(one.status()).as(path).isEqualTo(200);
            assertThat(fromA.json()).as(path).isEqualTo(one.json());
            assertThat(fromB.json()).as(path).isEqualTo(one.json());
        }
    }

    private static Map<String, JsonNode> groups(JsonNode answer) {
        Map<String, JsonNode> groups = new HashMap<>();
        answer.get("groups").forEach(g -> groups.put(g.get("key").asText(), g));
        return groups;
    }
}
