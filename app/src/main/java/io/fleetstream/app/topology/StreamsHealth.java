package io.fleetstream.app.topology;

import io.fleetstream.http.Health;
import io.fleetstream.topology.query.InstanceHealth;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The topology role's health, served on the query port.
 *
 * <p><b>Ready</b> ({@code /health/ready} 200) when all of these hold, else 503 with the first reason:
 * <ul>
 *   <li>{@code kafka_streams}: nothing is awaited (the written topics' schemas are resolved, see {@link OutputSchemas};
 *       no stream thread is paused waiting for the schema registry, see {@link RegistryOutage}), and Kafka Streams is
 *       RUNNING, or REBALANCING after it has been RUNNING: in a rebalance the tasks this instance keeps go on processing
 *       and it answers what it owns, so a rebalance that moves little does not take every instance out of service at
 *       once. Before its first RUNNING an instance is never ready.</li>
 *   <li>{@code restore}: at most {@code maxRestoreRecords} changelog records are left to restore into the stores of its
 *       active tasks ({@code --ready-max-restore-records}); an instance that took over tasks with much state is unready
 *       until it has nearly caught up, so a rolling restart waits for it before stopping the next instance.</li>
 * </ul>
 *
 * <p><b>Live</b> ({@code /health/live} 200) unless Kafka Streams has stopped for good: ERROR or PENDING_ERROR (a stream
 * thread failed in a way that is not a bad record nor the registry, and the instance shut its client down), or
 * NOT_RUNNING / PENDING_SHUTDOWN without this instance having been asked to close. Then it answers 503 and a
 * liveness probe restarts it; {@code topology} and {@code local} also exit non-zero by themselves.
 */
final class StreamsHealth implements InstanceHealth {

    /** The default of {@code --ready-max-restore-records}: about a second of restoring on a small instance. */
    static final long DEFAULT_MAX_RESTORE_RECORDS = 10_000;

    private final Supplier<KafkaStreams.State> state;
    private final LongSupplier restoreRemaining;
    private final long maxRestoreRecords;
    private final Supplier<Optional<String>> waitingFor;
    private volatile boolean everRunning;
    private volatile boolean closing;

    /**
     * @param state             Kafka Streams' state now
     * @param restoreRemaining  changelog records still to restore ({@link RestoreProgress#remaining})
     * @param maxRestoreRecords the most a ready instance may still have to restore
     * @param waitingFor        what Kafka Streams waits for before it can start or go on, if anything
     */
    StreamsHealth(Supplier<KafkaStreams.State> state, LongSupplier restoreRemaining, long maxRestoreRecords,
                  Supplier<Optional<String>> waitingFor) {
        this.state = Objects.requireNonNull(state, "state");
        this.restoreRemaining = Objects.requireNonNull(restoreRemaining, "restoreRemaining");
        if (maxRestoreRecords < 0) {
            throw new IllegalArgumentException("--ready-max-restore-records must be 0 or more, got " + maxRestoreRecords);
        }
        this.maxRestoreRecords = maxRestoreRecords;
        this.waitingFor = Objects.requireNonNull(waitingFor, "waitingFor");
    }

    /** Kafka Streams' state listener tells every change. */
    void stateChanged(KafkaStreams.State now) {
        if (now == KafkaStreams.State.RUNNING) {
            everRunning = true;
        }
    }

    /** The instance is being closed: Kafka Streams stopping is now expected. */
    void closing() {
        closing = true;
    }

    @Override
    public Health liveness() {
        KafkaStreams.State now = state.get();
        boolean failed = now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR
                || (!closing && (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.PENDING_SHUTDOWN));
        return Health.check("kafka_streams", !failed, "Kafka Streams is " + now + ": it stopped processing and will not "
                        + "resume by itself; see this instance's log for why, and restart it")
                .with("streams", now.name());
    }

    @Override
    public Health readiness() {
        KafkaStreams.State now = state.get();
        Optional<String> awaited = waitingFor.get();
        boolean processing = now == KafkaStreams.State.RUNNING || (now == KafkaStreams.State.REBALANCING && everRunning);
        long remaining = restoreRemaining.getAsLong();
        return Health.check("kafka_streams", processing && awaited.isEmpty(), awaited.orElse(
                        "Kafka Streams is " + now + ", not RUNNING" + (now == KafkaStreams.State.REBALANCING
                                ? " (it has not finished its first rebalance and restore yet)" : "")))
                .and("restore", remaining <= maxRestoreRecords, remaining + " changelog records are still to be restored"
                        + " into this instance's stores (ready at " + maxRestoreRecords
                        + " or fewer: --ready-max-restore-records)")
                .with("streams", now.name())
                .with("restore_remaining_records", Long.toString(remaining));
    }
}
