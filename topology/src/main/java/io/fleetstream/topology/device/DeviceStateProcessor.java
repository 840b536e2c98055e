package io.fleetstream.topology.device;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.deadletter.DeadLetterStage;
import io.fleetstream.topology.deadletter.PoisonKind;
import io.fleetstream.topology.taskcounts.TaskCounts;
import io.fleetstream.topology.timeindex.TimeIndex;
import io.fleetstream.topology.routing.ReceivedEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Thin adapter around {@link DeviceStateMachine} that applies every device's events in event-time
 * order, whatever order, batching or mix of sources they arrive in.
 *
 * <ul>
 *   <li><b>Clock.</b> The partition's {@link PartitionClock}: the earliest watermark of the ingest
 *       sources active on it, where a source's watermark is how far in event time it had delivered a lateness
 *       bound of arrival (ingest) time ago. It moves on every event of the partition.</li>
 *   <li><b>Reorder buffer.</b> A connectivity event ahead of the clock waits in the store
 *       {@value #REORDER_STORE}, ordered by (event time, event id); once the clock passes it, it is
 *       applied in that order. An event that arrives behind the clock is applied at once.</li>
 *   <li><b>Offline timers.</b> A pending offline fires when the clock passes its due time, after every
 *       event up to the clock has been applied, so a reconnect inside the window always cancels it.</li>
 *   <li><b>Wall clock.</b> A partition that received no record for the lateness bound takes what its sources
 *       delivered as complete (their watermarks reach their latest events); one that received no record for the
 *       wall-clock allowance (it has no backlog) lets the wall clock minus the allowance move its clock, so a
 *       device on an idle partition still goes offline, and a bulk delivery being read never fires a timer
 *       early.</li>
 *   <li><b>Late events.</b> An event for a device whose state has already moved past it
 *       ({@link DeviceStateMachine#isLate}) changes no state and emits nothing: it is counted in the
 *       metric {@code late-event-total}, in {@value DeviceMeters#LATE_EVENTS}, and logged. It is still in its
 *       category topic and in history.</li>
 *   <li><b>Poison events.</b> An event the state machine throws on is dead-lettered with its raw-topic bytes
 *       (stage {@value DeviceTopology#STAGE}) and changes no state: the machine computes the new state on a copy
 *       read from the store, and the event's first write is that state's, serialized (or refused, say for a time
 *       no long holds in millis) before anything is written; what follows it (the timer index, with due times the
 *       serializer already took) throws only if Kafka Streams does. One applied on arrival fails in
 *       {@link #process} and is dead-lettered by its {@code PoisonGuard}; one held in the reorder buffer fails when
 *       the clock releases it, while another record or a punctuation is processed, and is dead-lettered here with
 *       its own bytes, so neither that record nor the next release is held up by it. Its observation in the
 *       partition clock stays: the clock follows what the sources delivered, and it was delivered.</li>
 * </ul>
 * Every piece of this is in changelogged stores, so a restart resumes exactly where the last commit was.
 *
 * <p>The task's devices by status, online, and with a pending offline are counted for {@link DeviceMeters} once when
 * the processor is initialised (its stores restored) and then at every write of the state store; the counts go when
 * the processor is closed.
 */
public final class DeviceStateProcessor implements Processor<String, ReceivedEvent, String, Object> {

    public static final String STATE_STORE = "device-state";
    public static final String TIMER_STORE = "device-offline-timers";
    /** Per task: the {@link PartitionClock}, under the key {@value #CLOCK_KEY}. */
    public static final String CLOCK_STORE = "device-event-clock";
    /** Per task: connectivity events waiting for the clock, keyed by (event time, event id). */
    public static final String REORDER_STORE = "device-reorder-buffer";
    static final String CLOCK_KEY = "partition-clock";
    private static final byte[] EMPTY = new byte[0];
    private static final int FIRE_CHUNK = 10_000;
    private static final int RELEASE_CHUNK = 1_000;
    private static final long LATE_LOG_INTERVAL_MS = 10_000;
    /**
     * The clock is announced to the progress child when it moved this far in event time since the last announcement,
     * or at a punctuation when presence changes were forwarded since: few records in a catch-up (hours of event time
     * in seconds), and a change is followed by its announcement within one punctuation interval.
     */
    static final long PROGRESS_STEP_MS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(DeviceStateProcessor.class);

    private final DeviceStateMachine machine;
    private final DeviceTimers timers;
    private final Deserializer<EmnifyEvent> eventDeserializer;
    private final String subjectTopic;
    private final String stateChild;
    private final String presenceChild;
    /** Where {@link PresenceProgress} goes (the incident feed), or null for nowhere. */
    private final String progressChild;
    private final DeadLetterStage deadLetters;
    private final DeviceMeters meters;
    private TaskCounts<DeviceState>.Task counted;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, DeviceState> states;
    private TimeIndex timerIndex;
    private TimeIndex reorderBuffer;
    private KeyValueStore<String, byte[]> clockStore;
    private PartitionClock clock;
    private Sensor lateEvents;
    /**
     * Wall-clock time of the last record, or of the first punctuation after the start: a partition idle
     * since then has no backlog.
     */
    private long lastRecordWallClock;
    /** The earliest due time in the timer index, kept in memory so an event costs no index read. */
    private long nextDue;
    /** The earliest event time in the reorder buffer, likewise. */
    private long nextBuffered;
    private long lateSinceLog;
    /** The clock last announced to the progress child (in memory: after a restart the next one is announced). */
    private long announced = PartitionClock.NONE;
    private boolean changedSinceAnnounced;
    private long lastLateLog;

    /**
     * @param eventDeserializer decodes buffered events, which are kept in the wire format they were received in
     * @param subjectTopic      the topic those bytes come from (the raw topic)
     * @param deadLetters       where a buffered event goes that fails when it is applied
     * @param meters            where devices and late events are counted (shared by every task of the instance)
     * @param progressChild     the child told how far the presence changes have gone ({@link PresenceProgress}), or
     *                          null
     */
    public DeviceStateProcessor(DeviceTimers timers,
                                Deserializer<EmnifyEvent> eventDeserializer, String subjectTopic,
                                String stateChild, String presenceChild, String progressChild,
                                DeadLetterStage deadLetters, DeviceMeters meters) {
        this.machine = new DeviceStateMachine(timers.offlineWindow());
        this.timers = timers;
        this.eventDeserializer = eventDeserializer;
        this.subjectTopic = subjectTopic;
        this.stateChild = stateChild;
        this.presenceChild = presenceChild;
        this.progressChild = progressChild;
        this.deadLetters = deadLetters;
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** With meters of its own, which nobody reads (benchmarks of the processor alone). */
    public DeviceStateProcessor(DeviceTimers timers,
                                Deserializer<EmnifyEvent> eventDeserializer, String subjectTopic,
                                String stateChild, String presenceChild, DeadLetterStage deadLetters) {
        this(timers, eventDeserializer, subjectTopic, stateChild, presenceChild, null, deadLetters,
                new DeviceMeters(new SimpleMeterRegistry()));
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.timerIndex = new TimeIndex(context.getStateStore(TIMER_STORE));
        this.reorderBuffer = new TimeIndex(context.getStateStore(REORDER_STORE));
        this.clockStore = context.getStateStore(CLOCK_STORE);
        this.clock = PartitionClock.decode(clockStore.get(CLOCK_KEY), timers.lateness().toMillis());
        this.nextDue = timerIndex.earliest();
        this.nextBuffered = reorderBuffer.earliest();
        // not the context's time: before the first record or punctuation it may not be set yet
        this.lastRecordWallClock = PartitionClock.NONE;
        this.lateEvents = context.metrics().addRateTotalSensor("fleetstream-device-state", context.taskId().toString(),
                "late-event", Sensor.RecordingLevel.INFO);
        // init runs once the task's stores are restored: one scan of this task's devices, then every write is followed
        this.counted = meters.counts().open(context.taskId(), states.all());
        context.schedule(timers.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void close() {
        if (counted != null) {
            counted.close();
            counted = null;
        }
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        EmnifyEvent event = record.value().event();
        lastRecordWallClock = context.currentSystemTimeMs();
        long eventTime = event.getTimestamp().toEpochMilli();
        IngestMetadata ingest = event.getIngest();
        long ingestTime = ingest == null || ingest.getReceivedAt() == null ? record.timestamp()
                : ingest.getReceivedAt().toEpochMilli();
        clock.observe(ingest == null ? null : ingest.getSource(), eventTime, ingestTime);
        // a cached store: written to its changelog once per commit, however often it changes
        clockStore.put(CLOCK_KEY, clock.encode());
        long now = clockAt(lastRecordWallClock);
        advance(now, record.timestamp());
        if (DeviceStateMachine.isRelevant(event)) {
            if (eventTime <= now) {
                applyEvent(event, record.timestamp());
            } else {
                reorderBuffer.put(eventTime, event.getId(), record.value().wireFormat());
                nextBuffered = Math.min(nextBuffered, eventTime);
            }
        }
        // after the event: one at or before the clock is applied now, and its change is before the announcement
        announce(now, false, record.timestamp());
    }

    /** Tells the progress child the clock, when it moved a step, or at a punctuation after presence changes. */
    private void announce(long clockMillis, boolean punctuation, long timestamp) {
        if (progressChild == null) {
            return;
        }
        if (announced == PartitionClock.NONE) {
            // the first record or punctuation after the start: the readers learn that this task exists (and must be
            // waited for) before its clock means anything, which is a lateness after its first records
            announce(clockMillis == PartitionClock.NONE ? 0 : Math.max(0, clockMillis), timestamp);
            return;
        }
        if (clockMillis == PartitionClock.NONE || clockMillis <= announced) {
            return;
        }
        if (clockMillis - announced >= PROGRESS_STEP_MS || (punctuation && changedSinceAnnounced)) {
            announce(clockMillis, timestamp);
        }
    }

    private void announce(long clockMillis, long timestamp) {
        context.forward(new Record<String, Object>(null, new PresenceProgress(context.taskId().partition(),
                clockMillis), timestamp), progressChild);
        announced = clockMillis;
        changedSinceAnnounced = false;
    }

    /** The partition's clock: its event clock, or on an idle partition the wall clock minus the allowance. */
    private long clockAt(long wallClock) {
        long eventClock = clock.eventClock(timers.sourceIdle().toMillis());
        long allowance = timers.wallClockAllowance().toMillis();
        if (lastRecordWallClock != PartitionClock.NONE && wallClock - lastRecordWallClock >= allowance) {
            return Math.max(eventClock, wallClock - allowance);
        }
        return eventClock;
    }

    private void tick(long wallClock) {
        if (lastRecordWallClock == PartitionClock.NONE) {
            lastRecordWallClock = wallClock;
        }
        // nothing arrived for a lateness: whatever a source delivered is all it had, so a quiet partition shows its
        // last events after the lateness bound, not only after the wall-clock allowance
        if (wallClock - lastRecordWallClock >= timers.lateness().toMillis() && clock.settleAll()) {
            clockStore.put(CLOCK_KEY, clock.encode());
        }
        long now = clockAt(wallClock);
        advance(now, wallClock);
        announce(now, true, wallClock);
    }

    /** Applies every buffered event up to {@code limit} in order, then fires every offline due by then. */
    private void advance(long limit, long timestamp) {
        if (nextBuffered <= limit) {
            List<TimeIndex.Entry> released;
            do {
                released = reorderBuffer.upTo(limit, RELEASE_CHUNK);
                for (TimeIndex.Entry entry : released) {
                    reorderBuffer.delete(entry.time(), entry.id());
                    applyBuffered(entry.value(), timestamp);
                }
            } while (released.size() == RELEASE_CHUNK);
            nextBuffered = reorderBuffer.earliest();
        }
        if (nextDue <= limit) {
            fireDue(limit, timestamp);
        }
    }

    /** Applies an event from the reorder buffer; one that fails is dead-lettered, and the next is applied. */
    private void applyBuffered(byte[] wireFormat, long timestamp) {
        EmnifyEvent event = null;
        try {
            event = eventDeserializer.deserialize(subjectTopic, wireFormat);
            applyEvent(event, timestamp);
        } catch (RuntimeException e) {
            if (!DeadLetterStage.isTheRecordsFault(e)) {
                throw e;
            }
            // buffered events are relevant, so they have an endpoint: the key their record had
            deadLetters.deadLetterHeld(context, subjectTopic, event == null ? null : EventKeys.keyOf(event), wireFormat,
                    PoisonKind.of(e), deadLetters.processingFailed(e), e, timestamp);
        }
    }

    private void applyEvent(EmnifyEvent event, long timestamp) {
        String key = EventKeys.ofEndpoint(event.getEndpoint().getId());
        DeviceState before = states.get(key);
        Instant dueBefore = before == null ? null : before.getOfflineDueAt();
        // the machine changes the state it is given: what it counted as is taken first
        long countedBefore = meters.counts().classes(before);
        DeviceStateMachine.Outcome outcome = machine.apply(before, event);
        if (outcome.late()) {
            late(event, before);
        } else if (outcome.changed()) {
            store(key, outcome, dueBefore, countedBefore, timestamp);
        }
    }

    private void late(EmnifyEvent event, DeviceState state) {
        lateEvents.record();
        meters.lateEvent();
        lateSinceLog++;
        long wallClock = context.currentSystemTimeMs();
        if (wallClock - lastLateLog >= LATE_LOG_INTERVAL_MS) {
            log.atWarn().addKeyValue(LogFields.EVENT_ID, event.getId()).addKeyValue(LogFields.EVENT_TYPE, event.getEventType().getId())
                    .addKeyValue(LogFields.ENDPOINT_ID, event.getEndpoint().getId())
                    .log("late event {} (type {}) of device {} at {}: the device's state is already at {} (last presence "
                            + "change {}); it is in history and its category topic but changes no state ({} late event(s) "
                            + "in this task since the last such message; raise --event-lateness if sources deliver "
                            + "this far out of order)", event.getId(), event.getEventType().getId(),
                    event.getEndpoint().getId(), event.getTimestamp(), state.getLastEventAt(),
                    state.getPresenceChangedAt(), lateSinceLog);
            lastLateLog = wallClock;
            lateSinceLog = 0;
        }
    }

    private void store(String key, DeviceStateMachine.Outcome outcome, Instant dueBefore, long countedBefore,
                       long timestamp) {
        DeviceState state = outcome.state();
        states.put(key, state);
        counted.changed(countedBefore, state);
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
            changedSinceAnnounced = true;
        }
    }

    /** Fires every pending offline due at or before {@code limitMillis}; records are stamped {@code timestamp}. */
    private void fireDue(long limitMillis, long timestamp) {
        Instant limit = Instant.ofEpochMilli(limitMillis);
        List<TimeIndex.Entry> due;
        do {
            // in chunks, so that a million devices going offline at once needs no million entries on the heap
            due = timerIndex.upTo(limitMillis, FIRE_CHUNK);
            for (TimeIndex.Entry entry : due) {
                timerIndex.delete(entry.time(), entry.id());
                String key = EventKeys.ofEndpoint(entry.id());
                try {
                    DeviceState before = states.get(key);
                    long countedBefore = meters.counts().classes(before);
                    DeviceStateMachine.Outcome outcome = machine.expire(before, limit);
                    if (outcome.changed()) {
                        // the index entry is already gone; the state's due time is now null
                        store(key, outcome, null, countedBefore, timestamp);
                    }
                } catch (RuntimeException e) {
                    if (!DeadLetterStage.isTheRecordsFault(e)) {
                        throw e;
                    }
                    // no record to dead-letter, and not the record being processed's fault: fail the task, saying so
                    throw new StreamsException("the offline timer of device " + entry.id() + " due at "
                            + Instant.ofEpochMilli(entry.time()) + " failed on the device's stored state", e);
                }
            }
        } while (due.size() == FIRE_CHUNK);
        nextDue = timerIndex.earliest();
    }
}
