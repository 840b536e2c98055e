package io.fleetstream.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * When many devices of one operator or country going offline is a carrier incident rather than device faults.
 *
 * @param minDevices   at least this many distinct devices of the group went offline within the window
 * @param minShare     and they are at least this share (0..1] of the group's devices online just before: online
 *                     then, plus those that went offline in the window; keeps a big operator's everyday churn quiet
 * @param window       of event time, in which those devices went offline
 * @param resolveShare the incident resolves once this share (0..1] of its affected devices is back online
 *
 * <p>A refused value's message starts with the rule's name as the command line spells it after {@code --incident-}.
 */
public record IncidentRules(int minDevices, double minShare, Duration window, double resolveShare) {

    public static final int DEFAULT_MIN_DEVICES = 20;
    public static final double DEFAULT_MIN_SHARE = 0.10;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    public static final double DEFAULT_RESOLVE_SHARE = 0.8;

    public IncidentRules {
        if (minDevices < 1) {
            throw new IllegalArgumentException("min-devices must be at least 1, got " + minDevices);
        }
        requireShare(minShare, "min-share");
        requireShare(resolveShare, "resolve-share");
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be a positive duration, got " + window);
        }
    }

    public static IncidentRules defaults() {
        return new IncidentRules(DEFAULT_MIN_DEVICES, DEFAULT_MIN_SHARE, DEFAULT_WINDOW, DEFAULT_RESOLVE_SHARE);
    }

    private static void requireShare(double share, String what) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException(what + " must be in (0, 1], got " + share);
        }
    }
}
