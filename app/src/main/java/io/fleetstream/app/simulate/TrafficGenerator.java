package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The event traffic of a simulated fleet on emnify's Data Streamer: deterministic (same profile, same
 * events, however the timeline is advanced), with no clock, no threads and no I/O, so the simulator,
 * the benchmarks (the {@code bench} module) and tests all drive the same code.
 *
 * <p>{@link #advanceTo(Instant)} hands out the events that became due, in the order the platform
 * emits them: by simulated time, ids increasing. A re-sent duplicate (the Data Streamer is
 * at-least-once) comes later, identical to the original, id included, so its own timestamp is older
 * than the events around it. Not thread-safe: one caller advances it.
 */
public final class TrafficGenerator {

    private static final long MIN_RESEND_DELAY_MILLIS = 60_000;
    private static final long MAX_RESEND_DELAY_MILLIS = 600_000;

    private record Due(long at, int ordinal, TrafficSource source) {
    }

    private record Resend(long at, long order, ObjectNode event) {
    }

    private record PendingUsage(long order, PlannedUsage planned) {
    }

    /** A carrier outage being played, and whether its start and end were told to the listener yet. */
    private static final class OutagePlay {
        final CarrierOutage outage;
        final long from;
        final long until;
        final OutageTally tally = new OutageTally();
        final Map<SimulatedDevice, OutageWindow> windows = new HashMap<>();
        boolean startTold;
        boolean endTold;

        OutagePlay(CarrierOutage outage, long start) {
            this.outage = outage;
            this.from = start + outage.after().toMillis();
            this.until = from + outage.duration().toMillis();
        }
    }

    /**
     * Seeds the draws added after the first release (SMS, outages) apart from the main stream, so a seed's
     * events without an outage stay what they were.
     */
    private static final long LATER_DRAWS = 0x5DEECE66DL;

    private final TrafficProfile profile;
    private final FleetRoster roster;
    private final FormatDrift drift;
    private final SplittableRandom resendRandom;
    private final PriorityQueue<Due> sources =
            new PriorityQueue<>(Comparator.comparingLong(Due::at).thenComparingInt(Due::ordinal));
    private final PriorityQueue<Resend> resends =
            new PriorityQueue<>(Comparator.comparingLong(Resend::at).thenComparingLong(Resend::order));
    private long position;
    private long resendOrder;
    private long generated;
    private final boolean usageRecords;
    private final PriorityQueue<PendingUsage> usage = new PriorityQueue<>(
            Comparator.comparingLong((PendingUsage pending) -> pending.planned().end()).thenComparingLong(PendingUsage::order));
    private final StreamerUsage usageWriter;
    private long usageOrder;
    private final OutageListener outageListener;
    /** Null without an outage. */
    private final OutagePlay outagePlay;

    /** A generator of events only (no usage records). */
    public TrafficGenerator(TrafficProfile profile) {
        this(profile, false);
    }

    /**
     * @param usageRecords whether to also produce the data usage records of the sessions, which
     *                     {@link #usageUpTo(Instant)} then hands out; the events are the same either way
     */
    public TrafficGenerator(TrafficProfile profile, boolean usageRecords) {
        this(profile, usageRecords, OutageListener.NONE);
    }

    /**
     * @param outageListener told when the profile's carrier outage starts and ends, if it has one
     */
    public TrafficGenerator(TrafficProfile profile, boolean usageRecords, OutageListener outageListener) {
        this.profile = profile;
        this.usageRecords = usageRecords;
        this.outageListener = outageListener;
        SplittableRandom root = new SplittableRandom(profile.seed());
        StreamerEvents writer = new StreamerEvents(new EventIdSequence(root.split()));
        this.drift = new FormatDrift(profile.driftFraction(), root.split());
        this.resendRandom = root.split();
        this.roster = FleetRoster.enrol(profile, root.split());
        long start = profile.start().toEpochMilli();
        this.position = start - 1;
        int ordinal = 0;
        for (SimulatedOrganisation organisation : roster.organisations()) {
            enqueue(new OrganisationBehaviour(organisation, root.split(), start, writer), ordinal++);
        }
        SplittableRandom later = new SplittableRandom(profile.seed() ^ LATER_DRAWS);
        SplittableRandom smsRoot = later.split();
        this.outagePlay = profile.outage().map(outage -> new OutagePlay(outage, start)).orElse(null);
        if (outagePlay != null) {
            cover(outagePlay, later.split());
        }
        for (SimulatedDevice device : roster.devices()) {
            OutageWindow window = outagePlay == null ? null : outagePlay.windows.get(device);
            enqueue(new DeviceBehaviour(device, root.split(), smsRoot.split(), start, writer, this::usagePlanned, window),
                    ordinal++);
        }
        // split last, so the events of a seed stay what they were before usage records existed
        this.usageWriter = new StreamerUsage(new EventIdSequence(root.split()));
    }

    /**
     * Every event due up to and including {@code simulatedNow}, in emission order; empty when the
     * generator is already there. The returned objects belong to the caller.
     */
    public List<ObjectNode> advanceTo(Instant simulatedNow) {
        long until = simulatedNow.toEpochMilli();
        List<ObjectNode> events = new ArrayList<>();
        while (true) {
            Due due = sources.peek();
            Resend resend = resends.peek();
            boolean sourceDue = due != null && due.at() <= until;
            boolean resendDue = resend != null && resend.at() <= until;
            if (!sourceDue && !resendDue) {
                break;
            }
            if (resendDue && (!sourceDue || resend.at() < due.at())) {
                resends.remove();
                events.add(resend.event().deepCopy());
                continue;
            }
            sources.remove();
            ObjectNode event = due.source().step();
            enqueue(due.source(), due.ordinal());
            if (event != null) {
                drift.maybeApply(event);
                events.add(event);
                if (resendRandom.nextDouble() < profile.duplicateFraction()) {
                    long resendAt = due.at() + resendRandom.nextLong(MIN_RESEND_DELAY_MILLIS, MAX_RESEND_DELAY_MILLIS);
                    resends.add(new Resend(resendAt, resendOrder++, event.deepCopy()));
                }
            }
        }
        position = Math.max(position, until);
        generated += events.size();
        tellOutage();
        return events;
    }

    /**
     * The devices the outage covers: exactly its share of the operator's devices (rounded, at least
     * one), each with its own moment to lose its session and to reconnect.
     */
    private void cover(OutagePlay play, SplittableRandom random) {
        List<SimulatedDevice> onOperator = new ArrayList<>();
        for (SimulatedDevice device : roster.devices()) {
            if (device.network().equals(play.outage.operator())) {
                onOperator.add(device);
            }
        }
        int covered = Math.min(onOperator.size(), Math.max(1, (int) Math.round(play.outage.share() * onOperator.size())));
        for (int i = 0; i < covered; i++) {
            // a partial Fisher-Yates shuffle: the first `covered` places get a uniform choice of devices
            Collections.swap(onOperator, i, random.nextInt(i, onOperator.size()));
            play.windows.put(onOperator.get(i), new OutageWindow(play.from,
                    play.from + random.nextLong(CarrierOutage.DROP_SPREAD.toMillis()),
                    play.until,
                    play.until + random.nextLong(CarrierOutage.RECONNECT_SPREAD.toMillis()),
                    play.tally));
        }
    }

    /** Tells the listener about the outage's start and end once the timeline has passed them. */
    private void tellOutage() {
        if (outagePlay == null) {
            return;
        }
        if (!outagePlay.startTold && position >= outagePlay.from) {
            outagePlay.startTold = true;
            // every session the outage cuts was open before it started, so the count is complete
            outageListener.started(outagePlay.outage, Instant.ofEpochMilli(outagePlay.from), outagePlay.windows.size(),
                    outagePlay.tally.sessionsDropped());
        }
        if (!outagePlay.endTold && position >= outagePlay.until) {
            outagePlay.endTold = true;
            outageListener.ended(outagePlay.outage, Instant.ofEpochMilli(outagePlay.until),
                    outagePlay.tally.devicesToReconnect());
        }
    }

    /**
     * The usage records due up to and including {@code simulatedNow} (a data record is due when its
     * slice of the session ends, an SMS record when the SMS is sent), ordered by their end; call it after
     * {@link #advanceTo} with the same time. Always empty for a generator without usage records. The
     * returned objects belong to the caller.
     */
    public List<ObjectNode> usageUpTo(Instant simulatedNow) {
        long until = simulatedNow.toEpochMilli();
        List<ObjectNode> records = new ArrayList<>();
        while (!usage.isEmpty() && usage.peek().planned().end() <= until) {
            PlannedUsage planned = usage.remove().planned();
            records.add(planned instanceof UsageSlice slice ? usageWriter.data(slice) : usageWriter.sms((SmsMessage) planned));
        }
        return records;
    }

    private void usagePlanned(PlannedUsage planned) {
        if (usageRecords) {
            usage.add(new PendingUsage(usageOrder++, planned));
        }
    }

    /** The simulated time the generator has been advanced to. */
    public Instant position() {
        return Instant.ofEpochMilli(position);
    }

    /** How many events (re-sends included) {@link #advanceTo} has handed out so far. */
    public long eventsGenerated() {
        return generated;
    }

    public TrafficProfile profile() {
        return profile;
    }

    public List<SimulatedDevice> devices() {
        return roster.devices();
    }

    public List<SimulatedOrganisation> organisations() {
        return roster.organisations();
    }

    private void enqueue(TrafficSource source, int ordinal) {
        sources.add(new Due(source.nextAt(), ordinal, source));
    }
}
