package io.fleetstream.topology.query;

import io.fleetstream.http.HttpEdge;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An availability request: the range {@code [from, until)} (ISO-8601; by default the last
 * {@link #DEFAULT_RANGE} up to now) and, for the fleet, what to group by. The range must have a positive length; it
 * is clipped to what is kept, from {@code now - retention} to {@code now}, and {@link #notes} say what was clipped.
 *
 * @param by    the grouping of a fleet answer; empty for one device
 * @param notes what was changed in the range asked for, to repeat in the answer
 */
public record AvailabilityQuery(Instant from, Instant until, Optional<Grouping> by, List<String> notes) {

    public static final Duration DEFAULT_RANGE = Duration.ofHours(24);
    public static final Set<String> DEVICE_PARAMETERS = Set.of("from", "until");
    public static final Set<String> FLEET_PARAMETERS = Set.of("from", "until", "by");

    /**
     * What a fleet answer is grouped by: what the device state knows of each device. By {@link #TAG} a device is in
     * the group of each of its tags, so the groups may add up to more than the fleet.
     */
    public enum Grouping {
        ORGANISATION, OPERATOR, COUNTRY, TAG;

        public String parameter() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AvailabilityQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(by, "by");
        notes = List.copyOf(notes);
    }

    /** A device's range. */
    public static AvailabilityQuery parseDevice(RequestParameters parameters, Instant now, Duration retention) {
        parameters.acceptOnly(DEVICE_PARAMETERS);
        return range(parameters, Optional.empty(), now, retention, true);
    }

    /**
     * A fleet range and grouping ({@code by}, organisation by default).
     *
     * @param clip false for a request from another instance, which spelled out the range it clipped already: every
     *             part of a gathered answer covers exactly the same range, whatever the instances' clocks say
     */
    public static AvailabilityQuery parseFleet(RequestParameters parameters, Instant now, Duration retention,
                                               boolean clip) {
        parameters.acceptOnly(FLEET_PARAMETERS);
        Grouping by = parameters.single("by").map(AvailabilityQuery::grouping).orElse(Grouping.ORGANISATION);
        return range(parameters, Optional.of(by), now, retention, clip);
    }

    /** The same question with the range spelled out, as instances gathering a fleet answer ask each other. */
    public String pathAndQuery(String path) {
        StringBuilder s = new StringBuilder(path).append("?from=").append(encode(from.toString()))
                .append("&until=").append(encode(until.toString()));
        by.ifPresent(g -> s.append("&by=").append(g.parameter()));
        return s.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Grouping grouping(String value) {
        return Arrays.stream(Grouping.values()).filter(g -> g.parameter().equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new BadRequestException("by", "by " + HttpEdge.quote(value) + " is not supported: give one of "
                        + groupings()));
    }

    private static String groupings() {
        return Arrays.stream(Grouping.values()).map(Grouping::parameter).collect(Collectors.joining(", "));
    }

    private static AvailabilityQuery range(RequestParameters parameters, Optional<Grouping> by, Instant now,
                                           Duration retention, boolean clip) {
        // the store keeps milliseconds: a finer instant would be shown but not counted
        now = now.truncatedTo(ChronoUnit.MILLIS);
        Optional<Instant> givenFrom = parameters.instant("from").map(t -> t.truncatedTo(ChronoUnit.MILLIS));
        Optional<Instant> givenUntil = parameters.instant("until").map(t -> t.truncatedTo(ChronoUnit.MILLIS));
        Instant until = givenUntil.orElse(now);
        Instant from = givenFrom.orElse(until.minus(DEFAULT_RANGE));
        if (!from.isBefore(until)) {
            throw new BadRequestException("from", "from " + from + " is not before until " + until
                    + ": give a range of positive length");
        }
        List<String> notes = new ArrayList<>();
        if (!clip) {
            return new AvailabilityQuery(from, until, by, notes);
        }
        Instant horizon = now.minus(retention);
        if (until.isAfter(now)) {
            notes.add("until " + until + " is in the future: the range ends now, " + now);
            until = now;
        }
        if (from.isBefore(horizon)) {
            notes.add("from " + from + " is before the retention of " + describe(retention) + ": the range starts at "
                    + horizon);
            from = horizon;
        }
        if (!from.isBefore(until)) {
            throw new BadRequestException(givenFrom.isPresent() ? "from" : "until", "the range " + givenFrom.orElse(from)
                    + " to " + givenUntil.orElse(until) + " lies outside what is kept: the last "
                    + describe(retention) + " up to now (" + horizon + " to " + now + ")");
        }
        return new AvailabilityQuery(from, until, by, notes);
    }

    private static String describe(Duration d) {
        return d.toDaysPart() > 0 && d.equals(Duration.ofDays(d.toDays())) ? d.toDays() + " days" : d.toString();
    }
}
