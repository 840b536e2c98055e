package io.fleetstream.app.topology;

import io.fleetstream.ingest.poller.Backoff;
import io.fleetstream.schemas.registry.SchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * What the running topology does when a stream thread cannot ask the Schema Registry.
 *
 * <p>The serializers keep the schema ids {@link OutputSchemas} resolved, and the raw decoder keeps every writer schema
 * it fetched, so a registry outage goes unnoticed while the raw topic holds only schema ids already seen. A record
 * with an id this instance has not fetched yet (after a restart, a rebalance, or a writer with a new schema version)
 * needs the registry; the decoder does not dead-letter it (the record is fine), it fails the stream thread. Left to
 * itself that stops Kafka Streams, and the instance would crash-loop under its supervisor for as long as the registry
 * is away. Instead Kafka Streams is paused, the failed thread replaced (its uncommitted work is dropped, so the
 * record is read again), the instance reports unready saying why, and once the registry answers again processing
 * resumes where it stopped: nothing is lost, skipped or dead-lettered. The instance is ready again once every stream
 * thread runs: the replacement joins the consumer group only after the group gave up the failed thread's membership,
 * which takes up to the group's session timeout ({@code session.timeout.ms}, 45 s by default) from the failure. Any
 * registry failure counts, a refused credential too: none is a record's fault, and the instance waits until the
 * registry answers it.
 */
final class RegistryOutage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryOutage.class);
    /** {@link ThreadMetadata#threadState()} of a stream thread that processes. */
    private static final String RUNNING_THREAD = "RUNNING";
    private static final Duration THREAD_CHECK = Duration.ofMillis(200);

    private final KafkaStreams streams;
    private final SchemaRegistry registry;
    private final Backoff backoff;
    private volatile String waitingFor;
    /** Threads failed because of the registry, ever: tells the watch that one failed again after it resumed. */
    private int failures;
    private Thread watch;
    private boolean closed;

    RegistryOutage(KafkaStreams streams, SchemaRegistry registry, Backoff backoff) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** The registry failure that ended a stream thread, if that is what ended it. */
    static Optional<SchemaRegistryException> causeOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry) {
                return Optional.of(registry);
            }
        }
        return Optional.empty();
    }

    /** Why the instance is not processing, while it waits for the registry. */
    Optional<String> waitingFor() {
        return Optional.ofNullable(waitingFor);
    }

    /**
     * A stream thread failed because of the registry: pauses Kafka Streams and watches the registry until it answers.
     * Called on the failing stream thread, which is then replaced.
     */
    synchronized void began(SchemaRegistryException failure) {
        failures++;
        waitingFor = "waiting for the schema registry: processing is paused because a stream thread could not ask it ("
                + failure.getMessage() + ")";
        if (closed) {
            return;
        }
        streams.pause();
        if (watch != null && watch.isAlive()) {
            return;
        }
        log.error("A stream thread could not ask the schema registry ({}). Kafka Streams is paused and this instance "
                + "stays unready (/health/ready answers 503) until the registry answers; then processing resumes from the "
                + "last commit, and no record is lost, skipped or dead-lettered meanwhile.", failure.getMessage());
        watch = new Thread(this::awaitRegistry, "fleetstream-registry-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * Asks the registry with backoff until it answers, resumes Kafka Streams, then waits until every stream thread runs
     * again: the replacement of the failed one joins the consumer group only once the group dropped the failed one's
     * membership, up to the session timeout after the failure. Should a thread fail again meanwhile, it starts over.
     */
    private void awaitRegistry() {
        int attempts = 0;
        try {
            while (true) {
                Thread.sleep(backoff.delay(++attempts).toMillis());
                if (!registryAnswers()) {
                    continue;
                }
                int resumedAfter;
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    resumedAfter = failures;
                    streams.resume();
                    waitingFor = "the schema registry answers again; processing resumes once the stream thread that"
                            + " replaces the failed one has joined the consumer group (at most the group's session timeout"
                            + " after the failure)";
                }
                log.info("the schema registry answers again after {} attempts: Kafka Streams resumes processing", attempts);
                while (true) {
                    Thread.sleep(THREAD_CHECK.toMillis());
                    synchronized (this) {
                        if (closed) {
                            return;
                        }
                        if (failures != resumedAfter) {
                            break;
                        }
                        if (everyThreadRuns()) {
                            waitingFor = null;
                            watch = null;
                            log.info("every stream thread runs again: this instance is ready");
                            return;
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean registryAnswers() {
        try {
            // any answer from the registry will do: the failed call itself is repeated by the record's thread
            registry.subjects();
            return true;
        } catch (SchemaRegistryException e) {
            log.debug("the schema registry still does not answer: {}", e.getMessage());
            return false;
        }
    }

    private boolean everyThreadRuns() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        Set<ThreadMetadata> threads = streams.metadataForLocalThreads();
        return !threads.isEmpty() && threads.stream().allMatch(t -> RUNNING_THREAD.equals(t.threadState()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watch != null) {
            watch.interrupt();
        }
    }

    /** Asks again after a quarter of a second, then settles at one request every 2.5 to 5 seconds. */
    static Backoff defaultBackoff() {
        return new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5), RandomGenerator.getDefault());
    }
}
