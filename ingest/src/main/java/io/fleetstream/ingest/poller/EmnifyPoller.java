package io.fleetstream.ingest.poller;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.publish.KafkaUnavailableException;
import io.fleetstream.ingest.publish.KeyedEvent;
import io.fleetstream.ingest.publish.PublishException;
import io.fleetstream.ingest.publish.PublishResult;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.emnify.ReadResult;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Pulls an organisation's events from emnify's REST API into the raw topic, as the one active poller among the
 * replicas that share its poller id.
 *
 * <p>While it holds the {@link PollerLease}, it fetches the windows the {@link WindowPlanner} gives, page by page
 * until {@code X-Total-Pages}; normalises every event with the same reader as the webhook ({@code source=API});
 * publishes each page and waits for Kafka's acknowledgement before asking for the next; and stores a checkpoint
 * after each window. Events already published inside the overlap (their ids are in the checkpoint) are not
 * published again; whatever duplicates remain, e.g. the same event from the webhook, the topology's dedupe on
 * event id removes. Events the reader rejects go to the dead-letter topic (stage {@value #STAGE}), once per id.
 *
 * <p>Failures never turn into a tight loop: 429 waits for {@code Retry-After} and slows the request rate; 5xx,
 * network errors, refused requests and Kafka outages back off exponentially with jitter; the page or checkpoint is
 * then tried again, so nothing is skipped. Losing the lease stops it within one request; the next holder resumes
 * from the last checkpoint.
 */
public final class EmnifyPoller implements AutoCloseable {

    /** The dead-letter stage of events the poller could not normalise. */
    public static final String STAGE = "ingest.poller";

    private static final Logger log = LoggerFactory.getLogger(EmnifyPoller.class);
    /** How long a replica without the lease waits for Kafka to assign it before checking again. */
    private static final Duration LEASE_WAIT = Duration.ofMillis(500);
    /** Waits are cut into slices this long, so a lost lease or a stop is noticed quickly. */
    private static final Duration SLICE = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    /** Where polled events go: in production {@link io.fleetstream.ingest.publish.EventPublisher#publish}. */
    @FunctionalInterface
    public interface EventSink {
        /** Returns once Kafka acknowledged every record. */
        PublishResult publish(List<KeyedEvent> events, List<DeadLetter> deadLetters) throws PublishException;
    }

    private final PollerConfig config;
    private final EmnifyClient client;
    private final EventSink sink;
    private final PollerLease lease;
    private final EmnifyEventReader reader;
    private final PollerMetrics metrics;
    private final Backoff backoff;
    private final Clock clock;
    private final WindowPlanner planner;
    private final Thread thread;
    private volatile boolean stopping;
    private boolean started;

    public EmnifyPoller(PollerConfig config, EmnifyClient client, EventSink sink, PollerLease lease,
                        EmnifyEventReader reader, PollerMetrics metrics, Backoff backoff, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.planner = WindowPlanner.of(config);
        this.thread = new Thread(this::run, "emnify-poller-" + config.pollerId());
        this.thread.setDaemon(true);
    }

    /** The poller with its HTTP client, rate limiter and backoff built from {@code config}. */
    public static EmnifyPoller create(PollerConfig config, EventSink sink, PollerLease lease, MeterRegistry meters,
                                      Clock clock) {
        PollerMetrics metrics = new PollerMetrics(meters, clock);
        EmnifyClient client = new EmnifyClient(config, EmnifyClient.httpClient(config.requestTimeout()),
                RateLimiter.systemTime(config.requestsPerSecond()), metrics, clock);
        return new EmnifyPoller(config, client, sink, lease, new EmnifyEventReader(), metrics,
                new Backoff(config.backoffBase(), config.backoffMax(), RandomGenerator.getDefault()), clock);
    }

    /** Starts competing for the lease and polling while it is held, on a thread of its own. */
    public synchronized EmnifyPoller start() {
        if (started) {
            throw new IllegalStateException("the poller is already started");
        }
        started = true;
        log.info("emnify poller starting: {}", config);
        thread.start();
        return this;
    }

    /** Stops polling, gives up the lease and waits for the thread to end. */
    @Override
    public synchronized void close() {
        stopping = true;
        if (!started) {
            lease.close();
            metrics.close();
            return;
        }
        thread.interrupt();
        try {
            thread.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("the emnify poller did not stop within {}", STOP_TIMEOUT);
        }
    }

    private void run() {
        int failures = 0;
        try {
            while (!stopping) {
                try {
                    if (lease.held(LEASE_WAIT)) {
                        failures = 0;
                        pollWhileHeld();
                    }
                } catch (LeaseLost e) {
                    metrics.active(false, null);
                } catch (InterruptedException e) {
                    break;
                } catch (RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    metrics.active(false, null);
                    Duration delay = backoff.delay(++failures);
                    log.warn("the emnify poller failed ({}): trying again in {}", summary(e), delay, e);
                    idle(delay);
                }
            }
        } finally {
            // Kafka's clients refuse to close cleanly on an interrupted thread, and closing is what hands the
            // lease to another replica at once
            Thread.interrupted();
            metrics.active(false, null);
            try {
                lease.close();
            } catch (RuntimeException e) {
                log.warn("error while giving up the poller lease: {}", summary(e));
            }
            metrics.close();
            log.info("emnify poller {} stopped", config.pollerId());
        }
    }

    private void pollWhileHeld() throws LeaseLost, InterruptedException {
        WindowPlanner.Start start = planner.start(lease.checkpoint(), clock.instant());
        PollerCheckpoint position = start.position();
        announce(start);
        metrics.active(true, position.windowEnd());
        boolean catchingUp = start.origin() != WindowPlanner.Origin.NOW;
        while (!stopping) {
            WindowPlanner.Step step = planner.next(position, clock.instant());
            if (step instanceof WindowPlanner.Wait wait) {
                if (catchingUp) {
                    catchingUp = false;
                    log.info("emnify poller {} caught up to {}: polling every {}", config.pollerId(),
                            position.windowEnd(), config.pollInterval());
                }
                pauseHolding(Duration.between(clock.instant(), wait.until()));
            } else if (step instanceof WindowPlanner.Fetch fetch) {
                position = fetchWindow(fetch, position);
                metrics.windowCompleted(position.windowEnd());
            }
        }
        throw new InterruptedException("stopping");
    }

    private void announce(WindowPlanner.Start start) {
        PollerCheckpoint position = start.position();
        switch (start.origin()) {
            case CHECKPOINT -> log.info("emnify poller {} resumes from its checkpoint: events after {} (reaching back {})",
                    config.pollerId(), position.windowEnd(), config.overlap());
            case CHECKPOINT_BEYOND_HISTORY -> log.warn("the checkpoint of emnify poller {} ({}) is older than emnify's"
                            + " 30 days of history: events before {} can no longer be fetched; resuming from there",
                    config.pollerId(), lease.checkpoint().map(PollerCheckpoint::windowEnd).orElse(null), position.windowEnd());
            case BACKFILL -> log.info("emnify poller {} has no checkpoint: backfilling from {} in windows of {}, then"
                    + " polling every {}", config.pollerId(), position.windowEnd(), config.windowSize(), config.pollInterval());
            case NOW -> log.info("emnify poller {} has no checkpoint and no backfill: fetching events from {} on, every {}"
                    + " (--backfill-since fetches older ones)", config.pollerId(), position.windowEnd(), config.pollInterval());
        }
    }

    /** Fetches, publishes and checkpoints one window; returns the new checkpoint. */
    private PollerCheckpoint fetchWindow(WindowPlanner.Fetch fetch, PollerCheckpoint position)
            throws LeaseLost, InterruptedException {
        PollWindow window = fetch.window();
        Set<Long> published = new HashSet<>(position.edgeIds());
        Set<Long> edge = new HashSet<>();
        Instant edgeFrom = window.until().minus(config.overlap());
        Tally tally = new Tally();
        int page = 1;
        int failures = 0;
        while (true) {
            ensureHeld();
            FetchResult result = client.fetch(window, page, config.pageSize());
            if (result instanceof FetchResult.Fetched fetched) {
                failures = 0;
                Batch batch = normalise(fetched.page(), published, edge, edgeFrom);
                tally.add(publish(batch, window, page), batch.duplicates());
                if (fetched.page().isLast(config.pageSize())) {
                    break;
                }
                page++;
            } else if (result instanceof FetchResult.RateLimited limited) {
                int attempt = ++failures;
                Duration delay = limited.retryAfter().orElseGet(() -> backoff.delay(attempt));
                log.warn("emnify answered 429 (too many requests) for page {} of {}: waiting {} as asked, then slower"
                        + " than {} requests/s for a while", page, window, delay, config.requestsPerSecond());
                pauseHolding(delay);
            } else if (result instanceof FetchResult.Unavailable unavailable) {
                Duration delay = backoff.delay(++failures);
                log.warn("{} (page {} of {}): trying again in {}", unavailable.reason(), page, window, delay);
                pauseHolding(delay);
            } else if (result instanceof FetchResult.Refused refused) {
                Duration delay = backoff.delay(++failures);
                log.error("{}; trying again in {}", refused.reason(), delay);
                pauseHolding(delay);
            }
        }
        PollerCheckpoint next = PollerCheckpoint.of(window.until(), edge);
        save(next);
        String summary = "{}: {} events published, {} already published, {} dead-lettered, {} pages";
        if (fetch.catchingUp()) {
            log.info("emnify poller {} caught up through " + summary, config.pollerId(), window, tally.events, tally.duplicates,
                    tally.deadLetters, page);
        } else {
            log.debug("emnify poller {} polled " + summary, config.pollerId(), window, tally.events, tally.duplicates,
                    tally.deadLetters, page);
        }
        return next;
    }

    private Batch normalise(EventPage page, Set<Long> published, Set<Long> edge, Instant edgeFrom) {
        Instant receivedAt = Instant.ofEpochMilli(clock.millis());
        List<KeyedEvent> events = new ArrayList<>(page.events().size());
        List<DeadLetter> deadLetters = new ArrayList<>();
        int duplicates = 0;
        for (RawEvent raw : page.events()) {
            ReadResult result = reader.read(raw.json(), IngestSource.API, receivedAt);
            if (result instanceof ReadResult.Accepted accepted) {
                EmnifyEvent event = accepted.event();
                if (!event.getTimestamp().isBefore(edgeFrom)) {
                    edge.add(event.getId());
                }
                if (published.add(event.getId())) {
                    events.add(KeyedEvent.of(event, STAGE, raw.original()));
                } else {
                    duplicates++;
                }
            } else if (result instanceof ReadResult.Rejected rejected) {
                // its time may be unreadable, so it counts as on the edge: once a window no longer lists it, it
                // drops out of the checkpoint
                Long id = idOf(raw);
                if (id != null) {
                    edge.add(id);
                    if (!published.add(id)) {
                        duplicates++;
                        continue;
                    }
                }
                deadLetters.add(DeadLetter.newBuilder()
                        .setStage(STAGE)
                        .setReason(rejected.reason())
                        .setOriginal(ByteBuffer.wrap(raw.original()))
                        .setAt(receivedAt)
                        .setSource(IngestSource.API.name())
                        .build());
            }
        }
        return new Batch(events, deadLetters, duplicates);
    }

    /** The id of an event the reader rejected, when it has a usable one: it is dead-lettered once, not per window. */
    private static Long idOf(RawEvent raw) {
        JsonNode id = raw.json().get("id");
        return id != null && id.isIntegralNumber() && id.canConvertToLong() ? id.longValue() : null;
    }

    /** What Kafka acknowledged: events Kafka refused as too large come back as dead letters. */
    private PublishResult publish(Batch batch, PollWindow window, int page) throws LeaseLost, InterruptedException {
        int failures = 0;
        while (true) {
            ensureHeld();
            try {
                PublishResult result = sink.publish(batch.events(), batch.deadLetters());
                metrics.events(result.events(), batch.duplicates(), result.deadLetters());
                return result;
            } catch (PublishException e) {
                Duration delay = backoff.delay(++failures);
                if (e.isTransient()) {
                    log.warn("could not publish page {} of {} ({} events): {}; trying again in {}", page, window,
                            batch.events().size(), e.getMessage(), delay);
                } else {
                    // no page is skipped: the poller waits until an operator fixes the registry or the configuration
                    log.error("could not publish page {} of {} ({} events), and retrying alone will not help: {};"
                            + " trying again in {}", page, window, batch.events().size(), e.getMessage(), delay);
                }
                pauseHolding(delay);
            }
        }
    }

    private void save(PollerCheckpoint checkpoint) throws LeaseLost, InterruptedException {
        int failures = 0;
        while (true) {
            ensureHeld();
            try {
                lease.save(checkpoint);
                return;
            } catch (KafkaUnavailableException e) {
                Duration delay = backoff.delay(++failures);
                log.warn("could not store the poller checkpoint at {}: {}; trying again in {}", checkpoint.windowEnd(),
                        e.getMessage(), delay);
                pauseHolding(delay);
            }
        }
    }

    private void ensureHeld() throws LeaseLost, InterruptedException {
        if (stopping) {
            throw new InterruptedException("stopping");
        }
        if (!lease.held(Duration.ZERO)) {
            throw new LeaseLost();
        }
    }

    /** Waits while keeping the lease alive; ends early when the lease is lost or the poller stops. */
    private void pauseHolding(Duration duration) throws LeaseLost, InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, duration.toNanos());
        while (true) {
            ensureHeld();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            long slice = Math.min(left, SLICE.toNanos());
            long sliceEnd = System.nanoTime() + slice;
            if (!lease.held(Duration.ofNanos(slice))) {
                throw new LeaseLost();
            }
            // the lease may answer before the slice is over; the rest of it is slept, never spun
            long rest = sliceEnd - System.nanoTime();
            if (rest > 0) {
                Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
            }
        }
    }

    /** Waits without the lease (after a failure outside a window). */
    private void idle(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            while (!stopping && System.nanoTime() < deadline) {
                Thread.sleep(Math.max(1, Math.min(SLICE.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    private static String summary(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The lease went to another replica (or this one left the group): stop this window, compete again. */
    private static final class LeaseLost extends Exception {
        LeaseLost() {
            super("the poller lease was lost", null, false, false);
        }
    }

    private record Batch(List<KeyedEvent> events, List<DeadLetter> deadLetters, int duplicates) {
    }

    private static final class Tally {
        private int events;
        private int duplicates;
        private int deadLetters;

        void add(PublishResult published, int duplicatesSkipped) {
            events += published.events();
            duplicates += duplicatesSkipped;
            deadLetters += published.deadLetters();
        }
    }
}
