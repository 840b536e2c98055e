package io.fleetstream.topology.device;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An endpoint's tags as emnify's events carry them: {@code endpoint.tags} is one string of comma-separated names
 * (the Portal's tag field, e.g. {@code "cold-chain, berlin"}) or null. The device state keeps them split, so the
 * query API and the availability grouping read one list and never parse the text again.
 */
public final class EndpointTags {

    private EndpointTags() {
    }

    /**
     * The names in {@code text}, trimmed, in the order given, without empty names (a trailing or doubled comma) and
     * without repeats; empty for null or blank text. Names keep their case: emnify does not fold it either.
     */
    public static List<String> parse(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String name = part.strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }
}
