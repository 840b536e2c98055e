package io.fleetstream.topology.quota;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.ExhaustionAction;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.schemas.emnify.EventOrder;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A device's data quota and SMS quota, kept side by side and derived one event at a time in event
 * time. The rules are ARCHITECTURE.md's "Quota state": assigned (56/58) makes a quota ACTIVE with
 * everything the platform sent, threshold reached (18/20) raises {@code threshold_reached}, used up
 * (19/21) makes it EXHAUSTED, deleted (57/59) DELETED and expired (60/61) EXPIRED.
 *
 * <p>Each quota orders its own events ({@link EventOrder}: event time, then event id): an event at
 * or before the last one applied to that quota changes nothing, which also makes a repeated event a
 * no-op. Ordering per quota, not per device, matters because the two quotas are independent
 * platform objects: a late SMS event must not be rejected because a newer data event was already
 * applied. One exception fills a gap without moving anything back: an assignment that arrives after
 * later events of its own quota contributes its settings (expiry, action, volume at assignment).
 *
 * <p>Plain Java, no Kafka types. Like the device state machine it changes the Avro {@link QuotaState}
 * it is given in place (the caller reads it from a store and writes it back).
 */
public final class QuotaLedger {

    /** What an event does to a quota. */
    enum Change { ASSIGNED, THRESHOLD_REACHED, USED_UP, DELETED, EXPIRED }

    /** Which quota an event type is about and what it does to it. */
    record QuotaEvent(QuotaKind kind, Change change) {

        /** The quota events, by event type id from the catalog. */
        private static final Map<Integer, QuotaEvent> BY_TYPE = Map.of(
                EventTypes.DATA_QUOTA_ASSIGNED.id(), new QuotaEvent(QuotaKind.DATA, Change.ASSIGNED),
                EventTypes.DATA_QUOTA_THRESHOLD_REACHED.id(), new QuotaEvent(QuotaKind.DATA, Change.THRESHOLD_REACHED),
                EventTypes.DATA_QUOTA_USED_UP.id(), new QuotaEvent(QuotaKind.DATA, Change.USED_UP),
                EventTypes.DATA_QUOTA_DELETED.id(), new QuotaEvent(QuotaKind.DATA, Change.DELETED),
                EventTypes.DATA_QUOTA_EXPIRED.id(), new QuotaEvent(QuotaKind.DATA, Change.EXPIRED),
                EventTypes.SMS_QUOTA_ASSIGNED.id(), new QuotaEvent(QuotaKind.SMS, Change.ASSIGNED),
                EventTypes.SMS_QUOTA_THRESHOLD_REACHED.id(), new QuotaEvent(QuotaKind.SMS, Change.THRESHOLD_REACHED),
                EventTypes.SMS_QUOTA_USED_UP.id(), new QuotaEvent(QuotaKind.SMS, Change.USED_UP),
                EventTypes.SMS_QUOTA_DELETED.id(), new QuotaEvent(QuotaKind.SMS, Change.DELETED),
                EventTypes.SMS_QUOTA_EXPIRED.id(), new QuotaEvent(QuotaKind.SMS, Change.EXPIRED));

        static Optional<QuotaEvent> of(int eventTypeId) {
            return Optional.ofNullable(BY_TYPE.get(eventTypeId));
        }
    }

    /** What one call did: the state (possibly the same object) and whether it changed. */
    public record Outcome(QuotaState state, boolean changed) {
    }

    /** Whether the event can change a device's quota state: a quota event (18-21, 56-61) with an endpoint. */
    public static boolean isRelevant(EmnifyEvent event) {
        return event.getEndpoint() != null && QuotaEvent.of(event.getEventType().getId()).isPresent();
    }

    /** The quota state of a device never seen: neither quota exists. */
    public static QuotaState none(long endpointId) {
        return QuotaState.newBuilder()
                .setEndpointId(endpointId)
                .setData(noQuota())
                .setSms(noQuota())
                .build();
    }

