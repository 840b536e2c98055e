package io.fleetstream.app.simulate;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A data outage on one mobile network, the way fleets see them: a part of one operator's devices lose
 * their data sessions together and cannot open new ones until the network is back, while every other
 * operator's devices carry on. It is what fleetstream's incident detection is there to notice, so the
 * simulator can produce one on demand.
 *
 * <p>{@code share} of the operator's devices (rounded, at least one) are covered: at {@code after} from
 * the simulated start, each covered device with an open session has it deleted (Delete PDP Context and
 * the usage record that closes the session) within {@link #DROP_SPREAD} of the others; a covered device
 * asks for no session while the outage lasts, and when it ends every covered device that lost a session
 * or wanted one opens a session (Create PDP Context) within {@link #RECONNECT_SPREAD}. It is a data
 * outage: SMS, attach and quota traffic go on.
 *
 * @param operator the network that fails
 * @param share    part of that network's devices the outage covers, more than 0 and at most 1
 * @param after    simulated time from the start of the traffic to the outage
 * @param duration how long the network stays down; longer than the offline window (5 minutes by
 *                 default) for the devices to count as offline
 */
public record CarrierOutage(MobileOperator operator, double share, Duration after, Duration duration) {

    public static final double DEFAULT_SHARE = 0.6;
    /** Late enough for the simulated fleet to have attached and opened its sessions. */
    public static final Duration DEFAULT_AFTER = Duration.ofMinutes(10);
    /** Twice the default offline window, so the devices really go offline before they are back. */
    public static final Duration DEFAULT_DURATION = Duration.ofMinutes(10);
    /** The covered devices' sessions are deleted within this time of each other. */
    public static final Duration DROP_SPREAD = Duration.ofSeconds(5);
    /** The covered devices reconnect within this time after the outage ends. */
    public static final Duration RECONNECT_SPREAD = Duration.ofMinutes(2);

    public CarrierOutage {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(duration, "duration");
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("the outage's share of the operator's devices must be more than 0 and "
                    + "at most 1 (e.g. 0.6 for 60%), got " + share);
        }
        if (after.isNegative()) {
            throw new IllegalArgumentException("the outage cannot start before the simulated traffic (after=" + after + ")");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("the outage's duration must be positive, got " + duration);
        }
    }

    /** The defaults on this network: 60% of its devices, ten minutes after the start, for ten minutes. */
    public static CarrierOutage on(MobileOperator operator) {
        return new CarrierOutage(operator, DEFAULT_SHARE, DEFAULT_AFTER, DEFAULT_DURATION);
    }

    /** For log lines: {@code Vodafone (id 3), 60% of its devices, for 10m}. */
    public String describe() {
        return operator.name() + " (id " + operator.id() + "), " + Math.round(share * 100) + "% of its devices, for "
                + readable(duration);
    }

    /** A duration as the options take it: {@code 10m}, {@code 1h30m}, {@code 90s}. */
    static String readable(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
