package io.fleetstream.topology.query;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.Location;
import io.fleetstream.topology.availability.AvailabilityReport;
import io.fleetstream.topology.availability.PresenceTransition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Fleet availability parts: grouping by what the device state knows, and adding up exactly through their JSON. */
class FleetAvailabilityTest {

    private static final long MIN = 60_000;

    private static DeviceState device(long id, Long organisation, Long operatorId, String operator, String iso) {
        DeviceState.Builder state = DeviceState.newBuilder().setEndpointId(id).setOrganisationId(organisation)
                .setStatus(ConnectivityStatus.ONLINE).setOnline(true);
        if (operator != null) {
            state.setLocation(Location.newBuilder().setOperatorId(operatorId).setOperator(operator).setCountry("Germany")
                    .setIsoCode(iso).setAt(Instant.EPOCH).build());
        }
        return state.build();
    }

    /** Online from 0, offline from {@code offAt} to {@code backAt} (or the end), over minutes 0-60. */
    private static AvailabilityReport report(long offAt, Long backAt) {
        List<PresenceTransition> changes = backAt == null
                ? List.of(new PresenceTransition(offAt * MIN, false, "PURGED", 1L))
                : List.of(new PresenceTransition(offAt * MIN, false, "PURGED", 1L), new PresenceTransition(backAt * MIN, true, "PDP_CREATED", 2L));
        return AvailabilityReport.of(Optional.of(new PresenceTransition(-1, true, "PDP_CREATED", 0L)), changes, 0, 60 * MIN);
    }

    @Test
    void partsOfDisjointPartitionsAddUpExactlyThroughTheirJson() {
        FleetAvailability a = new FleetAvailability(AvailabilityQuery.Grouping.OPERATOR);
        a.add(device(1, 7L, 3L, "Vodafone", "de"), report(10, 20L)); // 50 on, 10 off, recovered in 10
        a.add(device(2, 7L, null, null, null), report(30, null)); // 30 on, 30 off
        a.countPartition();
        FleetAvailability b = new FleetAvailability(AvailabilityQuery.Grouping.OPERATOR);
        b.add(device(3, 8L, 3L, "Vodafone", "de"), report(40, 45L)); // 55 on, 5 off, recovered in 5
        b.countPartition();

        FleetAvailability total = new FleetAvailability(AvailabilityQuery.Grouping.OPERATOR)
                .add(FleetAvailability.fromJson(a.toJson(), AvailabilityQuery.Grouping.OPERATOR))
                .add(FleetAvailability.fromJson(b.toJson(), AvailabilityQuery.Grouping.OPERATOR));

        assertThat(total.partitions()).isEqualTo(2);
        FleetAvailability.Figures vodafone = total.group("3");
        assertThat(vodafone.devices).isEqualTo(2);
        assertThat(vodafone.onlineMillis).isEqualTo(105 * MIN);
        assertThat(vodafone.offlineMillis).isEqualTo(15 * MIN);
        assertThat(vodafone.outages).isEqualTo(2);
        assertThat(vodafone.recoveredOutages).isEqualTo(2);
        assertThat(vodafone.recoveryMillis).isEqualTo(15 * MIN);
        assertThat(total.group(FleetAvailability.UNKNOWN_GROUP).offlineMillis).isEqualTo(30 * MIN);
        assertThat(total.total().devices).isEqualTo(3);
        assertThat(total.total().onlineMillis).isEqualTo(135 * MIN);
        assertThat(total.toJson().get("total").get("mean_time_to_recover_seconds").decimalValue())
                .isEqualByComparingTo("450"); // (10 + 5) / 2 minutes
        assertThat(total.toJson().get("groups").get(0).get("operator").asText()).isEqualTo("Vodafone");
    }

    @Test
    void countriesGroupByIsoCodeAndOrganisationsById() {
        FleetAvailability byCountry = new FleetAvailability(AvailabilityQuery.Grouping.COUNTRY);
        byCountry.add(device(1, 7L, 3L, "Vodafone", "de"), report(10, 20L));
        byCountry.add(device(2, 7L, 4L, "Telekom", "DE"), report(10, 20L));
        byCountry.add(null, report(10, 20L));
        assertThat(byCountry.group("DE").devices).isEqualTo(2);
        assertThat(byCountry.group(FleetAvailability.UNKNOWN_GROUP).devices).isEqualTo(1);

        FleetAvailability byOrganisation = new FleetAvailability(AvailabilityQuery.Grouping.ORGANISATION);
        byOrganisation.add(device(1, 7L, 3L, "Vodafone", "de"), report(10, 20L));
        byOrganisation.add(device(2, null, null, null, null), report(10, 20L));
        assertThat(byOrganisation.group("7").devices).isEqualTo(1);
        assertThat(byOrganisation.group(FleetAvailability.UNKNOWN_GROUP).devices).isEqualTo(1);
    }

