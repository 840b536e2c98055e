package io.fleetstream.ingest.poller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The poller's meters: requests to emnify by call and outcome, events pulled, duplicates skipped and dead letters,
 * how far the last acknowledged window lags behind now, when a window last succeeded, and whether this replica is
 * the active poller. No meter carries the token, the JWT or an event's content. Names as Prometheus scrapes them:
 * {@code fleetstream_ingest_poller_requests_total{call,outcome}}, {@code fleetstream_ingest_poller_events_pulled_total},
 * {@code fleetstream_ingest_poller_events_duplicate_total}, {@code fleetstream_ingest_poller_events_dead_lettered_total},
 * {@code fleetstream_ingest_poller_lag_seconds}, {@code fleetstream_ingest_poller_last_success_seconds} and
 * {@code fleetstream_ingest_poller_active}.
 */
public final class PollerMetrics implements AutoCloseable {

    public static final String REQUESTS = "fleetstream.ingest.poller.requests";
    public static final String EVENTS_PULLED = "fleetstream.ingest.poller.events.pulled";
    public static final String EVENTS_DUPLICATE = "fleetstream.ingest.poller.events.duplicate";
    public static final String EVENTS_DEAD_LETTERED = "fleetstream.ingest.poller.events.dead.lettered";
    public static final String LAG = "fleetstream.ingest.poller.lag";
    public static final String LAST_SUCCESS = "fleetstream.ingest.poller.last.success";
    public static final String ACTIVE = "fleetstream.ingest.poller.active";

    /** Which emnify endpoint a request went to; the tag value is the lower-case name. */
    public enum Call { AUTHENTICATE, EVENTS }

    /** How a request ended; the tag value is the lower-case name. */
    public enum Outcome { OK, UNAUTHORIZED, RATE_LIMITED, SERVER_ERROR, NETWORK_ERROR, REFUSED }

    private final MeterRegistry registry;
    private final Clock clock;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<Call, Map<Outcome, Counter>> requests = new EnumMap<>(Call.class);
    private final Counter pulled;
    private final Counter duplicates;
    private final Counter deadLettered;
    private volatile Instant windowEnd;
    private volatile Instant lastSuccess;
    private volatile boolean active;

    public PollerMetrics(MeterRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (Call call : Call.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, keep(Counter.builder(REQUESTS)
                        .description("requests to emnify's REST API, by endpoint and how they ended")
                        .tag("call", call.name().toLowerCase(Locale.ROOT))
                        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .register(registry)));
            }
            requests.put(call, byOutcome);
        }
        // no base unit on the counters: Prometheus' naming would repeat it ("..._events_pulled_events_total")
        pulled = keep(Counter.builder(EVENTS_PULLED)
                .description("events fetched from emnify and acknowledged on the raw topic")
                .register(registry));
        duplicates = keep(Counter.builder(EVENTS_DUPLICATE)
                .description("events fetched again inside the overlap and not published a second time")
                .register(registry));
        deadLettered = keep(Counter.builder(EVENTS_DEAD_LETTERED)
                .description("fetched events that could not be normalised, acknowledged on the dead-letter topic")
                .register(registry));
        keep(Gauge.builder(LAG, this, PollerMetrics::lagSeconds)
                .description("how far the end of the last acknowledged window is behind now; NaN when not the active poller")
                .baseUnit("seconds")
                .register(registry));
        keep(Gauge.builder(LAST_SUCCESS, this, PollerMetrics::lastSuccessEpochSeconds)
                .description("when a window was last fetched and acknowledged (epoch seconds); NaN before the first")
                .baseUnit("seconds")
                .register(registry));
        keep(Gauge.builder(ACTIVE, this, m -> m.active ? 1 : 0)
                .description("1 when this replica is the organisation's active poller, else 0")
                .register(registry));
    }

    /** Removes this poller's meters, so a poller started later in the same process reports its own values. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    void request(Call call, Outcome outcome) {
        requests.get(call).get(outcome).increment();
    }

    void events(int published, int duplicate, int deadLetters) {
        pulled.increment(published);
        duplicates.increment(duplicate);
        deadLettered.increment(deadLetters);
    }

    /** A window up to {@code end} was acknowledged. */
    void windowCompleted(Instant end) {
        windowEnd = end;
        lastSuccess = clock.instant();
    }

    /** This replica became the active poller, resuming at {@code position}, or stopped being it. */
    void active(boolean isActive, Instant position) {
        active = isActive;
        windowEnd = isActive ? position : null;
    }

    private double lagSeconds() {
        Instant end = windowEnd;
        if (!active || end == null) {
            return Double.NaN;
        }
        return Math.max(0, clock.millis() - end.toEpochMilli()) / 1000.0;
    }

    private double lastSuccessEpochSeconds() {
        Instant at = lastSuccess;
        return at == null ? Double.NaN : at.toEpochMilli() / 1000.0;
    }
}