    private static EndpointQuota noQuota() {
        return EndpointQuota.newBuilder().setStatus(QuotaStatus.NONE).build();
    }

    /** The data or SMS quota of a state. */
    public static EndpointQuota quota(QuotaState state, QuotaKind kind) {
        return kind == QuotaKind.DATA ? state.getData() : state.getSms();
    }

    /** Applies one event of the device. {@code state} is null for a device never seen. */
    public Outcome apply(QuotaState state, EmnifyEvent event) {
        Optional<QuotaEvent> quotaEvent = event.getEndpoint() == null ? Optional.empty()
                : QuotaEvent.of(event.getEventType().getId());
        if (quotaEvent.isEmpty()) {
            return new Outcome(state, false);
        }
        QuotaState s = state != null ? state : none(event.getEndpoint().getId());
        EndpointQuota quota = quota(s, quotaEvent.get().kind());
        if (!EventOrder.follows(quota.getChangedAt(), quota.getEventId(), event)) {
            if (quotaEvent.get().change() == Change.ASSIGNED && startedCurrentQuota(quota, event)) {
                fillInAssignment(quota, event.getQuota(), event.getTimestamp());
                return new Outcome(s, true);
            }
            return new Outcome(s, false);
        }
        if (event.getOrganisation() != null) {
            s.setOrganisationId(event.getOrganisation().getId());
        }
        QuotaDetail detail = event.getQuota();
        Instant at = event.getTimestamp();
        switch (quotaEvent.get().change()) {
            case ASSIGNED -> assign(quota, detail, at);
            case THRESHOLD_REACHED -> {
                // a threshold on a quota never seen assigned shows that one exists (e.g. assigned
                // before fleetstream started listening); any other status stays: only an
                // assignment brings an exhausted, expired or deleted quota back
                if (quota.getStatus() == QuotaStatus.NONE) {
                    quota.setStatus(QuotaStatus.ACTIVE);
                }
                reachThreshold(quota, detail, at);
            }
            case USED_UP -> {
                quota.setStatus(QuotaStatus.EXHAUSTED);
                // used up is past any threshold, so the flag holds even when no threshold event
                // was seen (lost, or one burst of traffic crossed both)
                reachThreshold(quota, detail, at);
            }
            case DELETED -> quota.setStatus(QuotaStatus.DELETED);
            case EXPIRED -> quota.setStatus(QuotaStatus.EXPIRED);
        }
        quota.setChangedAt(at);
        quota.setEventId(event.getId());
        quota.setEventTypeId(event.getEventType().getId());
        return new Outcome(s, true);
    }

    /** A new assignment is a new quota: everything comes from this event, nothing from the one before. */
    private static void assign(EndpointQuota quota, QuotaDetail detail, Instant at) {
        QuotaDetail d = detail != null ? detail : new QuotaDetail();
        quota.setStatus(statusOf(d).orElse(QuotaStatus.ACTIVE));
        quota.setRemainingVolume(d.getVolume());
        quota.setThresholdPercentage(d.getThresholdPercentage());
        quota.setThresholdVolume(d.getThresholdVolume());
        quota.setThresholdReached(false);
        quota.setThresholdReachedAt(null);
        takeAssignmentSettings(quota, d, at);
    }

    /**
     * A late assignment between the quota's known assignment (if any) and its last change is the one
     * the current quota stems from: the Data Streamer does not keep order, so a used-up event may
     * arrive before the assignment it ends.
     */
    private static boolean startedCurrentQuota(EndpointQuota quota, EmnifyEvent assignment) {
        return quota.getAssignedAt() == null || assignment.getTimestamp().isAfter(quota.getAssignedAt());
    }

