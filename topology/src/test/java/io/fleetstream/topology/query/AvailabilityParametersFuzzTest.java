package io.fleetstream.topology.query;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Availability requests under generated query strings: every input is either a range of positive length within what
 * is kept (and for the fleet, a grouping), or refused with a {@link BadRequestException} naming the parameter; nothing
 * else is ever thrown.
 */
@Tag("fuzz")
class AvailabilityParametersFuzzTest {

    private static final Instant NOW = Instant.parse("2026-06-10T12:00:00.123Z");
    private static final Duration RETENTION = Duration.ofDays(90);
    private static final List<String> NAMES = List.of("from", "until", "by");
    private static final String[] VALUES = {"", " ", "0", "-1", "1706659200", "2026-06-10T12:00:00.123Z",
            "2026-06-10T12:00:00.124Z", "2026-06-10T12:00:00.123456Z", "2026-06-09T12:00:00Z", "2026-06-10 11:00:00",
            "2026-06-10", "2026-13-45T00:00:00Z", "2025-01-01T00:00:00Z", "2026-03-12T12:00:00.123Z", "2027-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "organisation", "OPERATOR", "country", "tag",
            "operator,country", "%00", "' OR 1=1 --", "\ud800"};

    @Property
    void deviceRangesAreWithinWhatIsKeptOrRefusedNamingTheParameter(@ForAll("parameters") Map<String, List<String>> query) {
        try {
            check(AvailabilityQuery.parseDevice(new RequestParameters(query), NOW, RETENTION));
        } catch (BadRequestException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(refused.parameter()).isNotNull();
        }
    }

    @Property
    void fleetRangesAreWithinWhatIsKeptOrRefusedNamingTheParameter(@ForAll("parameters") Map<String, List<String>> query) {
        try {
            AvailabilityQuery q = AvailabilityQuery.parseFleet(new RequestParameters(query), NOW, RETENTION, true);
            check(q);
            assertThat(q.by()).isPresent();
        } catch (BadRequestException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(refused.parameter()).isNotNull();
        }
    }

    private static void check(AvailabilityQuery q) {
        assertThat(q.from()).isBefore(q.until());
        assertThat(q.from()).isAfterOrEqualTo(NOW.minus(RETENTION));
        assertThat(q.until()).isBeforeOrEqualTo(NOW);
        // the store counts milliseconds
        assertThat(q.from().getNano() % 1_000_000).isZero();
        assertThat(q.until().getNano() % 1_000_000).isZero();
    }

    @Provide
    Arbitrary<Map<String, List<String>>> parameters() {
        return Arbitraries.longs().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            Map<String, List<String>> query = new HashMap<>();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                List<String> values = new ArrayList<>();
                values.add(value(random));
                if (random.nextInt(6) == 0) {
                    values.add(value(random));
                }
                query.put(random.nextInt(10) == 0 ? value(random) : NAMES.get(random.nextInt(NAMES.size())), values);
            }
            return query;
        });
    }

    private static String value(SplittableRandom random) {
        if (random.nextInt(4) > 0) {
            return VALUES[random.nextInt(VALUES.length)];
        }
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(25);
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(random.nextBoolean() ? 128 : 65536));
        }
        return text.toString();
    }
}
