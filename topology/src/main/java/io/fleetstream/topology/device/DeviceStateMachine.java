package io.fleetstream.topology.device;

import io.fleetstream.avro.ClosedSession;
import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Location;
import io.fleetstream.avro.OpenSession;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.PresenceReason;
import io.fleetstream.avro.Rejection;
import io.fleetstream.avro.SessionEndReason;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.schemas.emnify.EventOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A device's connectivity status and debounced online/offline presence, derived one event at a time
 * in event time. The rules are ARCHITECTURE.md's "Device state" table; the 5-minute rule is emnify's
 * definition of a device going offline: it deleted its PDP context and did not create a new one
 * within five minutes. Debouncing is the point: a reconnect inside the window is no change at all.
 *
 * <p>Plain Java, no Kafka types. It works on the Avro {@link DeviceState} it is given, changing it
 * in place (the caller reads it from a store and writes it back), so an event costs no copies.
 */
public final class DeviceStateMachine {

    /** What a connectivity event does to a device. */
    private enum Transition { LOCATION_UPDATED, SESSION_CREATED, SESSION_DELETED, LOCATION_PURGED, BLOCKED, WENT_OFFLINE }

    /** The connectivity events, by event type id from the catalog; every other type changes nothing. */
    private static final Map<Integer, Transition> TRANSITIONS = Map.of(
            EventTypes.UPDATE_LOCATION.id(), Transition.LOCATION_UPDATED,
            EventTypes.UPDATE_GPRS_LOCATION.id(), Transition.LOCATION_UPDATED,
            EventTypes.CREATE_PDP_CONTEXT.id(), Transition.SESSION_CREATED,
            EventTypes.DELETE_PDP_CONTEXT.id(), Transition.SESSION_DELETED,
            EventTypes.ENDPOINT_BLOCKED.id(), Transition.BLOCKED,
            EventTypes.PURGE_LOCATION.id(), Transition.LOCATION_PURGED,
            EventTypes.PURGE_GPRS_LOCATION.id(), Transition.LOCATION_PURGED,
            EventTypes.DEVICE_OFFLINE.id(), Transition.WENT_OFFLINE);
    private static final int SOURCE_NETWORK = 0;

    /**
     * What one call did: the state (possibly the same object), whether it changed, the presence changes
     * in order, and whether the event came too late to be applied ({@link #isLate}).
     */
    public record Outcome(DeviceState state, boolean changed, List<PresenceChange> presenceChanges, boolean late) {
        Outcome(DeviceState state, boolean changed, List<PresenceChange> presenceChanges) {
            this(state, changed, presenceChanges, false);
        }

        static Outcome unchanged(DeviceState state) {
            return new Outcome(state, false, List.of());
        }
    }

    private final Duration offlineWindow;

    public DeviceStateMachine(Duration offlineWindow) {
        if (offlineWindow == null || offlineWindow.isNegative() || offlineWindow.isZero()) {
            throw new IllegalArgumentException("offline window must be positive, got " + offlineWindow);
        }
        this.offlineWindow = offlineWindow;
    }

    /** Whether the event can change a device's state: a connectivity event with an endpoint. */
    public static boolean isRelevant(EmnifyEvent event) {
        return event.getEndpoint() != null && TRANSITIONS.containsKey(event.getEventType().getId());
    }

    /** The state of a device never seen: UNKNOWN and offline. */
    public static DeviceState unknown(long endpointId) {
        return DeviceState.newBuilder()
                .setEndpointId(endpointId)
                .setStatus(ConnectivityStatus.UNKNOWN)
                .setOnline(false)
                .build();
    }

    /**
     * Whether the device's state has already moved past the event: it does not follow the last event
     * applied in {@link EventOrder} (event time, then id; the same id again is a repeat), or it lies
     * before the last presence change, which for an expired offline window is the window's end.
     * Applied now, such an event could not give what applying it in order would have given, and its
     * presence change would be stamped before one already emitted.
     */
    public static boolean isLate(DeviceState state, EmnifyEvent event) {
        if (state == null) {
            return false;
        }
        if (!EventOrder.follows(state.getLastEventAt(), state.getLastEventId(), event)) {
            return true;
        }
        Instant changed = state.getPresenceChangedAt();
        return changed != null && event.getTimestamp().isBefore(changed);
    }

