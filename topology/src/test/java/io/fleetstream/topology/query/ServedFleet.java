package io.fleetstream.topology.query;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the endpoint tests ask: a {@link PartitionedFleet} of two partitions served by one instance holding both
 * ({@link #alone}) and by two instances holding one each ({@link #a}, {@link #b}), which route and gather between each
 * other over HTTP. Whatever the one instance answers, the two must answer exactly alike ({@link #answeredAlike}):
 * splitting the stores over instances may change where an answer is computed, never what it says.
 */
final class ServedFleet implements AutoCloseable {

    final PartitionedFleet fleet;
    final TestInstance alone;
    final TestInstance a;
    final TestInstance b;

    private ServedFleet(PartitionedFleet fleet, TestInstance alone, TestInstance a, TestInstance b) {
        this.fleet = fleet;
        this.alone = alone;
        this.a = a;
        this.b = b;
    }

    /** {@code a} holds partition 0 and stands by for 1, {@code b} the other way round. */
    static ServedFleet of(PartitionedFleet fleet) {
        return of(fleet, new TestInstance(fleet).holding(Set.of(0), Set.of(1)),
                new TestInstance(fleet).holding(Set.of(1), Set.of(0)));
    }

    /** With the two instances assigned as the test needs them. */
    static ServedFleet of(PartitionedFleet fleet, TestInstance a, TestInstance b) {
        TestInstance alone = TestInstance.alone(fleet);
        TestInstance.group(a, b);
        return new ServedFleet(fleet, alone, a, b);
    }

    /** The answer of the instance holding everything. */
    Http.Response get(String pathAndQuery) {
        return Http.get(alone.port(), pathAndQuery);
    }

    /** The answer of the instance holding everything, once both others have answered the same JSON. */
    Http.Response answeredAlike(String pathAndQuery) {
        Http.Response one = get(pathAndQuery);
        for (TestInstance instance : List.of(a, b)) {
            assertThat(Http.get(instance.port(), pathAndQuery).json()).as(pathAndQuery + " from port " + instance.port())
                    .isEqualTo(one.json());
        }
        return one;
    }

    /** Fails unless these keys' records went to both partitions: else one of the two instances would hold nothing. */
    void assertSpread(String... keys) {
        assertThat(Stream.of(keys).map(fleet::partitionOf).toList()).as("the devices are spread over both partitions")
                .contains(0, 1);
    }

    @Override
    public void close() {
        alone.close();
        a.close();
        b.close();
        fleet.close();
    }
}
