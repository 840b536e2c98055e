package io.fleetstream.topology.query;

import io.fleetstream.schemas.testing.MutableClock;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each partition's counts are kept up to a bound on their age, and never outlive the partition moving away. */
class PartitionCountsTest {

    @TempDir
    Path stateDir;
    PartitionedFleet fleet;
    /** Whether this instance holds partition 0 right now. */
    volatile boolean held = true;
    final MutableClock clock = new MutableClock(T0);
    PartitionCounts counts;
    static final PartitionRead ACTIVE = new PartitionRead(0, false);

    @BeforeEach
    void onePartition() {
        fleet = new PartitionedFleet(1, stateDir, T0.plus(Duration.ofDays(1)));
        counts = new PartitionCounts(fleet.stores(read -> {
            if (!held) {
                throw new NotQueryableException("partition " + read.partition() + " moved away");
            }
        }), clock, Duration.ofSeconds(1));
        fleet.send(new TestEvents(9001, 1).createPdp(T0, "s1"));
    }

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void aCountIsReusedUntilItIsOlderThanTheBoundAndSaysWhenItWasTaken() {
        FleetSummary first = counts.of(ACTIVE);
        assertThat(first.devices()).isEqualTo(1);
        assertThat(first.asOf()).contains(T0);

        fleet.send(new TestEvents(9002, 1).createPdp(T0, "s2"));
        clock.set(T0.plusMillis(1000));
        assertThat(counts.of(ACTIVE).devices()).as("a second old: still the count taken at T0").isEqualTo(1);
        assertThat(counts.of(ACTIVE).asOf()).contains(T0);

        clock.set(T0.plusMillis(1001));
        FleetSummary recounted = counts.of(ACTIVE);
        assertThat(recounted.devices()).isEqualTo(2);
        assertThat(recounted.online()).isEqualTo(2);
        assertThat(recounted.partitions()).isEqualTo(1);
        assertThat(recounted.asOf()).contains(T0.plusMillis(1001));
    }

    @Test
    void aKeptCountNeverAnswersForAPartitionThisInstanceNoLongerHolds() {
        counts.of(ACTIVE);
        held = false;

        assertThatThrownBy(() -> counts.of(ACTIVE)).isInstanceOf(NotQueryableException.class);
    }

    @Test
    void aCountOfAStandbyCopyIsNotReusedForTheActiveOne() {
        counts.of(new PartitionRead(0, true));
        fleet.send(new TestEvents(9002, 1).createPdp(T0, "s2"));

        assertThat(counts.of(ACTIVE).devices()).isEqualTo(2);
    }

    @Test
    void theOldestPartsTimeIsTheTimeOfASumOfParts() {
        FleetSummary total = new FleetSummary()
                .add(new FleetSummary().asOf(T0.plusSeconds(1)))
                .add(new FleetSummary().asOf(T0))
                .add(new FleetSummary());

        assertThat(total.asOf()).contains(T0);
        assertThat(new FleetSummary().asOf()).isEmpty();
    }
}
