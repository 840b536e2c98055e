package io.fleetstream.topology.query;

import io.fleetstream.http.HttpEdge;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A usage request: the range {@code [from, until)} read and clipped exactly as an availability range is
 * ({@link AvailabilityQuery#parseDevice}: ISO-8601, the last 24 h by default, clipped to the retention and now), then
 * widened to whole buckets of the granularity (UTC hours or days), since usage is kept per hour: a bucket is in the
 * answer when its start lies in the range.
 *
 * @param notes what was changed in the range asked for, to repeat in the answer
 */
public record UsageQuery(Instant from, Instant until, Granularity granularity, List<String> notes) {

    public static final Set<String> PARAMETERS = Set.of("from", "until", "granularity");

    /** How the hourly buckets are summed in an answer. */
    public enum Granularity {
        HOUR(Duration.ofHours(1)), DAY(Duration.ofDays(1));

        private final Duration length;

        Granularity(Duration length) {
            this.length = length;
        }

        public Duration length() {
            return length;
        }

        public String parameter() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The start of the bucket a time falls in (UTC). */
        public long floor(long millis) {
            return Math.floorDiv(millis, length.toMillis()) * length.toMillis();
        }

        long ceil(long millis) {
            long floor = floor(millis);
            return floor == millis ? millis : floor + length.toMillis();
        }
    }

    public UsageQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(granularity, "granularity");
        notes = List.copyOf(notes);
    }

    /** @param query the query parameters as given, each name with its values */
    public static UsageQuery parse(Map<String, List<String>> query, Instant now, Duration retention) {
        RequestParameters parameters = new RequestParameters(query).acceptOnly(PARAMETERS);
        Granularity granularity = parameters.single("granularity").map(UsageQuery::granularity).orElse(Granularity.HOUR);
        Map<String, List<String>> range = new HashMap<>(query);
        range.remove("granularity");
        AvailabilityQuery clipped = AvailabilityQuery.parseDevice(new RequestParameters(range), now, retention);
        List<String> notes = new ArrayList<>(clipped.notes());
        long from = granularity.floor(clipped.from().toEpochMilli());
        long until = granularity.ceil(clipped.until().toEpochMilli());
        if (from != clipped.from().toEpochMilli() || until != clipped.until().toEpochMilli()) {
            notes.add("the range " + clipped.from() + " to " + clipped.until() + " is widened to whole "
                    + granularity.parameter() + "s (UTC): " + Instant.ofEpochMilli(from) + " to " + Instant.ofEpochMilli(until));
        }
        return new UsageQuery(Instant.ofEpochMilli(from), Instant.ofEpochMilli(until), granularity, notes);
    }

    private static Granularity granularity(String value) {
        return Arrays.stream(Granularity.values()).filter(g -> g.parameter().equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new BadRequestException("granularity", "granularity " + HttpEdge.quote(value)
                        + " is not supported: give one of " + Arrays.stream(Granularity.values())
                        .map(Granularity::parameter).collect(Collectors.joining(", "))));
    }
}