    /**
     * Takes the settings of a late assignment without moving the quota back: status, remaining
     * volume, threshold flag and last change stay as the later events left them.
     */
    private static void fillInAssignment(EndpointQuota quota, QuotaDetail detail, Instant at) {
        QuotaDetail d = detail != null ? detail : new QuotaDetail();
        if (quota.getRemainingVolume() == null) {
            quota.setRemainingVolume(d.getVolume());
        }
        if (quota.getThresholdPercentage() == null) {
            quota.setThresholdPercentage(d.getThresholdPercentage());
        }
        if (quota.getThresholdVolume() == null) {
            quota.setThresholdVolume(d.getThresholdVolume());
        }
        takeAssignmentSettings(quota, d, at);
    }

    /** What an assignment decides whether it is the current one or arrived late: its settings and volume. */
    private static void takeAssignmentSettings(EndpointQuota quota, QuotaDetail d, Instant at) {
        quota.setAssignedVolume(d.getVolume());
        quota.setLastVolumeAdded(d.getLastVolumeAdded());
        quota.setExpiry(d.getExpiry());
        quota.setActionOnExhaustion(actionOf(d).orElse(null));
        quota.setPeakThroughput(d.getPeakThroughput());
        quota.setAutoRefill(d.getAutoRefill());
        quota.setEndpointQuotaId(d.getEndpointQuotaId());
        quota.setPlatformStatusChangedAt(d.getLastStatusChange());
        quota.setAssignedAt(at);
    }

    /** What the event does not carry keeps its value: 18-21 send only the remaining volume and the threshold. */
    private static void reachThreshold(EndpointQuota quota, QuotaDetail detail, Instant at) {
        if (!quota.getThresholdReached()) {
            quota.setThresholdReached(true);
            quota.setThresholdReachedAt(at);
        }
        if (detail == null) {
            return;
        }
        if (detail.getVolume() != null) {
            quota.setRemainingVolume(detail.getVolume());
        }
        if (detail.getThresholdPercentage() != null) {
            quota.setThresholdPercentage(detail.getThresholdPercentage());
        }
        if (detail.getThresholdVolume() != null) {
            quota.setThresholdVolume(detail.getThresholdVolume());
        }
    }

    /** emnify's quota status: id 1 ACTIVE, 2 EXHAUSTED, 3 EXPIRED; the description when the id is missing. */
    static Optional<QuotaStatus> statusOf(QuotaDetail detail) {
        if (detail.getStatusId() != null) {
            return switch (detail.getStatusId()) {
                case 1 -> Optional.of(QuotaStatus.ACTIVE);
                case 2 -> Optional.of(QuotaStatus.EXHAUSTED);
                case 3 -> Optional.of(QuotaStatus.EXPIRED);
                default -> Optional.empty();
            };
        }
        if (detail.getStatus() == null) {
            return Optional.empty();
        }
        return switch (detail.getStatus().trim().toUpperCase(Locale.ROOT)) {
            case "ACTIVE" -> Optional.of(QuotaStatus.ACTIVE);
            case "EXHAUSTED" -> Optional.of(QuotaStatus.EXHAUSTED);
            case "EXPIRED" -> Optional.of(QuotaStatus.EXPIRED);
            default -> Optional.empty();
        };
    }

    /**
     * emnify's action on exhaustion: id 1 Block, 2 Throttle. Without an id, the description decides;
     * it comes as "Block", "BLOCK" or in prose ("blocking", "throttled").
     */
    static Optional<ExhaustionAction> actionOf(QuotaDetail detail) {
        if (detail.getActionOnExhaustionId() != null) {
            return switch (detail.getActionOnExhaustionId()) {
                case 1 -> Optional.of(ExhaustionAction.BLOCK);
                case 2 -> Optional.of(ExhaustionAction.THROTTLE);
                default -> Optional.empty();
            };
        }
        if (detail.getActionOnExhaustion() == null) {
            return Optional.empty();
        }
        String action = detail.getActionOnExhaustion().trim().toLowerCase(Locale.ROOT);
        if (action.startsWith("block")) {
            return Optional.of(ExhaustionAction.BLOCK);
        }
        if (action.startsWith("throttl")) {
            return Optional.of(ExhaustionAction.THROTTLE);
        }
        return Optional.empty();
    }
}
