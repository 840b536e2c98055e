package io.fleetstream.topology.device;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.topology.timeindex.TimeIndex;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Thin adapter around {@link DeviceStateMachine}: reads a device's state from its store, applies
 * the event, writes it back, and emits the state and presence changes.
 *
 * <p>Pending offlines fire two ways. On event time: once the latest event time seen by this task
 * passes a due time (plus a small grace for events of other devices arriving slightly out of
 * order), so a replay produces the same changes. On wall-clock time: a punctuator fires what is due
 * by now minus an allowance for delivery delay, so a device on an idle partition still goes
 * offline. Both read the due-time index, never the whole device table.
 */
public final class DeviceStateProcessor implements Processor<String, EmnifyEvent, String, Object> {

    public static final String STATE_STORE = "device-state";
    public static final String TIMER_STORE = "device-offline-timers";
    /** Per task: the latest event time seen (key {@link #EVENT_TIME_KEY}), so a restart resumes the event-time clock. */
    public static final String CLOCK_STORE = "device-event-clock";
    static final String EVENT_TIME_KEY = "max-event-time";
    private static final byte[] EMPTY = new byte[0];
    private static final int FIRE_CHUNK = 10_000;

    /** Settings of the presence timers. */
    public record Timers(Duration offlineWindow, Duration streamTimeGrace, Duration wallClockAllowance,
                         Duration punctuationInterval) {
        public Timers {
            Objects.requireNonNull(offlineWindow, "offlineWindow");
            Objects.requireNonNull(streamTimeGrace, "streamTimeGrace");
            Objects.requireNonNull(wallClockAllowance, "wallClockAllowance");
            Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        }

        public static Timers defaults() {
            return new Timers(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(5));
        }
    }

    private final DeviceStateMachine machine;
    private final Timers timers;
    private final String stateChild;
    private final String presenceChild;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, DeviceState> states;
    private TimeIndex timerIndex;
    private KeyValueStore<String, Long> clock;
    private long maxEventTime;
    private long persistedEventTime;
    /** The earliest due time in the index, kept in memory so an event costs no index read. */
    private long nextDue;

    public DeviceStateProcessor(Timers timers, String stateChild, String presenceChild) {
        this.machine = new DeviceStateMachine(timers.offlineWindow());
        this.timers = timers;
        this.stateChild = stateChild;
        this.presenceChild = presenceChild;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.timerIndex = new TimeIndex(context.getStateStore(TIMER_STORE));
        this.clock = context.getStateStore(CLOCK_STORE);
        Long persisted = clock.get(EVENT_TIME_KEY);
        this.maxEventTime = persisted == null ? Long.MIN_VALUE : persisted;
        this.persistedEventTime = maxEventTime;
        this.nextDue = timerIndex.earliest();
        context.schedule(timers.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, EmnifyEvent> record) {
        EmnifyEvent event = record.value();
        if (!DeviceStateMachine.isRelevant(event) || record.key() == null) {
            return;
        }
        String key = record.key();
        DeviceState before = states.get(key);
        Instant dueBefore = before == null ? null : before.getOfflineDueAt();
        DeviceStateMachine.Outcome outcome = machine.apply(before, event);
        if (outcome.changed()) {
            store(key, outcome, dueBefore, record.timestamp());
        }
        maxEventTime = Math.max(maxEventTime, event.getTimestamp().toEpochMilli());
        long streamLimit = maxEventTime - timers.streamTimeGrace().toMillis();
        if (nextDue <= streamLimit) {
            fireDue(streamLimit, record.timestamp());
        }
    }

    private void store(String key, DeviceStateMachine.Outcome outcome, Instant dueBefore, long timestamp) {
        DeviceState state = outcome.state();
        states.put(key, state);
        Instant dueAfter = state.getOfflineDueAt();
        if (!Objects.equals(dueBefore, dueAfter)) {
            if (dueBefore != null) {
                timerIndex.delete(dueBefore.toEpochMilli(), state.getEndpointId());
            }
            if (dueAfter != null) {
                timerIndex.put(dueAfter.toEpochMilli(), state.getEndpointId(), EMPTY);
                nextDue = Math.min(nextDue, dueAfter.toEpochMilli());
            }
        }
        context.forward(new Record<String, Object>(key, state, timestamp), stateChild);
        for (PresenceChange change : outcome.presenceChanges()) {
            context.forward(new Record<String, Object>(key, change, timestamp), presenceChild);
        }
    }

    private void tick(long now) {
        fireDue(now - timers.wallClockAllowance().toMillis(), now);
        // persisted on the tick, not per event: a restart may resume a few seconds behind, which
        // only delays event-time firing until the next events move the clock again
        if (maxEventTime != persistedEventTime) {
            clock.put(EVENT_TIME_KEY, maxEventTime);
            persistedEventTime = maxEventTime;
        }
    }

    /** Fires every pending offline due at or before {@code limitMillis}; records are stamped {@code timestamp}. */
    private void fireDue(long limitMillis, long timestamp) {
        if (nextDue > limitMillis) {
            return;
        }
        Instant limit = Instant.ofEpochMilli(limitMillis);
        List<TimeIndex.Entry> due;
        do {
            // in chunks, so that a million devices going offline at once needs no million entries on the heap
            due = timerIndex.upTo(limitMillis, FIRE_CHUNK);
            for (TimeIndex.Entry entry : due) {
                timerIndex.delete(entry.time(), entry.id());
                String key = Long.toString(entry.id());
                DeviceStateMachine.Outcome outcome = machine.expire(states.get(key), limit);
                if (outcome.changed()) {
                    // the index entry is already gone; the state's due time is now null
                    store(key, outcome, null, timestamp);
                }
            }
        } while (due.size() == FIRE_CHUNK);
        nextDue = timerIndex.earliest();
    }
}
