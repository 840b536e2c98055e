package io.fleetstream.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a role says about its health, the same for every role:
 * {@code {"status": "UP"|"DOWN", "checks": {"<check>": "UP"|"DOWN", ...}, "reason": "..."}}, where the status
 * is DOWN when any check is, and {@code reason} says, for a person, what is awaited (always when DOWN). A role may
 * add details of its own beside them (the topology's {@code streams}: its Kafka Streams state).
 */
public final class Health {

    public enum Status { UP, DOWN }

    private final Map<String, Status> checks;
    private final String reason;
    private final Map<String, String> details;

    private Health(Map<String, Status> checks, String reason, Map<String, String> details) {
        this.checks = new LinkedHashMap<>(checks);
        this.reason = reason;
        this.details = new LinkedHashMap<>(details);
    }

    /** Up, with nothing checked: what liveness answers, since answering at all is the proof. */
    public static Health up() {
        return new Health(Map.of(), null, Map.of());
    }

    /** One check: up, or down because of {@code whyDown}. */
    public static Health check(String name, boolean up, String whyDown) {
        Objects.requireNonNull(name, "name");
        if (!up) {
            Objects.requireNonNull(whyDown, "whyDown");
        }
        return new Health(Map.of(name, up ? Status.UP : Status.DOWN), up ? null : whyDown, Map.of());
    }

    /** With one more check; when this is the first one down, its {@code whyDown} is the reason. */
    public Health and(String name, boolean up, String whyDown) {
        Objects.requireNonNull(name, "name");
        if (checks.containsKey(name)) {
            throw new IllegalArgumentException("check " + name + " is there already");
        }
        if (!up) {
            Objects.requireNonNull(whyDown, "whyDown");
        }
        Map<String, Status> more = new LinkedHashMap<>(checks);
        more.put(name, up ? Status.UP : Status.DOWN);
        return new Health(more, reason != null || up ? reason : whyDown, details);
    }

    /** With a reason of its own, e.g. what start-up waits for, in place of the failing check's. */
    public Health because(String reason) {
        return new Health(checks, Objects.requireNonNull(reason, "reason"), details);
    }

    /** With a role's own detail beside status, checks and reason. */
    public Health with(String detail, String value) {
        if (Objects.requireNonNull(detail, "detail").equals("status") || detail.equals("checks") || detail.equals("reason")) {
            throw new IllegalArgumentException(detail + " is part of every health answer, not a detail");
        }
        Map<String, String> more = new LinkedHashMap<>(details);
        more.put(detail, Objects.requireNonNull(value, "value"));
        return new Health(checks, reason, more);
    }

    public Status status() {
        return checks.containsValue(Status.DOWN) ? Status.DOWN : Status.UP;
    }

    public boolean isUp() {
        return status() == Status.UP;
    }

    public Map<String, Status> checks() {
        return Map.copyOf(checks);
    }

    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    public ObjectNode toJson() {
        ObjectNode body = Json.mapper().createObjectNode().put("status", status().name());
        ObjectNode checked = body.putObject("checks");
        checks.forEach((name, status) -> checked.put(name, status.name()));
        if (reason != null) {
            body.put("reason", reason);
        }
        details.forEach(body::put);
        return body;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
