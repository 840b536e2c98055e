package io.fleetstream.ingest.poller;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.normalise.Normaliser;
import io.fleetstream.ingest.publish.KafkaUnavailableException;
import io.fleetstream.ingest.publish.KeyedRecord;
import io.fleetstream.ingest.publish.RecordKind;
import io.fleetstream.ingest.publish.PublishException;
import io.fleetstream.ingest.publish.PublishResult;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.EventOrder;
import io.fleetstream.schemas.emnify.RawEvent;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Pulls an organisation's events from emnify's REST API into the raw topic, as the one active poller among the
 * replicas that share its poller id.
 *
 * <p>While it holds the {@link PollerLease}, it fetches the windows the {@link WindowPlanner} gives, page by page
 * until {@code X-Total-Pages}; normalises every event with the same reader as the webhook ({@code source=API});
 * once a window's pages are all in, publishes its events sorted by event time, then id, so every device's events
 * reach the raw topic in the order they happened (emnify pages by id, and does not say that ids follow time),
 * waiting for Kafka's acknowledgement of each chunk before sending the next; and stores a checkpoint after each
 * window. A window that lists more events than {@link PollerConfig#maxWindowEvents()} is fetched as shorter ones,
 * so memory stays bounded. Events already published inside the overlap (their ids are in the checkpoint) are not
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
        PublishResult publish(List<KeyedRecord<EmnifyEvent>> events, List<DeadLetter> deadLetters) throws PublishException;
    }

    private final PollerConfig config;
    private final EmnifyClient client;
    private final EventSink sink;
    private final PollerLease lease;
    private final Normaliser<EmnifyEvent> normaliser;
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
        this.normaliser = new Normaliser<>(reader, RecordKind.EVENT, STAGE, IngestSource.API);
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
            log.atWarn().addKeyValue(LogFields.POLLER_ID, config.pollerId())
                    .log("the emnify poller did not stop within {}", STOP_TIMEOUT);
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
                    log.atWarn().addKeyValue(LogFields.POLLER_ID, config.pollerId())
                            .addKeyValue(LogFields.RETRY_IN_MS, delay.toMillis()).setCause(e)
                            .log("the emnify poller failed ({}): trying again in {}", summary(e), delay);
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
                log.atWarn().addKeyValue(LogFields.POLLER_ID, config.pollerId())
                        .log("error while giving up the poller lease: {}", summary(e));
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
            case CHECKPOINT_BEYOND_HISTORY -> log.atWarn().addKeyValue(LogFields.POLLER_ID, config.pollerId())
                    .log("the checkpoint of emnify poller {} ({}) is older than emnify's"
                            + " 30 days of history: events before {} can no longer be fetched; resuming from there",
                    config.pollerId(), lease.checkpoint().map(PollerCheckpoint::windowEnd).orElse(null), position.windowEnd());
            case BACKFILL -> log.info("emnify poller {} has no checkpoint: backfilling from {} in windows of {}, then"
                    + " polling every {}", config.pollerId(), position.windowEnd(), config.windowSize(), config.pollInterval());
            case NOW -> log.info("emnify poller {} has no checkpoint and no backfill: fetching events from {} on, every {}"
                    + " (--backfill-since fetches older ones)", config.pollerId(), position.windowEnd(), config.pollInterval());
        }
    }

    /**
     * Fetches, publishes and checkpoints one window; returns the new checkpoint. A window that lists more events
     * than {@link PollerConfig#maxWindowEvents()} is fetched as shorter windows, one after the other, so no more
     * than that many events are held at a time.
     */
    private PollerCheckpoint fetchWindow(WindowPlanner.Fetch fetch, PollerCheckpoint position)
            throws LeaseLost, InterruptedException {
        PollWindow window = fetch.window();
        Set<Long> published = new HashSet<>(position.edgeIds());
        Set<Long> edge = new HashSet<>();
        Instant edgeFrom = window.until().minus(config.overlap());
        Tally tally = new Tally();
        Deque<PollWindow> parts = new ArrayDeque<>(List.of(window));
        while (!parts.isEmpty()) {
            PollWindow part = parts.pop();
            Optional<Batch> batch = collect(part, published, edgeFrom, tally);
            if (batch.isEmpty()) {
                List<PollWindow> shorter = part.split((int) Math.min(Integer.MAX_VALUE,
                        tally.lastListed / config.maxWindowEvents() + 1));
                log.info("{} lists about {} events, more than the {} held at a time: fetching it as {} shorter windows",
                        part, tally.lastListed, config.maxWindowEvents(), shorter.size());
                for (int i = shorter.size() - 1; i >= 0; i--) {
                    parts.push(shorter.get(i));
                }
                continue;
            }
            publish(batch.get(), part, tally);
            published.addAll(batch.get().ids());
            edge.addAll(batch.get().edge());
        }
        PollerCheckpoint next = PollerCheckpoint.of(window.until(), edge);
        save(next);
        String summary = "{}: {} events published, {} already published, {} dead-lettered, {} pages";
        if (fetch.catchingUp()) {
            log.info("emnify poller {} caught up through " + summary, config.pollerId(), window, tally.events, tally.duplicates,
                    tally.deadLetters, tally.pages);
        } else {
            log.debug("emnify poller {} polled " + summary, config.pollerId(), window, tally.events, tally.duplicates,
                    tally.deadLetters, tally.pages);
        }
        return next;
    }

    /**
     * Every page of one window, normalised, its events sorted by event time then id ({@link EventOrder}), so that
     * each device's events are published in the order they happened whatever order emnify lists them in. Empty
     * when the window lists more events than are held at a time and can still be split ({@code tally.lastListed}
     * then says about how many it lists); a window too short to split is collected whole.
     */
    private Optional<Batch> collect(PollWindow window, Set<Long> published, Instant edgeFrom, Tally tally)
            throws LeaseLost, InterruptedException {
        Batch batch = new Batch();
        int page = 1;
        int failures = 0;
        while (true) {
            ensureHeld();
            FetchResult result = client.fetch(window, page, config.pageSize());
            if (result instanceof FetchResult.Fetched fetched) {
                failures = 0;
                tally.pages++;
                EventPage events = fetched.page();
                long listed = page == 1 && events.totalPages().isPresent()
                        ? (long) events.totalPages().getAsInt() * events.events().size()
                        : batch.size() + events.events().size();
                if (listed > config.maxWindowEvents() && window.splittable()) {
                    tally.lastListed = listed;
                    return Optional.empty();
                }
                normalise(events, published, edgeFrom, batch);
                if (events.isLast(config.pageSize())) {
                    break;
                }
                page++;
            } else if (result instanceof FetchResult.RateLimited limited) {
                int attempt = ++failures;
                Duration delay = limited.retryAfter().orElseGet(() -> backoff.delay(attempt));
                log.atWarn().addKeyValue(LogFields.POLLER_ID, config.pollerId()).addKeyValue(LogFields.WINDOW, String.valueOf(window))
                        .addKeyValue(LogFields.STATUS, 429).addKeyValue(LogFields.RETRY_IN_MS, delay.toMillis())
                        .log("emnify answered 429 (too many requests) for page {} of {}: waiting {} as asked, then slower"
                                + " than {} requests/s for a while", page, window, delay, config.requestsPerSecond());
                pauseHolding(delay);
            } else if (result instanceof FetchResult.Unavailable unavailable) {
                Duration delay = backoff.delay(++failures);
                log.atWarn().addKeyValue(LogFields.POLLER_ID, config.pollerId()).addKeyValue(LogFields.WINDOW, String.valueOf(window))
                        .addKeyValue(LogFields.RETRY_IN_MS, delay.toMillis())
                        .log("{} (page {} of {}): trying again in {}", unavailable.reason(), page, window, delay);
                pauseHolding(delay);
            } else if (result instanceof FetchResult.Refused refused) {
                Duration delay = backoff.delay(++failures);
                log.atError().addKeyValue(LogFields.POLLER_ID, config.pollerId()).addKeyValue(LogFields.WINDOW, String.valueOf(window))
                        .addKeyValue(LogFields.RETRY_IN_MS, delay.toMillis())
                        .log("{}; trying again in {}", refused.reason(), delay);
                pauseHolding(delay);
            }
        }
        batch.accepted().sort(Comparator.comparing(KeyedRecord::record, EventOrder.EVENT_TIME_THEN_ID));
        return Optional.of(batch);
    }

    /**
     * Adds a page's events to the batch: those not published yet (by id), and dead letters for those rejected;
     * and the ids of those listed from {@code edgeFrom} on, published before or not, to the batch's edge.
     */
    private void normalise(EventPage page, Set<Long> published, Instant edgeFrom, Batch batch) {
        Instant receivedAt = Instant.ofEpochMilli(clock.millis());
        for (RawEvent raw : page.events()) {
            Normaliser.Normalised<EmnifyEvent> normalised = normaliser.normalise(raw, receivedAt);
            if (normalised instanceof Normaliser.Keyed<EmnifyEvent> keyed) {
                EmnifyEvent event = keyed.record().record();
                if (!event.getTimestamp().isBefore(edgeFrom)) {
                    batch.edge().add(event.getId());
                }
                if (published.contains(event.getId()) || !batch.ids().add(event.getId())) {
                    batch.duplicate();
                } else {
                    batch.accepted().add(keyed.record());
                }
            } else if (normalised instanceof Normaliser.DeadLettered<EmnifyEvent> rejected) {
                // its time may be unreadable, so it counts as on the edge: once a window no longer lists it, it
                // drops out of the checkpoint
                Long id = idOf(raw);
                if (id != null) {
                    batch.edge().add(id);
                    if (published.contains(id) || !batch.ids().add(id)) {
                        batch.duplicate();
                        continue;
                    }
                }
                batch.deadLetters().add(rejected.deadLetter());
            }
        }
    }

    /** The id of an event the reader rejected, when it has a usable one: it is dead-lettered once, not per window. */
    private static Long idOf(RawEvent raw) {
        JsonNode id = raw.json().get("id");
        return id != null && id.isIntegralNumber() && id.canConvertToLong() ? id.longValue() : null;
    }

    /**
     * Publishes a window's batch in its order, a page's worth of records at a time, each acknowledged by Kafka
     * before the next is sent; the dead letters go with the first. Events Kafka refused as too large come back
     * as dead letters in what it acknowledged.
     */
    private void publish(Batch batch, PollWindow window, Tally tally) throws LeaseLost, InterruptedException {
        List<KeyedRecord<EmnifyEvent>> events = batch.accepted();
        int chunk = config.pageSize();
        for (int from = 0; from == 0 || from < events.size(); from += chunk) {
            List<KeyedRecord<EmnifyEvent>> records = events.subList(from, Math.min(events.size(), from + chunk));
            List<DeadLetter> deadLetters = from == 0 ? batch.deadLetters() : List.of();
            if (!records.isEmpty() || !deadLetters.isEmpty()) {
                PublishResult result = publish(records, deadLetters, window);
                tally.events += result.events();
                tally.deadLetters += result.deadLetters();
            }
        }
        tally.duplicates += batch.duplicates;
        metrics.events(0, batch.duplicates, 0);
    }

    private PublishResult publish(List<KeyedRecord<EmnifyEvent>> events, List<DeadLetter> deadLetters, PollWindow window)
            throws LeaseLost, InterruptedException {
        int failures = 0;
        while (true) {
            ensureHeld();
            try {
                PublishResult result = sink.publish(events, deadLetters);
                metrics.events(result.events(), 0, result.deadLetters());
                return result;
            } catch (PublishException e) {
                Duration delay = backoff.delay(++failures);
                if (e.isTransient()) {
                    log.atWarn().addKeyValue(LogFields.POLLER_ID, config.pollerId()).addKeyValue(LogFields.WINDOW, String.valueOf(window))
                            .addKeyValue(LogFields.EVENTS, events.size()).addKeyValue(LogFields.RETRY_IN_MS, delay.toMillis())
                            .log("could not publish {} events of {}: {}; trying again in {}", events.size(), window,
                                    e.getMessage(), delay);
                } else {
                    // nothing is skipped: the poller waits until an operator fixes the registry or the configuration
                    log.atError().addKeyValue(LogFields.POLLER_ID, config.pollerId()).addKeyValue(LogFields.WINDOW, String.valueOf(window))
                            .addKeyValue(LogFields.EVENTS, events.size()).addKeyValue(LogFields.RETRY_IN_MS, delay.toMillis())
                            .log("could not publish {} events of {}, and retrying alone will not help: {}; trying again"
                                    + " in {}", events.size(), window, e.getMessage(), delay);
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
                log.atWarn().addKeyValue(LogFields.POLLER_ID, config.pollerId())
                        .addKeyValue(LogFields.RETRY_IN_MS, delay.toMillis())
                        .log("could not store the poller checkpoint at {}: {}; trying again in {}", checkpoint.windowEnd(),
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

    /** One window's events, not published yet. */
    private static final class Batch {
        private final List<KeyedRecord<EmnifyEvent>> accepted = new ArrayList<>();
        private final List<DeadLetter> deadLetters = new ArrayList<>();
        /** the ids of the events in it, accepted or dead-lettered */
        private final Set<Long> ids = new HashSet<>();
        /** the ids of the events listed inside the window's last overlap, published before or not */
        private final Set<Long> edge = new HashSet<>();
        private int duplicates;

        List<KeyedRecord<EmnifyEvent>> accepted() {
            return accepted;
        }

        List<DeadLetter> deadLetters() {
            return deadLetters;
        }

        Set<Long> ids() {
            return ids;
        }

        Set<Long> edge() {
            return edge;
        }

        void duplicate() {
            duplicates++;
        }

        int size() {
            return accepted.size() + deadLetters.size();
        }
    }

    private static final class Tally {
        private int events;
        private int duplicates;
        private int deadLetters;
        private int pages;
        /** how many events the last window too long to hold listed */
        private long lastListed;
    }
}
