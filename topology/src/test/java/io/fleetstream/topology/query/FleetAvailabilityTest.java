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
}