    private static DeviceState tagged(long id, String... tags) {
        return DeviceState.newBuilder(device(id, 7L, null, null, null)).setTags(List.of(tags)).build();
    }

    @Test
    void byTagADeviceIsInTheGroupOfEachTagAndTheTotalCountsItOnce() {
        FleetAvailability a = new FleetAvailability(AvailabilityQuery.Grouping.TAG);
        a.add(tagged(1, "cold-chain", "berlin"), report(10, 20L)); // 50 on, 10 off, recovered in 10
        a.add(tagged(2, "berlin"), report(30, null)); // 30 on, 30 off
        a.countPartition();
        FleetAvailability b = new FleetAvailability(AvailabilityQuery.Grouping.TAG);
        b.add(tagged(3), report(40, 45L)); // no tags: 55 on, 5 off, recovered in 5
        b.add(tagged(4, "untagged"), report(50, null)); // a tag that happens to be named like the group: 50 on, 10 off
        b.add(device(5, 7L, null, null, null), report(0, null)); // a state from before tags were kept: 60 off
        b.countPartition();

        FleetAvailability total = new FleetAvailability(AvailabilityQuery.Grouping.TAG)
                .add(FleetAvailability.fromJson(a.toJson(), AvailabilityQuery.Grouping.TAG))
                .add(FleetAvailability.fromJson(b.toJson(), AvailabilityQuery.Grouping.TAG));

        FleetAvailability.Figures berlin = total.group("tag:berlin");
        assertThat(berlin.devices).isEqualTo(2);
        assertThat(berlin.onlineMillis).isEqualTo(80 * MIN);
        assertThat(berlin.offlineMillis).isEqualTo(40 * MIN);
        assertThat(berlin.outages).isEqualTo(2);
        assertThat(berlin.recoveredOutages).isEqualTo(1);
        FleetAvailability.Figures coldChain = total.group("tag:cold-chain");
        assertThat(coldChain.devices).isEqualTo(1);
        assertThat(coldChain.onlineMillis).isEqualTo(50 * MIN);
        assertThat(coldChain.recoveryMillis).isEqualTo(10 * MIN);
        FleetAvailability.Figures untagged = total.group(FleetAvailability.UNTAGGED_GROUP);
        assertThat(untagged.devices).isEqualTo(1);
        assertThat(untagged.onlineMillis).isEqualTo(55 * MIN);
        assertThat(total.group("tag:untagged").devices).isEqualTo(1);
        assertThat(total.group("tag:untagged").offlineMillis).isEqualTo(10 * MIN);
        assertThat(total.group(FleetAvailability.UNKNOWN_GROUP).offlineMillis).isEqualTo(60 * MIN);
        assertThat(total.total().devices).isEqualTo(5);
        assertThat(total.total().onlineMillis).isEqualTo((50 + 30 + 55 + 50) * MIN);
        assertThat(total.total().offlineMillis).isEqualTo((10 + 30 + 5 + 10 + 60) * MIN);
        assertThat(total.partitions()).isEqualTo(2);

        var json = total.toJson(new AvailabilityQuery(Instant.EPOCH, Instant.EPOCH.plusSeconds(3600),
                Optional.of(AvailabilityQuery.Grouping.TAG), List.of()));
        assertThat(json.get("by").asText()).isEqualTo("tag");
        assertThat(json.get("groups")).extracting(g -> g.get("key").asText() + "=" + g.get("tag").asText(null))
                .containsExactly("tag:berlin=berlin", "tag:cold-chain=cold-chain", "tag:untagged=untagged",
                        "unknown=null", "untagged=null");
        assertThat(json.get("notes")).extracting(n -> n.asText()).containsExactly(FleetAvailability.SEVERAL_TAGS_NOTE);
    }

    @Test
    void byTagWithOneTagPerDeviceTheGroupsAddUpToTheTotalAndNothingIsNoted() {
        FleetAvailability fleet = new FleetAvailability(AvailabilityQuery.Grouping.TAG);
        fleet.add(tagged(1, "berlin"), report(10, 20L));
        fleet.add(tagged(2), report(30, null));

        var json = fleet.toJson(new AvailabilityQuery(Instant.EPOCH, Instant.EPOCH.plusSeconds(3600),
                Optional.of(AvailabilityQuery.Grouping.TAG), List.of()));

        assertThat(json.get("total").get("devices").asInt()).isEqualTo(2);
        assertThat(json.get("notes")).isEmpty();
    }
}