    /**
     * Applies one event of the device. {@code state} is null for a device never seen. The pending
     * offline is checked first: an event stamped after it means the window passed without a new
     * session, so the device went offline at the due time, before this event happened. An event that
     * {@link #isLate is late} changes nothing and is reported as late.
     */
    public Outcome apply(DeviceState state, EmnifyEvent event) {
        if (!isRelevant(event)) {
            return Outcome.unchanged(state);
        }
        if (isLate(state, event)) {
            return new Outcome(state, false, List.of(), true);
        }
        Transition transition = TRANSITIONS.get(event.getEventType().getId());
        DeviceState s = state != null ? state : unknown(event.getEndpoint().getId());
        Instant at = event.getTimestamp();
        List<PresenceChange> presence = new ArrayList<>(2);
        boolean acceptedCreate = transition == Transition.SESSION_CREATED && isAccepted(event);
        Instant due = s.getOfflineDueAt();
        if (due != null && (due.isBefore(at) || (due.equals(at) && !acceptedCreate))) {
            goOfflineAfterWindow(s, presence);
        }
        if (event.getOrganisation() != null) {
            s.setOrganisationId(event.getOrganisation().getId());
        }
        // every applied event has an endpoint, and emnify writes its tags in full (null when it has none): the
        // latest event's tags are the endpoint's tags, so a tag removed in the Portal leaves the state too
        s.setTags(EndpointTags.parse(event.getEndpoint().getTags()));
        switch (transition) {
            case SESSION_CREATED -> {
                if (acceptedCreate) {
                    openSession(s, event, presence);
                } else {
                    s.setLastRejection(new Rejection(at, event.getDescription(), event.getId()));
                    s.setRejections(s.getRejections() + 1);
                }
            }
            case SESSION_DELETED -> closeSession(s, event);
            case LOCATION_UPDATED -> {
                if (s.getStatus() == ConnectivityStatus.UNKNOWN || s.getStatus() == ConnectivityStatus.OFFLINE) {
                    s.setStatus(ConnectivityStatus.ATTACHED);
                }
                rememberLocation(s, event);
            }
            case LOCATION_PURGED -> {
                if (s.getStatus() != ConnectivityStatus.BLOCKED) {
                    s.setStatus(ConnectivityStatus.OFFLINE);
                }
                if (s.getSession() != null) {
                    s.setLastSession(closed(s.getSession(), event, null, SessionEndReason.PURGED));
                    s.setSession(null);
                }
                goOffline(s, at, PresenceReason.PURGED, event.getId(), presence);
            }
            case BLOCKED -> s.setStatus(ConnectivityStatus.BLOCKED);
            case WENT_OFFLINE -> {
                if (s.getStatus() == ConnectivityStatus.ONLINE) {
                    s.setStatus(ConnectivityStatus.ATTACHED);
                }
                goOffline(s, at, PresenceReason.PLATFORM, event.getId(), presence);
            }
        }
        s.setLastEventId(event.getId());
        s.setLastEventAt(at);
        return new Outcome(s, true, presence);
    }

    /** Fires the pending offline if it is due at or before {@code now} (stream time or wall clock). */
    public Outcome expire(DeviceState state, Instant now) {
        if (state == null || state.getOfflineDueAt() == null || state.getOfflineDueAt().isAfter(now)) {
            return Outcome.unchanged(state);
        }
        List<PresenceChange> presence = new ArrayList<>(1);
        goOfflineAfterWindow(state, presence);
        return new Outcome(state, true, presence);
    }

    /**
     * A Create PDP Context from the network is a session; the same event type from Policy Control
     * (no detail, an alert, the reason only in the description) is a rejection and no session.
     */
    static boolean isAccepted(EmnifyEvent event) {
        CodedValue source = event.getEventSource();
        if (source != null) {
            return source.getId() == SOURCE_NETWORK;
        }
        return event.getPdp() != null;
    }

