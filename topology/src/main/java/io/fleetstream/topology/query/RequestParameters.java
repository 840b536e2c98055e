package io.fleetstream.topology.query;

import io.fleetstream.http.HttpEdge;
import io.fleetstream.schemas.emnify.EmnifyTimestamps;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters of one request, read strictly: a parameter the endpoint does not know, a
 * value that does not parse or is out of range, or a single-valued parameter given twice is a
 * {@link BadRequestException} naming the parameter. A silently ignored filter would return a wrong
 * answer that looks right.
 */
public final class RequestParameters {

    private final Map<String, List<String>> values;

    public RequestParameters(Map<String, List<String>> values) {
        this.values = Map.copyOf(values);
    }

    /** Refuses any parameter not in {@code accepted}. */
    public RequestParameters acceptOnly(Set<String> accepted) {
        for (String name : values.keySet()) {
            if (!accepted.contains(name)) {
                throw new BadRequestException(HttpEdge.echo(name), "unknown query parameter " + HttpEdge.quote(name)
                        + "; this endpoint accepts " + (accepted.isEmpty() ? "none" : String.join(", ", new TreeSet<>(accepted))));
            }
        }
        return this;
    }

    public Optional<String> single(String name) {
        List<String> given = values.get(name);
        if (given == null || given.isEmpty()) {
            return Optional.empty();
        }
        if (given.size() > 1) {
            throw new BadRequestException(name, "query parameter '" + name + "' is given " + given.size()
                    + " times; give it once");
        }
        String value = given.get(0).trim();
        if (value.isEmpty()) {
            throw new BadRequestException(name, "query parameter '" + name + "' is empty; give a value or leave it out");
        }
        return Optional.of(value);
    }

    /** Every value of a list parameter, comma-separated and/or repeated ({@code type=3,5} or {@code type=3&type=5}). */
    public List<String> list(String name) {
        List<String> items = new ArrayList<>();
        for (String value : values.getOrDefault(name, List.of())) {
            for (String item : value.split(",", -1)) {
                String trimmed = item.trim();
                if (trimmed.isEmpty()) {
                    throw new BadRequestException(name, "query parameter '" + name + "' has an empty item in "
                            + HttpEdge.quote(value) + "; separate values with single commas");
                }
                items.add(trimmed);
            }
        }
        return items;
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> value = single(name);
        if (value.isEmpty()) {
            return fallback;
        }
        return integerValue(name, value.get(), min, max);
    }

    public Optional<Boolean> bool(String name) {
        return single(name).map(value -> booleanValue(name, value));
    }

    public Optional<Instant> instant(String name) {
        return single(name).map(value -> instantValue(name, value));
    }

    static int integerValue(String name, String value, int min, int max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException(name, name + " " + HttpEdge.quote(value) + " is not a whole number");
        }
        if (parsed < min || parsed > max) {
            throw new BadRequestException(name, name + " " + parsed + " is out of range: give " + min + " to " + max);
        }
        return (int) parsed;
    }

    /** emnify writes booleans as true/false or 1/0. */
    static boolean booleanValue(String name, String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new BadRequestException(name, name + " " + HttpEdge.quote(value) + " is not a boolean: give true or false");
        };
    }

    /** The time shapes emnify itself writes; no zone means UTC, as on emnify's side. */
    static Instant instantValue(String name, String value) {
        return EmnifyTimestamps.parse(value).orElseThrow(() -> new BadRequestException(name, name + " " + HttpEdge.quote(value)
                + " is not a time: give ISO-8601, e.g. 2024-01-31T00:00:00Z"));
    }

    /** A path id (endpoint or organisation): a positive whole number. */
    public static long id(String name, String value) {
        long id;
        try {
            id = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException(name, name + " " + HttpEdge.quote(value) + " is not a number; emnify ids are whole numbers");
        }
        if (id < 0) {
            throw new BadRequestException(name, name + " " + id + " is negative; emnify ids are positive");
        }
        return id;
    }
}
