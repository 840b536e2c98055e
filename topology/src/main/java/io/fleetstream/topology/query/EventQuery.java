package io.fleetstream.topology.query;

import io.fleetstream.http.HttpEdge;
import io.fleetstream.topology.history.EventFilter;
import io.fleetstream.topology.history.HistoryOrder;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An event history request in the terms of emnify's {@code GET /api/v1/event}: filters {@code from},
 * {@code until}, {@code type}, {@code severity}, {@code source}, {@code alert}, also accepted inside
 * emnify's {@code q=field:value,...}; {@code sort} ({@code -timestamp} by default: newest first; also
 * {@code timestamp}, {@code id}, {@code -id}); {@code page} (from 1) and {@code per_page}.
 *
 * <p>Unlike emnify, which caps an oversized {@code per_page} silently, a {@code per_page} over
 * {@value #MAX_PER_PAGE} is refused: a client that asked for more than it gets would page wrongly.
 */
public record EventQuery(EventFilter filter, HistoryOrder order, int page, int perPage) {

    public static final int DEFAULT_PER_PAGE = 100;
    public static final int MAX_PER_PAGE = 1000;
    public static final Set<String> PARAMETERS =
            Set.of("from", "until", "type", "severity", "source", "alert", "sort", "page", "per_page", "q");
    private static final Set<String> FILTERS = Set.of("from", "until", "type", "severity", "source", "alert");

    /** Severity ids by the names emnify writes (in any case). */
    private static final Map<String, Integer> SEVERITIES = Map.of("info", 0, "warn", 1, "warning", 1, "critical", 2);
    /** Source ids by the names emnify writes. */
    private static final Map<String, Integer> SOURCES = Map.of("network", 0, "policy control", 1,
            "policy_control", 1, "api", 2);

    /** Position of the first event of the page in the whole matching history. */
    public long offset() {
        return (page - 1L) * perPage;
    }

    /** Reads a public request: {@code per_page} at most {@value #MAX_PER_PAGE}. */
    public static EventQuery parse(RequestParameters parameters) {
        return parse(parameters, MAX_PER_PAGE);
    }

    /**
     * @param maxPerPage the largest {@code per_page} accepted; instances gathering an organisation's
     *                   history from each other ask for every event up to the end of the page
     */
    public static EventQuery parse(RequestParameters parameters, int maxPerPage) {
        parameters.acceptOnly(PARAMETERS);
        Map<String, List<String>> fromQ = qFilters(parameters.single("q").orElse(null));
        for (String field : fromQ.keySet()) {
            if (!parameters.list(field).isEmpty()) {
                throw new BadRequestException("q", "'" + field + "' is given both as a parameter and inside q; give it once");
            }
        }
        EventFilter direct = filter(parameters);
        EventFilter filter = direct;
        if (!fromQ.isEmpty()) {
            EventFilter inQ;
            try {
                inQ = filter(new RequestParameters(fromQ));
            } catch (BadRequestException e) {
                throw new BadRequestException("q", "q: " + e.getMessage());
            }
            filter = combine(direct, inQ);
        }
        HistoryOrder order = parameters.single("sort").map(value -> HistoryOrder.ofParameter(value).orElseThrow(() ->
                new BadRequestException("sort", "sort " + HttpEdge.quote(value) + " is not supported: give one of "
                        + Arrays.stream(HistoryOrder.values()).map(HistoryOrder::parameter).collect(Collectors.joining(", ")))))
                .orElse(HistoryOrder.NEWEST_FIRST);
        int page = parameters.integer("page", 1, 1, Integer.MAX_VALUE);
        int perPage = parameters.integer("per_page", DEFAULT_PER_PAGE, 1, maxPerPage);
        return new EventQuery(filter, order, page, perPage);
    }

    private static EventFilter filter(RequestParameters p) {
        Instant from = p.instant("from").orElse(null);
        Instant until = p.instant("until").orElse(null);
        if (from != null && until != null && from.isAfter(until)) {
            throw new BadRequestException("from", "from " + from + " is after until " + until + "; swap them");
        }
        Set<Integer> types = new HashSet<>();
        for (String value : p.list("type")) {
            types.add(RequestParameters.integerValue("type", value, 0, Integer.MAX_VALUE));
        }
        Set<Integer> severities = coded(p.list("severity"), "severity", SEVERITIES, "0 (Info), 1 (Warn), 2 (Critical)");
        Set<Integer> sources = coded(p.list("source"), "source", SOURCES, "0 (Network), 1 (Policy Control), 2 (API)");
        Boolean alert = p.bool("alert").orElse(null);
        return new EventFilter(from, until, types, sources, severities, alert);
    }

    /** emnify's coded values by id or by name. */
    private static Set<Integer> coded(List<String> values, String name, Map<String, Integer> byName, String known) {
        Set<Integer> ids = new HashSet<>();
        for (String value : values) {
            Integer id = byName.get(value.toLowerCase(Locale.ROOT));
            if (id == null) {
                try {
                    id = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    id = null;
                }
            }
            if (id == null || !byName.containsValue(id)) {
                throw new BadRequestException(name, name + " " + HttpEdge.quote(value) + " is unknown: give " + known);
            }
            ids.add(id);
        }
        return ids;
    }

    /** emnify's {@code q}: comma-separated {@code field:value} pairs; a value may contain colons (times). */
    private static Map<String, List<String>> qFilters(String q) {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        if (q == null) {
            return filters;
        }
        for (String pair : q.split(",", -1)) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new BadRequestException("q", "q item " + HttpEdge.quote(pair) + " is not field:value, e.g. q=type:3,alert:true");
            }
            String field = pair.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (!FILTERS.contains(field)) {
                throw new BadRequestException("q", "q field " + HttpEdge.quote(field) + " is not supported: give "
                        + String.join(", ", FILTERS.stream().sorted().toList()));
            }
            filters.computeIfAbsent(field, f -> new java.util.ArrayList<>()).add(pair.substring(colon + 1).trim());
        }
        return filters;
    }

    /** Each field was given in only one of the two places (checked before), so the two merge without conflict. */
    private static EventFilter combine(EventFilter a, EventFilter b) {
        Set<Integer> types = new HashSet<>(a.types());
        types.addAll(b.types());
        Set<Integer> sources = new HashSet<>(a.sources());
        sources.addAll(b.sources());
        Set<Integer> severities = new HashSet<>(a.severities());
        severities.addAll(b.severities());
        Instant from = Optional.ofNullable(a.from()).orElse(b.from());
        Instant until = Optional.ofNullable(a.until()).orElse(b.until());
        if (from != null && until != null && from.isAfter(until)) {
            throw new BadRequestException("from", "from " + from + " is after until " + until + "; swap them");
        }
        return new EventFilter(from, until, types, sources, severities, a.alert() != null ? a.alert() : b.alert());
    }
}
