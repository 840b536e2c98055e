package io.fleetstream.topology.query;

import io.fleetstream.http.HttpEdge;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A request for the fleet's usage per operator: the range read, clipped and widened to whole UTC days as a device's
 * usage range is ({@link UsageQuery#parse}), since the operators' usage is kept per day. {@code by} names the grouping
 * (only {@code operator} for now, also the default) and {@code granularity} may only be {@code day}: asking for
 * hours is a 400, not a silently coarser answer.
 */
public record FleetUsageQuery(Instant from, Instant until, List<String> notes) {

    public static final Set<String> PARAMETERS = Set.of("from", "until", "granularity", "by");

    public FleetUsageQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        notes = List.copyOf(notes);
    }

    /**
     * @param clip false for a request from another instance, which spelled out the whole days it clipped already:
     *             every part of a gathered answer covers exactly the same days, whatever the instances' clocks say
     */
    public static FleetUsageQuery parse(Map<String, List<String>> query, Instant now, Duration retention, boolean clip) {
        RequestParameters parameters = new RequestParameters(query).acceptOnly(PARAMETERS);
        parameters.single("by").filter(by -> !by.equalsIgnoreCase("operator")).ifPresent(by -> {
            throw new BadRequestException("by", "by " + HttpEdge.quote(by) + " is not supported: give operator");
        });
        parameters.single("granularity").filter(g -> !g.equalsIgnoreCase("day")).ifPresent(g -> {
            throw new BadRequestException("granularity", "granularity " + HttpEdge.quote(g) + " is not supported for the"
                    + " fleet: usage per operator is kept per UTC day; give day");
        });
        if (!clip) {
            Instant from = parameters.instant("from").orElseThrow(() -> new BadRequestException("from", "from is missing"));
            Instant until = parameters.instant("until").orElseThrow(() -> new BadRequestException("until", "until is missing"));
            return new FleetUsageQuery(from, until, List.of());
        }
        Map<String, List<String>> range = new HashMap<>(query);
        range.remove("by");
        range.put("granularity", List.of(UsageQuery.Granularity.DAY.parameter()));
        UsageQuery days = UsageQuery.parse(range, now, retention);
        return new FleetUsageQuery(days.from(), days.until(), days.notes());
    }

    /** The same question with the days spelled out, as instances gathering the answer ask each other. */
    public String pathAndQuery(String path) {
        return path + "?from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8) + "&until="
                + URLEncoder.encode(until.toString(), StandardCharsets.UTF_8) + "&by=operator&granularity=day";
    }
}
