package io.fleetstream.app.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What every device's connectivity and quota state must be after a run, computed from the JSON the
 * simulator sent — written independently of the topology's state machines, straight from the rules
 * in ARCHITECTURE.md, so the end-to-end test compares two implementations rather than one with itself.
 */
public final class FleetExpectation {

    /** One presence change as the rules define it. */
    public record Change(String to, Instant at, String reason) {
    }

    /** A device's expected connectivity state. */
    public static final class Device {
        public String status = "UNKNOWN";
        public boolean online;
        public Instant due;
        public String session;
        public String lastSession;
        public long sessions;
        public long rejections;
        public Long lastEventId;
        public Instant lastEventAt;
        public final List<Change> presence = new ArrayList<>();
    }

    /** One expected quota (data or SMS). */
    public static final class Quota {
        public String status = "NONE";
        public boolean thresholdReached;
        public Double remaining;
    }

    private final Duration window;
    private final Map<Long, List<JsonNode>> byDevice = new HashMap<>();
    private final Set<Long> seen = new HashSet<>();
    private final Map<Long, Device> devices = new TreeMap<>();
    private final Map<Long, Quota[]> quotas = new TreeMap<>();

    public FleetExpectation(Duration offlineWindow) {
        this.window = offlineWindow;
    }

    /** Takes everything that was acknowledged, duplicates included (they are dropped here by id). */
    public void accept(List<? extends JsonNode> events) {
        for (JsonNode e : events) {
            if (!seen.add(e.get("id").asLong())) {
                continue;
            }
            JsonNode endpoint = e.get("endpoint");
            if (endpoint != null && !endpoint.isNull()) {
                byDevice.computeIfAbsent(endpoint.get("id").asLong(), k -> new ArrayList<>()).add(e);
            }
        }
    }

    public int distinctEvents() {
        return seen.size();
    }

    /** Applies every device's events in event time, then fires the offlines due by {@code streamTime}. */
    public void compute(Instant streamTime) {
        for (Map.Entry<Long, List<JsonNode>> entry : byDevice.entrySet()) {
            List<JsonNode> events = new ArrayList<>(entry.getValue());
            events.sort(Comparator.comparing((JsonNode e) -> time(e.get("timestamp").asText()))
                    .thenComparingLong(e -> e.get("id").asLong()));
            Device d = new Device();
            Quota[] q = {new Quota(), new Quota()};
            for (JsonNode e : events) {
                applyConnectivity(d, e);
                applyQuota(q, e);
            }
            if (d.due != null && !d.due.isAfter(streamTime)) {
                timeout(d);
            }
            devices.put(entry.getKey(), d);
            quotas.put(entry.getKey(), q);
        }
    }

    public Map<Long, Device> devices() {
        return devices;
    }

    /** [data, sms] */
    public Quota[] quota(long endpointId) {
        return quotas.get(endpointId);
    }

    private void applyConnectivity(Device d, JsonNode e) {
        int type = e.get("event_type").get("id").asInt();
        if (type != 1 && type != 2 && type != 3 && type != 5 && type != 11 && type != 15 && type != 16 && type != 49) {
            return;
        }
        Instant t = time(e.get("timestamp").asText());
        boolean accepted = type == 3 && e.get("event_source").get("id").asInt() == 0;
        if (d.due != null && (d.due.isBefore(t) || (d.due.equals(t) && !accepted))) {
            timeout(d);
        }
        switch (type) {
            case 3 -> {
                if (accepted) {
                    d.session = e.get("detail").get("session_id").asText();
                    d.sessions++;
                    d.status = "ONLINE";
                    d.due = null;
                    if (!d.online) {
                        d.online = true;
                        d.presence.add(new Change("ONLINE", t, "PDP_CREATED"));
                    }
                } else {
                    d.rejections++;
                }
            }
            case 5 -> {
                String id = e.get("detail").get("session_id").asText();
                if (d.session != null && d.session.equals(id)) {
                    d.lastSession = id;
                    d.session = null;
                    if (!d.status.equals("BLOCKED")) {
                        d.status = "ATTACHED";
                    }
                    d.due = t.plus(window);
                }
            }
            case 1, 2 -> {
                if (d.status.equals("UNKNOWN") || d.status.equals("OFFLINE")) {
                    d.status = "ATTACHED";
                }
            }
            case 15, 16 -> {
                if (!d.status.equals("BLOCKED")) {
                    d.status = "OFFLINE";
                }
                if (d.session != null) {
                    d.lastSession = d.session;
                    d.session = null;
                }
                offlineNow(d, t, "PURGED");
            }
            case 11 -> d.status = "BLOCKED";
            case 49 -> {
                if (d.status.equals("ONLINE")) {
                    d.status = "ATTACHED";
                }
                offlineNow(d, t, "PLATFORM");
            }
            default -> throw new IllegalStateException();
        }
        d.lastEventId = e.get("id").asLong();
        d.lastEventAt = t;
    }

    private static void timeout(Device d) {
        Instant at = d.due;
        d.due = null;
        if (d.online) {
            d.online = false;
            d.presence.add(new Change("OFFLINE", at, "PDP_TIMEOUT"));
        }
    }

    private static void offlineNow(Device d, Instant t, String reason) {
        d.due = null;
        if (d.online) {
            d.online = false;
            d.presence.add(new Change("OFFLINE", t, reason));
        }
    }

    private static void applyQuota(Quota[] q, JsonNode e) {
        int type = e.get("event_type").get("id").asInt();
        JsonNode detail = e.path("detail").path("quota");
        switch (type) {
            case 56, 58 -> {
                Quota quota = q[type == 56 ? 0 : 1];
                quota.status = "ACTIVE";
                quota.thresholdReached = false;
                quota.remaining = detail.has("volume") ? detail.get("volume").asDouble() : null;
            }
            case 18, 20 -> {
                Quota quota = q[type == 18 ? 0 : 1];
                if (quota.status.equals("NONE")) {
                    quota.status = "ACTIVE";
                }
                quota.thresholdReached = true;
                if (detail.has("volume")) {
                    quota.remaining = detail.get("volume").asDouble();
                }
            }
            case 19, 21 -> {
                Quota quota = q[type == 19 ? 0 : 1];
                quota.status = "EXHAUSTED";
                quota.thresholdReached = true;
                if (detail.has("volume")) {
                    quota.remaining = detail.get("volume").asDouble();
                }
            }
            case 57, 59 -> q[type == 57 ? 0 : 1].status = "DELETED";
            case 60, 61 -> q[type == 60 ? 0 : 1].status = "EXPIRED";
            default -> {
            }
        }
    }

    private static final DateTimeFormatter SPACE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** The timestamp forms the simulator's format drift produces. */
    static Instant time(String text) {
        if (text.indexOf('T') < 0) {
            return LocalDateTime.parse(text, SPACE).toInstant(ZoneOffset.UTC);
        }
        if (text.endsWith("+0000")) {
            return OffsetDateTime.parse(text.substring(0, text.length() - 5) + "Z").toInstant();
        }
        return OffsetDateTime.parse(text).toInstant();
    }
}
