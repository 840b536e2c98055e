package io.fleetstream.topology.incident;

import io.fleetstream.topology.IncidentRules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The incident rule on one group's recent offlines, plain Java: is there a window of event time in which enough
 * distinct devices went offline, and enough of the group's online devices? The earliest such window is the answer, so
 * the result depends on the set of offlines, not on the order they arrived in.
 */
final class OutageWindow {

    /** A device of the group that went offline at {@code atMillis} and has not come back. */
    record Offline(long endpointId, long atMillis) {
    }

    /**
     * The earliest window that meets the rules.
     *
     * @param start   event time of its first offline
     * @param end     event time of its last offline
     * @param devices the devices that went offline in it, in event-time order
     */
    record Qualifying(long start, long end, List<Offline> devices) {
    }

    private OutageWindow() {
    }

    /**
     * @param offlines the group's devices that went offline recently and are still offline (any order; a device listed
     *                 twice counts once, at its latest offline)
     * @param online   the group's devices online now (the offlines not among them)
     */
    static Optional<Qualifying> earliest(List<Offline> offlines, long online, IncidentRules rules) {
        Map<Long, Offline> latest = new HashMap<>();
        for (Offline o : offlines) {
            latest.merge(o.endpointId(), o, (a, b) -> a.atMillis() >= b.atMillis() ? a : b);
        }
        List<Offline> sorted = new ArrayList<>(latest.values());
        sorted.sort(Comparator.comparingLong(Offline::atMillis).thenComparingLong(Offline::endpointId));
        long window = rules.window().toMillis();
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            end = Math.max(end, start);
            while (end < sorted.size() && sorted.get(end).atMillis() - sorted.get(start).atMillis() <= window) {
                end++;
            }
            int count = end - start;
            // online just before the window: online now, plus those that went offline in it; the others that went
            // offline recently (outside this window) were online before too, but not "just before" it
            if (meets(count, online + count, rules)) {
                return Optional.of(new Qualifying(sorted.get(start).atMillis(), sorted.get(end - 1).atMillis(),
                        List.copyOf(sorted.subList(start, end))));
            }
        }
        return Optional.empty();
    }

    static boolean meets(long offline, long onlineBefore, IncidentRules rules) {
        return offline >= rules.minDevices() && offline >= rules.minShare() * onlineBefore;
    }

    /** How many of {@code affected} must be back online for an incident to resolve (at least one). */
    static long toResolve(long affected, IncidentRules rules) {
        return Math.max(1, (long) Math.ceil(rules.resolveShare() * affected - 1e-9));
    }
}
