package io.fleetstream.topology.availability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One device's availability over a range {@code [from, until)}, computed from its presence timeline. Plain
 * arithmetic, no Kafka: the rules are
 * <ul>
 *   <li>the state at {@code from} is the {@code to} of the last change before {@code from}; a device offline across
 *       {@code from} is offline from {@code from} on, in an offline period that began before the range;</li>
 *   <li>without a change before {@code from}, the time up to the device's first change in the range (or the whole
 *       range) is <b>unknown</b>: neither online nor offline, and not part of the availability percentage;</li>
 *   <li>an outage is an offline period that begins in the range; one still open at {@code until} ends there for
 *       the figures (clipped) and is not recovered;</li>
 *   <li>mean time to recover is the mean length of the outages that began and ended in the range;</li>
 *   <li>availability is online time over known (online + offline) time.</li>
 * </ul>
 * A change to the state the device is already in (which the presence topic never emits) changes nothing.
 *
 * @param stateAtFrom      ONLINE, OFFLINE, or UNKNOWN when no change before {@code from} is known
 * @param knownFromMillis  from when in the range the state is known; empty when never in the range
 * @param outages          offline periods that begin in the range
 * @param recoveredOutages those of them that also ended in the range
 * @param recoveryMillis   the summed length of the recovered outages
 * @param offlinePeriods   every offline period overlapping the range, clipped to it, in time order
 */
public record AvailabilityReport(long fromMillis, long untilMillis, State stateAtFrom, Optional<Long> knownFromMillis,
                                 long onlineMillis, long offlineMillis, long unknownMillis, int outages,
                                 int recoveredOutages, long recoveryMillis, List<OfflinePeriod> offlinePeriods) {

    public enum State { UNKNOWN, ONLINE, OFFLINE }

    /**
     * An offline period, clipped to the range.
     *
     * @param beganBeforeRange the device was already offline at {@code from}: {@code startMillis} is {@code from}, and
     *                         the period is not one of the range's outages
     * @param ended            the device came back online before {@code until}; otherwise {@code endMillis} is
     *                         {@code until}
     * @param eventId          the event that took the device offline, if known
     */
    public record OfflinePeriod(long startMillis, long endMillis, String reason, Long eventId, boolean beganBeforeRange,
                                boolean ended) {

        public long millis() {
            return endMillis - startMillis;
        }
    }

    public AvailabilityReport {
        offlinePeriods = List.copyOf(offlinePeriods);
    }

    /** Online time over known time, in percent; empty when no time of the range is known. */
    public OptionalDouble availabilityPercent() {
        long known = onlineMillis + offlineMillis;
        return known == 0 ? OptionalDouble.empty() : OptionalDouble.of(100.0 * onlineMillis / known);
    }

    /** The mean length of the recovered outages; empty when none recovered in the range. */
    public OptionalDouble meanTimeToRecoverMillis() {
        return recoveredOutages == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) recoveryMillis / recoveredOutages);
    }

    /**
     * @param before the last change before {@code fromMillis}, if any
     * @param within the changes at or after {@code fromMillis} and before {@code untilMillis}, in time order
     * @throws IllegalArgumentException when the range is empty or a change lies outside where it was said to be
     */
    public static AvailabilityReport of(Optional<PresenceTransition> before, List<PresenceTransition> within,
                                        long fromMillis, long untilMillis) {
        if (untilMillis <= fromMillis) {
            throw new IllegalArgumentException("an availability range must not be empty: from " + fromMillis
                    + " is not before until " + untilMillis);
        }
        before.ifPresent(b -> {
            if (b.atMillis() >= fromMillis) {
                throw new IllegalArgumentException("the change before the range is at " + b.atMillis()
                        + ", not before " + fromMillis);
            }
        });
        long[] spent = new long[State.values().length];
        List<OfflinePeriod> periods = new ArrayList<>();
        State state = before.map(b -> b.online() ? State.ONLINE : State.OFFLINE).orElse(State.UNKNOWN);
        State atFrom = state;
        Long knownFrom = before.isPresent() ? fromMillis : null;
        long since = fromMillis;
        // the open offline period, if the device is offline
        long offlineSince = fromMillis;
        String offlineReason = before.map(PresenceTransition::reason).orElse(null);
        Long offlineEvent = before.map(PresenceTransition::eventId).orElse(null);
        boolean offlineBeganBefore = state == State.OFFLINE;
        int outages = 0;
        int recovered = 0;
        long recovery = 0;
        long previous = fromMillis;
        for (PresenceTransition change : within) {
            long at = change.atMillis();
            if (at < previous || at >= untilMillis) {
                throw new IllegalArgumentException("change at " + at + " is out of order or outside [" + fromMillis
                        + ", " + untilMillis + ")");
            }
            previous = at;
            State next = change.online() ? State.ONLINE : State.OFFLINE;
            if (next == state) {
                continue;
            }
            spent[state.ordinal()] += at - since;
            since = at;
            if (state == State.OFFLINE) {
                periods.add(new OfflinePeriod(offlineSince, at, offlineReason, offlineEvent, offlineBeganBefore, true));
                if (!offlineBeganBefore) {
                    recovered++;
                    recovery += at - offlineSince;
                }
            }
            if (state == State.UNKNOWN) {
                knownFrom = at;
            }
            if (next == State.OFFLINE) {
                outages++;
                offlineSince = at;
                offlineReason = change.reason();
                offlineEvent = change.eventId();
                offlineBeganBefore = false;
            }
            state = next;
        }
        spent[state.ordinal()] += untilMillis - since;
        if (state == State.OFFLINE) {
            periods.add(new OfflinePeriod(offlineSince, untilMillis, offlineReason, offlineEvent, offlineBeganBefore, false));
        }
        return new AvailabilityReport(fromMillis, untilMillis, atFrom, Optional.ofNullable(knownFrom),
                spent[State.ONLINE.ordinal()], spent[State.OFFLINE.ordinal()], spent[State.UNKNOWN.ordinal()],
                outages, recovered, recovery, periods);
    }
}
