package io.fleetstream.microbench;

import io.fleetstream.schemas.catalog.EventType;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.kafka.streams.processor.api.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The device-state processor ({@link DeviceStateProcessor}) alone, on a fleet of {@code devices} devices in its real
 * RocksDB stores ({@link DeviceFleet}), per event: each benchmark's events go to the fleet's devices in turn, and the
 * events' times advance as live traffic's do, so every event waits in the reorder buffer for the lateness bound and
 * is applied when the partition's clock passes it (see {@link DeviceFleet}).
 * <ul>
 *   <li>{@link #updateLocationOnline}: an Update location of a device that is online, the steady state;</li>
 *   <li>{@link #createPdpGoingOnline}: a Create PDP Context of a device that went offline (its last session ended and
 *       the offline window passed): a new session and a presence change to online;</li>
 *   <li>{@link #deletePdpPendingOffline}: a Delete PDP Context of an online device: the session ends and a pending
 *       offline goes into the due-time index (none falls due during the measurement);</li>
 *   <li>{@link #tickNothingDue}: a wall-clock punctuation a second after the last record, with every device's offline
 *       pending and none due: what the processor does every 5 s on a busy partition.</li>
 * </ul>
 * A score is the processor's work for one event: the event comes decoded and with its wire-format bytes (in the
 * topology they come with the record), and what it forwards is left in the mock context, not encoded (that is the
 * sinks' work; see {@link ReaderBenchmark#encode} for what an Avro encoding costs).
 *
 * <p>A Create for an offline device or a Delete for an online one cannot be repeated on the same device: after one
 * round of the fleet, each device is reset outside the measurement (the processor ends, or opens, every session
 * again and the clock moves on), and the first lateness bound's worth of the next round is fed outside the
 * measurement too, so that the reorder buffer holds what it holds in steady traffic when the measurement resumes.
 * That is why those benchmarks prepare their events in a {@link Level#Invocation} fixture: each invocation processes
 * {@value #BATCH} events (milliseconds at the default size), so the per-invocation timestamps JMH takes cost nothing
 * measurable.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class DeviceStateBenchmark {

    /** Events processed by one invocation of an event benchmark. */
    static final int BATCH = 200;

    /**
     * A stream of one type of event to the fleet's devices in turn; {@link #batch} holds the next {@value #BATCH},
     * prepared (built and encoded) outside the measurement.
     */
    @State(Scope.Benchmark)
    public abstract static class EventStream {

        @Param("100000")
        public int devices;

        DeviceFleet fleet;
        @SuppressWarnings("unchecked")
        final Record<String, ReceivedEvent>[] batch = new Record[BATCH];
        /** the next device */
        int cursor;
        /** the devices one round of the measured events goes through, set by {@link #prepare} */
        int round;

        @Setup(Level.Trial)
        public void setUp() {
            if (devices < 2 * BATCH) {
                throw new IllegalArgumentException("devices must be at least " + 2 * BATCH + ", got " + devices);
            }
            fleet = new DeviceFleet(devices);
            // every device online: a session opened in a round of the fleet
            fleet.feed(EventTypes.CREATE_PDP_CONTEXT, 0, devices);
            fleet.settle(Duration.ZERO);
            prepare();
        }

        /** Brings the fleet into the state the benchmark starts from, and fills the reorder buffer. */
        abstract void prepare();

        /** The type of the measured events. */
        abstract EventType type();

        /** Moves {@link #cursor} on from the device that just had an event, back to the first after a round. */
        void advance() {
            cursor = cursor + 1 == round ? 0 : cursor + 1;
        }

        /**
         * Before a batch is prepared: where a round of the fleet ended (a round's measured part is whole batches), the
         * reset for the next round.
         */
        void beforeBatch() {
        }

        @Setup(Level.Invocation)
        public void nextBatch() {
            fleet.context.resetForwards();
            beforeBatch();
            for (int i = 0; i < BATCH; i++) {
                batch[i] = fleet.next(type(), cursor);
                advance();
            }
            // the processor takes the wall-clock time of a record from its context: about when the batch arrived
            fleet.context.setCurrentSystemTimeMs(batch[BATCH - 1].timestamp());
        }

        void processBatch() {
            DeviceStateProcessor processor = fleet.processor;
            for (Record<String, ReceivedEvent> record : batch) {
                processor.process(record);
            }
        }

        /** Feeds the first {@link DeviceFleet#lag} events of a round outside the measurement; returns the next device. */
        int fillBuffer(int roundLength) {
            // the measured part of a round is whole batches: every device has one event in every round
            int measured = (roundLength - fleet.lag()) / BATCH * BATCH;
            int first = roundLength - measured;
            fleet.feed(type(), 0, first);
            return first;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fleet.close();
        }
    }

    /** Every device online; Update location events round the fleet forever, nothing to reset. */
    public static class OnlineFleet extends EventStream {

        @Override
        void prepare() {
            round = devices;
            cursor = fillBuffer(devices);
        }

        @Override
        EventType type() {
            return EventTypes.UPDATE_LOCATION;
        }
    }

    /**
     * Every device offline: its last session ended and the offline window passed. After a round of creates, the
     * reset ends every session and lets the window pass, so that every offline fires.
     */
    public static class OfflineFleet extends EventStream {

        @Override
        void prepare() {
            round = devices / BATCH * BATCH;
            goOffline();
        }

        private void goOffline() {
            fleet.feed(EventTypes.DELETE_PDP_CONTEXT, 0, round);
            fleet.settle(fleet.timers.offlineWindow().plusSeconds(1));
            cursor = fillBuffer(round);
        }

        @Override
        EventType type() {
            return EventTypes.CREATE_PDP_CONTEXT;
        }

        @Override
        void beforeBatch() {
            if (cursor == 0) {
                goOffline();
            }
        }
    }

    /**
     * Every device online with a session open. After a round of deletes, the reset opens a new session on every device
     * within the offline window (a reconnect: the pending offline is cancelled, no presence change) and the clock
     * moves past those creates, so no offline fires: a round of deletes, the reset and the settling take about
     * 200 s of event time, less than the 5-minute window.
     */
    public static class ConnectedFleet extends EventStream {

        @Override
        void prepare() {
            round = devices / BATCH * BATCH;
            cursor = fillBuffer(round);
        }

        @Override
        EventType type() {
            return EventTypes.DELETE_PDP_CONTEXT;
        }

        @Override
        void beforeBatch() {
            if (cursor == 0) {
                fleet.feed(EventTypes.CREATE_PDP_CONTEXT, 0, round);
                fleet.settle(Duration.ZERO);
                cursor = fillBuffer(round);
            }
        }
    }

    /**
     * Every device's session ended within the last {@value DeviceFleet#PASS_SPAN_SECONDS} s: a pending offline each,
     * none due, and the last lateness bound's deletes still in the reorder buffer, not due either.
     */
    @State(Scope.Benchmark)
    public static class IdleFleet {

        @Param("100000")
        public int devices;

        DeviceFleet fleet;
        long wallClock;

        @Setup(Level.Trial)
        public void setUp() {
            fleet = new DeviceFleet(devices);
            fleet.feed(EventTypes.CREATE_PDP_CONTEXT, 0, devices);
            fleet.settle(Duration.ZERO);
            fleet.feed(EventTypes.DELETE_PDP_CONTEXT, 0, devices);
            // a second after the last record: the partition is busy, not idle (after the lateness bound with no record,
            // a tick would settle the clock and release the buffer: that is the settling's work, not a tick's)
            wallClock = fleet.lastRecordWallClock() + 1_000;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fleet.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void updateLocationOnline(OnlineFleet fleet) {
        fleet.processBatch();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void createPdpGoingOnline(OfflineFleet fleet) {
        fleet.processBatch();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void deletePdpPendingOffline(ConnectedFleet fleet) {
        fleet.processBatch();
    }

    @Benchmark
    public void tickNothingDue(IdleFleet fleet) {
        fleet.fleet.tick(fleet.wallClock);
    }
}
