package io.fleetstream.ingest.publish;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Whether ingest can currently reach what it publishes through (Kafka, the schema registry), for a readiness probe. A successful probe counts for
 * {@code freshFor}; after that the next question runs the probe again. The probe (a metadata fetch) can
 * block for the producer's {@code max.block.ms}, so it runs on its own thread and a question waits at most
 * {@code probeWait} for it; at most one probe runs at a time.
 */
public final class ClusterReadiness implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterReadiness.class);

    private final String dependency;
    private final BooleanSupplier probe;
    private final Clock clock;
    private final Duration freshFor;
    private final Duration probeWait;
    private final ExecutorService prober = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ingest-readiness-probe");
        thread.setDaemon(true);
        return thread;
    });

    private Instant lastSuccess;
    private CompletableFuture<Boolean> running;
    private Boolean lastOutcome;

    /** Readiness to reach Kafka. */
    public ClusterReadiness(BooleanSupplier probe, Clock clock, Duration freshFor, Duration probeWait) {
        this("Kafka", probe, clock, freshFor, probeWait);
    }

    /** @param dependency what the probe reaches, named for the log ("Kafka", "the schema registry") */
    public ClusterReadiness(String dependency, BooleanSupplier probe, Clock clock, Duration freshFor, Duration probeWait) {
        this.dependency = Objects.requireNonNull(dependency, "dependency");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.freshFor = Objects.requireNonNull(freshFor, "freshFor");
        this.probeWait = Objects.requireNonNull(probeWait, "probeWait");
    }

    public boolean isReady() {
        CompletableFuture<Boolean> outcome;
        synchronized (this) {
            if (lastSuccess != null && clock.instant().isBefore(lastSuccess.plus(freshFor))) {
                return true;
            }
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(this::runProbe, prober);
            }
            outcome = running;
        }
        try {
            return outcome.get(probeWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean runProbe() {
        boolean reached;
        try {
            reached = probe.getAsBoolean();
        } catch (RuntimeException e) {
            reached = false;
        }
        synchronized (this) {
            if (reached) {
                lastSuccess = clock.instant();
            }
            if (lastOutcome == null || lastOutcome != reached) {
                // log changes only: a probe runs every few seconds
                if (reached) {
                    log.info("{} answers: ingest can publish through it", dependency);
                } else {
                    log.warn("{} does not answer: ingest reports not ready until it does", dependency);
                }
                lastOutcome = reached;
            }
        }
        return reached;
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
