package io.fleetstream.topology.incident;

import io.fleetstream.topology.IncidentRules;
import io.fleetstream.topology.incident.OutageWindow.Offline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutageWindowTest {

    private static final IncidentRules RULES = new IncidentRules(3, 0.5, Duration.ofMinutes(5), 0.8);
    private static final long MINUTE = 60_000;

    private static List<Offline> at(long... minutes) {
        List<Offline> offlines = new ArrayList<>();
        for (int i = 0; i < minutes.length; i++) {
            offlines.add(new Offline(100 + i, minutes[i] * MINUTE));
        }
        return offlines;
    }

    @Test
    void theEarliestWindowWithEnoughDevicesIsTheOne() {
        // 0 alone; 10, 12, 14 qualify; 15 would too, later
        var found = OutageWindow.earliest(at(0, 10, 12, 14, 15), 1, RULES);
        assertThat(found).hasValueSatisfying(w -> {
            assertThat(w.start()).isEqualTo(10 * MINUTE);
            assertThat(w.devices()).extracting(Offline::endpointId).containsExactly(101L, 102L, 103L, 104L);
        });
    }

    @Test
    void devicesFurtherApartThanTheWindowNeverQualify() {
        assertThat(OutageWindow.earliest(at(0, 6, 12, 18), 0, RULES)).isEmpty();
    }

    @Test
    void theShareCountsTheDevicesOnlineJustBefore() {
        // 3 offline of 3 + 3 online: 50%, enough; of 3 + 4: 43%, not
        assertThat(OutageWindow.earliest(at(0, 1, 2), 3, RULES)).isPresent();
        assertThat(OutageWindow.earliest(at(0, 1, 2), 4, RULES)).isEmpty();
    }

    @Test
    void aDeviceListedTwiceCountsOnceAtItsLatestOffline() {
        List<Offline> offlines = at(0, 1);
        offlines.add(new Offline(100, 2 * MINUTE));
        assertThat(OutageWindow.earliest(offlines, 0, RULES)).isEmpty();
    }

    @Test
    void theOrderOfTheOfflinesDoesNotMatter() {
        List<Offline> sorted = at(0, 9, 10, 12, 14);
        List<Offline> shuffled = List.of(sorted.get(3), sorted.get(0), sorted.get(4), sorted.get(2), sorted.get(1));
        assertThat(OutageWindow.earliest(shuffled, 1, RULES)).isEqualTo(OutageWindow.earliest(sorted, 1, RULES))
                .hasValueSatisfying(w -> assertThat(w.start()).isEqualTo(9 * MINUTE));
    }

    @Test
    void resolvingTakesTheResolveShareRoundedUp() {
        assertThat(OutageWindow.toResolve(25, RULES)).isEqualTo(20);
        assertThat(OutageWindow.toResolve(21, RULES)).isEqualTo(17); // 16.8
        assertThat(OutageWindow.toResolve(1, RULES)).isEqualTo(1);
    }
}
