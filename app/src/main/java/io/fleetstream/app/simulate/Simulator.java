package io.fleetstream.app.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Plays the emnify Data Streamer for a simulated fleet: runs the {@link TrafficGenerator} against a
 * simulated clock (start + speed × real time elapsed) and, every flush interval, POSTs what became due
 * to the webhook as JSON arrays of at most {@code batchSize} events.
 *
 * <p>Like the Data Streamer it never drops a batch the webhook did not acknowledge with 200: it retries
 * with capped, jittered exponential backoff, and later batches wait, so delivery order is kept. The
 * {@link DeliveryListener} sees each batch once it is acknowledged. One daemon thread does all of this;
 * {@link #close()} stops it promptly.
 */
public final class Simulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Simulator.class);
    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;
    /** While a batch keeps failing, every n-th failure is logged rather than each one. */
    private static final int LOG_EVERY_NTH_FAILURE = 10;

    private final SimulatorConfig config;
    private final DeliveryListener listener;
    private final TrafficGenerator generator;
    private final BatchPlanner planner;
    private final RetryBackoff backoff;
    private final Webhook webhook;
    /** Where usage records go; null when the events URL gives no usage path, and then none are produced. */
    private final Webhook usageWebhook;
    private final EventCatalog catalog = EventCatalog.standard();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final LongAdder eventsSent = new LongAdder();
    private final LongAdder usageRecordsSent = new LongAdder();
    private final LongAdder batchesSent = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final Map<EventCategory, LongAdder> eventsByCategory = new ConcurrentHashMap<>();
    private volatile Instant simulatedNow;
    private volatile boolean finished;
    private volatile boolean closing;
    private boolean started;

    public Simulator(SimulatorConfig config, DeliveryListener listener) {
        this.config = config;
        this.listener = listener;
        this.generator = new TrafficGenerator(config.traffic(), config.usageWebhook().isPresent(), new OutageLog());
        // delivery has its own random stream, so batching never changes which events are generated
        SplittableRandom deliveryRandom = new SplittableRandom(~config.traffic().seed());
        this.planner = new BatchPlanner(config.batchSize(), deliveryRandom.split());
        this.backoff = new RetryBackoff(config.retryInitialBackoff(), config.retryMaxBackoff(), deliveryRandom.split());
        this.webhook = new Webhook(config.webhook(), config.authorization(), config.requestTimeout());
        this.usageWebhook = config.usageWebhook()
                .map(uri -> new Webhook(uri, config.authorization(), config.requestTimeout()))
                .orElse(null);
        this.simulatedNow = config.traffic().start();
        this.thread = new Thread(this::run, "fleetstream-simulator");
        this.thread.setDaemon(true);
    }

    /** Starts posting; the simulated clock starts now. */
    public synchronized void start() {
        if (started || closing) {
            throw new IllegalStateException("a simulator runs once: it is already " + (closing ? "closed" : "running"));
        }
        started = true;
        log.info("simulating {} devices in {} organisation(s) from {} at {}x speed{}, posting to {}",
                generator.devices().size(), generator.organisations().size(), config.traffic().start(), config.speed(),
                config.duration().map(d -> " for " + d + " (simulated)").orElse(""), config.webhook());
        config.traffic().outage().ifPresent(outage -> {
            long onOperator = generator.devices().stream().filter(device -> device.network().equals(outage.operator())).count();
            if (onOperator == 0) {
                log.warn("carrier outage planned on {} (id {}), but none of the {} simulated devices is on it: it takes no "
                        + "device down; simulate more devices", outage.operator().name(), outage.operator().id(),
                        generator.devices().size());
            } else {
                log.info("carrier outage planned: {}, {} after the start (simulated); {} simulated devices are on it",
                        outage.describe(), CarrierOutage.readable(outage.after()), onOperator);
            }
        });
        if (usageWebhook == null) {
            log.info("no usage records: the webhook URL {} does not end in /events, so there is no usage path next to it",
                    config.webhook());
        } else {
            log.info("usage records of the data sessions go to {}", usageWebhook.uri());
        }
        thread.start();
    }

    /**
     * Waits until a run with a duration has delivered everything up to its end.
     *
     * @return true if it has; false on timeout, or if the simulator was closed first or has no duration
     */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && finished;
    }

    public SimulatorStats stats() {
        Map<EventCategory, Long> byCategory = new EnumMap<>(EventCategory.class);
        eventsByCategory.forEach((category, count) -> byCategory.put(category, count.sum()));
        return new SimulatorStats(simulatedNow, eventsSent.sum(), byCategory, batchesSent.sum(), retries.sum(), finished,
                usageRecordsSent.sum());
    }

    /** The simulated devices, for computing expectations. */
    public List<SimulatedDevice> devices() {
        return generator.devices();
    }

    public List<SimulatedOrganisation> organisations() {
        return generator.organisations();
    }

    /** Stops the thread, also in the middle of a POST or a backoff; a batch in flight is left unacknowledged. */
    @Override
    public void close() {
        boolean wasStarted;
        synchronized (this) {
            closing = true;
            wasStarted = started;
        }
        if (!wasStarted) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(CLOSE_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long realStart = System.nanoTime();
        long flushNanos = config.flushInterval().toNanos();
        long summaryNanos = config.summaryInterval().toNanos();
        long nextFlush = realStart;
        long nextSummary = realStart + summaryNanos;
        Optional<Instant> end = config.duration().map(config.traffic().start()::plus);
        try {
            while (!closing) {
                nextFlush += flushNanos;
                sleepUntil(nextFlush);
                Instant now = simulatedClock(realStart);
                boolean last = end.isPresent() && !now.isBefore(end.get());
                if (last) {
                    now = end.get();
                }
                simulatedNow = now;
                for (List<ObjectNode> batch : planner.plan(generator.advanceTo(now))) {
                    deliver(webhook, batch, this::acknowledged, "events");
                }
                if (usageWebhook != null) {
                    List<ObjectNode> usage = generator.usageUpTo(now);
                    for (int from = 0; from < usage.size(); from += config.batchSize()) {
                        deliver(usageWebhook, usage.subList(from, Math.min(usage.size(), from + config.batchSize())),
                                this::usageAcknowledged, "usage records");
                    }
                }
                if (last) {
                    finished = true;
                    logSummary();
                    return;
                }
                if (System.nanoTime() - nextSummary >= 0) {
                    logSummary();
                    nextSummary = System.nanoTime() + summaryNanos;
                }
                // after a long outage, resume the usual pace instead of flushing back to back to catch up
                nextFlush = Math.max(nextFlush, System.nanoTime() - flushNanos);
            }
        } catch (InterruptedException e) {
            // close() ends the run; the batch in flight stays unacknowledged, as with a paused stream
        } catch (RuntimeException e) {
            log.error("the simulator stopped: {}", e.toString(), e);
        } finally {
            stopped.countDown();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long remaining = nanoTime - System.nanoTime();
        if (remaining > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
    }

    private Instant simulatedClock(long realStart) {
        double elapsedMillis = (System.nanoTime() - realStart) / 1_000_000.0;
        return config.traffic().start().plusMillis((long) (elapsedMillis * config.speed()));
    }

    /**
     * Returns only once the webhook acknowledged the batch; the same bytes are sent on every attempt.
     * Events and usage records share the retry and backoff rules, as on the Data Streamer.
     */
    private void deliver(Webhook target, List<ObjectNode> batch, Consumer<List<ObjectNode>> onAcknowledged, String what)
            throws InterruptedException {
        byte[] body = serialise(batch);
        int attempt = 0;
        while (true) {
            if (closing) {
                throw new InterruptedException("the simulator is closing");
            }
            Optional<Duration> retryAfter = Optional.empty();
            String problem;
            try {
                Webhook.Answer answer = target.post(body);
                if (answer.acknowledged()) {
                    onAcknowledged.accept(batch);
                    return;
                }
                retryAfter = answer.retryAfter();
                problem = explain(answer.status());
            } catch (IOException e) {
                problem = "cannot reach it (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is it running at this address?";
            }
            if (attempt % LOG_EVERY_NTH_FAILURE == 0) {
                log.atWarn().addKeyValue(LogFields.EVENTS, batch.size())
                        .log("webhook {} did not acknowledge a batch of {} {} (attempt {}): {}. "
                                + "Retrying until it does; later batches wait.", target.uri(), batch.size(), what,
                                attempt + 1, problem);
            }
            retries.increment();
            Thread.sleep(backoff.delay(attempt++, retryAfter).toMillis());
        }
    }

    private static String explain(int status) {
        return switch (status) {
            case 401, 403 -> "it answered " + status + "; the Authorization value is missing or not the one it expects";
            case 413 -> "it answered 413; the batch is too large for it, lower the batch size";
            case 429 -> "it answered 429; it asks to slow down";
            case 503 -> "it answered 503; it is unavailable (e.g. Kafka cannot be reached)";
            default -> status >= 300 && status < 400
                    ? "it answered " + status + " (a redirect, which the Data Streamer does not follow); use the final URL"
                    : "it answered " + status + " instead of 200";
        };
    }

    private void acknowledged(List<ObjectNode> batch) {
        eventsSent.add(batch.size());
        batchesSent.increment();
        for (ObjectNode event : batch) {
            EventCategory category = catalog.categoryOf(event.path("event_type").path("id").asInt(-1));
            eventsByCategory.computeIfAbsent(category, key -> new LongAdder()).increment();
        }
        try {
            listener.acknowledged(Collections.unmodifiableList(batch));
        } catch (RuntimeException e) {
            log.error("the delivery listener failed on an acknowledged batch; the simulator carries on", e);
        }
    }

    private void usageAcknowledged(List<ObjectNode> batch) {
        usageRecordsSent.add(batch.size());
        try {
            listener.usageAcknowledged(Collections.unmodifiableList(batch));
        } catch (RuntimeException e) {
            log.error("the delivery listener failed on an acknowledged usage batch; the simulator carries on", e);
        }
    }

    private void logSummary() {
        SimulatorStats stats = stats();
        String categories = stats.eventsByCategory().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey().slug() + "=" + entry.getValue())
                .collect(Collectors.joining(" "));
        log.info("simulated time {}: {} events in {} batches and {} usage records acknowledged, {} retries{} [{}]",
                stats.simulatedNow(), stats.eventsSent(), stats.batchesSent(), stats.usageRecordsSent(), stats.retries(),
                stats.finished() ? ", finished" : "", categories);
    }

    /** One log line when the simulated outage starts and one when it ends, with how many devices it took. */
    private static final class OutageLog implements OutageListener {

        @Override
        public void started(CarrierOutage outage, Instant at, int devicesCovered, int sessionsDropped) {
            log.info("carrier outage started at {} (simulated): {}; {} of the {} devices it covers lose their data "
                            + "session now, and none opens one until {}", at, outage.describe(), sessionsDropped,
                    devicesCovered, at.plus(outage.duration()));
        }

        @Override
        public void ended(CarrierOutage outage, Instant at, int devicesToReconnect) {
            log.info("carrier outage ended at {} (simulated) on {} (id {}): {} devices reconnect within {}", at,
                    outage.operator().name(), outage.operator().id(), devicesToReconnect,
                    CarrierOutage.readable(CarrierOutage.RECONNECT_SPREAD));
        }
    }

    private static byte[] serialise(List<ObjectNode> batch) {
        try {
            return Json.mapper().writeValueAsBytes(batch);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a batch of simulated events as JSON", e);
        }
    }
}