    private void openSession(DeviceState s, EmnifyEvent event, List<PresenceChange> presence) {
        Instant at = event.getTimestamp();
        if (s.getSession() != null) {
            // a second create without a delete in between: the network replaced the context
            s.setLastSession(closed(s.getSession(), event, null, SessionEndReason.REPLACED));
        }
        PdpSession pdp = event.getPdp();
        VisitedOperator operator = event.getOperator();
        s.setSession(OpenSession.newBuilder()
                .setSessionId(pdp == null ? null : pdp.getSessionId())
                .setStartedAt(pdp != null && pdp.getTunnelCreated() != null ? pdp.getTunnelCreated() : at)
                .setApn(pdp == null ? null : pdp.getApn())
                .setRatType(pdp == null ? null : pdp.getRatType())
                .setUeIpAddress(pdp == null ? null : pdp.getUeIpAddress())
                .setOperator(operator == null ? null : operator.getName())
                .setCountry(operator == null ? null : operator.getCountryName())
                .setEventId(event.getId())
                .build());
        s.setStatus(ConnectivityStatus.ONLINE);
        s.setOfflineDueAt(null);
        s.setOfflineTimerEventId(null);
        s.setSessions(s.getSessions() + 1);
        if (operator != null) {
            rememberLocation(s, event);
        }
        if (!s.getOnline()) {
            s.setOnline(true);
            s.setPresenceChangedAt(at);
            presence.add(change(s, Presence.OFFLINE, Presence.ONLINE, at, PresenceReason.PDP_CREATED, event.getId()));
        }
    }

    private void closeSession(DeviceState s, EmnifyEvent event) {
        OpenSession open = s.getSession();
        String sessionId = event.getPdp() == null ? null : event.getPdp().getSessionId();
        if (open == null || sessionId == null || !sessionId.equals(open.getSessionId())) {
            return; // another session's delete, or none open: changes nothing
        }
        s.setLastSession(closed(open, event, event.getPdp(), SessionEndReason.DELETED));
        s.setSession(null);
        if (s.getStatus() != ConnectivityStatus.BLOCKED) {
            s.setStatus(ConnectivityStatus.ATTACHED);
        }
        s.setOfflineDueAt(event.getTimestamp().plus(offlineWindow));
        s.setOfflineTimerEventId(event.getId());
    }

    private static ClosedSession closed(OpenSession open, EmnifyEvent endedBy, PdpSession pdp, SessionEndReason reason) {
        Instant started = pdp != null && pdp.getTunnelCreated() != null ? pdp.getTunnelCreated() : open.getStartedAt();
        Instant ended = endedBy.getTimestamp();
        return ClosedSession.newBuilder()
                .setSessionId(open.getSessionId())
                .setStartedAt(started)
                .setEndedAt(ended)
                .setDurationMs(started == null ? null : Math.max(0, Duration.between(started, ended).toMillis()))
                .setApn(pdp != null && pdp.getApn() != null ? pdp.getApn() : open.getApn())
                .setRatType(pdp != null && pdp.getRatType() != null ? pdp.getRatType() : open.getRatType())
                .setOperator(open.getOperator())
                .setCountry(open.getCountry())
                .setVolumeRx(pdp == null ? null : pdp.getVolumeRx())
                .setVolumeTx(pdp == null ? null : pdp.getVolumeTx())
                .setVolumeTotal(pdp == null ? null : pdp.getVolumeTotal())
                .setEndReason(reason)
                .setEventId(endedBy.getId())
                .build();
    }

    private static void rememberLocation(DeviceState s, EmnifyEvent event) {
        VisitedOperator operator = event.getOperator();
        if (operator == null) {
            return;
        }
        PdpSession pdp = event.getPdp();
        s.setLocation(Location.newBuilder()
                .setOperatorId(operator.getId())
                .setOperator(operator.getName())
                .setCountry(operator.getCountryName())
                .setIsoCode(operator.getIsoCode())
                .setMcc(operator.getMcc() != null ? operator.getMcc() : pdp == null ? null : pdp.getMcc())
                .setMnc(operator.getMnc() != null ? operator.getMnc() : pdp == null ? null : pdp.getMnc())
                .setAt(event.getTimestamp())
                .build());
    }

    private static void goOfflineAfterWindow(DeviceState s, List<PresenceChange> presence) {
        Instant due = s.getOfflineDueAt();
        Long cause = s.getOfflineTimerEventId();
        goOffline(s, due, PresenceReason.PDP_TIMEOUT, cause, presence);
    }

    private static void goOffline(DeviceState s, Instant at, PresenceReason reason, Long eventId,
                                  List<PresenceChange> presence) {
        s.setOfflineDueAt(null);
        s.setOfflineTimerEventId(null);
        if (s.getOnline()) {
            s.setOnline(false);
            s.setPresenceChangedAt(at);
            presence.add(change(s, Presence.ONLINE, Presence.OFFLINE, at, reason, eventId));
        }
    }

    private static PresenceChange change(DeviceState s, Presence from, Presence to, Instant at, PresenceReason reason,
                                         Long eventId) {
        return new PresenceChange(s.getEndpointId(), s.getOrganisationId(), from, to, at, reason, eventId);
    }
}
