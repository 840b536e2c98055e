package io.fleetstream.app.simulate;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the {@link Simulator} needs, in one immutable value.
 *
 * @param traffic             the fleet and its traffic (devices, seed, simulated start, drift, duplicates, quota shares)
 * @param speed               simulated seconds per real second; 60 makes the 5-minute offline rule play out in 5 s
 * @param duration            simulated time after which the run ends (everything due by then is delivered);
 *                            empty to run until closed
 * @param webhook             where batches are POSTed, e.g. {@code http://localhost:8080/v1/events}
 * @param authorization       the exact {@code Authorization} header value to send, if the webhook wants one;
 *                            never logged
 * @param batchSize           most events per POST (the Data Streamer allows 1–10,000)
 * @param flushInterval       how often (real time) what became due is posted
 * @param retryInitialBackoff first wait after a batch was not acknowledged; doubles per attempt
 * @param retryMaxBackoff     longest wait between two attempts, also for a longer {@code Retry-After}
 * @param requestTimeout      how long one POST may take before it counts as failed
 * @param summaryInterval     how often (real time) a one-line summary is logged
 */
public record SimulatorConfig(
        TrafficProfile traffic,
        double speed,
        Optional<Duration> duration,
        URI webhook,
        Optional<String> authorization,
        int batchSize,
        Duration flushInterval,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        Duration requestTimeout,
        Duration summaryInterval) {

    public static final double DEFAULT_SPEED = 60;
    public static final int DEFAULT_BATCH_SIZE = 500;
    public static final int MAX_BATCH_SIZE = 10_000;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

    public SimulatorConfig {
        Objects.requireNonNull(traffic, "traffic");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(authorization, "authorization");
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a positive number of simulated seconds per real second "
                    + "(1 = real time, 60 = a simulated minute per second), got " + speed);
        }
        duration.ifPresent(d -> requirePositive("duration", d));
        String scheme = webhook.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("the webhook must be an http:// or https:// URL such as "
                    + "http://localhost:8080/v1/events, got '" + webhook + "'");
        }
        if (webhook.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the webhook URL must not carry credentials; "
                    + "pass them as the Authorization value instead");
        }
        if (authorization.isPresent() && authorization.get().isBlank()) {
            throw new IllegalArgumentException("the Authorization value is blank; leave it out or give the full "
                    + "header value, e.g. 'Bearer <token>'");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be between 1 and " + MAX_BATCH_SIZE
                    + " events (the Data Streamer's range), got " + batchSize);
        }
        requirePositive("flush interval", flushInterval);
        requirePositive("initial retry backoff", retryInitialBackoff);
        requirePositive("maximum retry backoff", retryMaxBackoff);
        if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
            throw new IllegalArgumentException("the maximum retry backoff (" + retryMaxBackoff
                    + ") must not be shorter than the initial one (" + retryInitialBackoff + ")");
        }
        requirePositive("request timeout", requestTimeout);
        requirePositive("summary interval", summaryInterval);
    }

    /**
     * Defaults: the given fleet size and seed starting now, at speed 60, batches of up to 500 every
     * second, retries from 250 ms up to 30 s, a summary every 10 s, no Authorization header, no end.
     */
    public static SimulatorConfig defaults(URI webhook, int devices, long seed) {
        return new SimulatorConfig(TrafficProfile.of(devices, seed, Instant.now()), DEFAULT_SPEED, Optional.empty(),
                webhook, Optional.empty(), DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL, Duration.ofMillis(250),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    public SimulatorConfig withTraffic(TrafficProfile newTraffic) {
        return new SimulatorConfig(newTraffic, speed, duration, webhook, authorization, batchSize, flushInterval,
                retryInitialBackoff, retryMaxBackoff, requestTimeout, summaryInterval);
    }

    public SimulatorConfig withSpeed(double newSpeed) {
        return new SimulatorConfig(traffic, newSpeed, duration, webhook, authorization, batchSize, flushInterval,
                retryInitialBackoff, retryMaxBackoff, requestTimeout, summaryInterval);
    }

    public SimulatorConfig withDuration(Duration simulated) {
        return new SimulatorConfig(traffic, speed, Optional.of(simulated), webhook, authorization, batchSize,
                flushInterval, retryInitialBackoff, retryMaxBackoff, requestTimeout, summaryInterval);
    }

    public SimulatorConfig withAuthorization(String headerValue) {
        return new SimulatorConfig(traffic, speed, duration, webhook, Optional.of(headerValue), batchSize,
                flushInterval, retryInitialBackoff, retryMaxBackoff, requestTimeout, summaryInterval);
    }

    public SimulatorConfig withBatchSize(int newBatchSize) {
        return new SimulatorConfig(traffic, speed, duration, webhook, authorization, newBatchSize, flushInterval,
                retryInitialBackoff, retryMaxBackoff, requestTimeout, summaryInterval);
    }

    public SimulatorConfig withFlushInterval(Duration interval) {
        return new SimulatorConfig(traffic, speed, duration, webhook, authorization, batchSize, interval,
                retryInitialBackoff, retryMaxBackoff, requestTimeout, summaryInterval);
    }

    public SimulatorConfig withRetryBackoff(Duration initial, Duration max) {
        return new SimulatorConfig(traffic, speed, duration, webhook, authorization, batchSize, flushInterval,
                initial, max, requestTimeout, summaryInterval);
    }

    public SimulatorConfig withSummaryInterval(Duration interval) {
        return new SimulatorConfig(traffic, speed, duration, webhook, authorization, batchSize, flushInterval,
                retryInitialBackoff, retryMaxBackoff, requestTimeout, interval);
    }

    /**
     * Where usage records are POSTed: the events URL with its last path segment {@code events} replaced by
     * {@code usage} (e.g. {@code http://localhost:8080/v1/events} → {@code http://localhost:8080/v1/usage}),
     * query kept; empty when the events URL does not end in {@code /events}, and then no usage records are sent.
     */
    public Optional<URI> usageWebhook() {
        String path = webhook.getRawPath();
        if (path == null || !path.endsWith("/events")) {
            return Optional.empty();
        }
        String usagePath = path.substring(0, path.length() - "events".length()) + "usage";
        String query = webhook.getRawQuery();
        return Optional.of(URI.create(webhook.getScheme() + "://" + webhook.getRawAuthority() + usagePath
                + (query == null ? "" : "?" + query)));
    }

    /** Like the generated one, but the Authorization value is never shown. */
    @Override
    public String toString() {
        return "SimulatorConfig[traffic=" + traffic + ", speed=" + speed + ", duration=" + duration
                + ", webhook=" + webhook + ", authorization=" + authorization.map(value -> "(set)").orElse("(none)")
                + ", batchSize=" + batchSize + ", flushInterval=" + flushInterval
                + ", retryInitialBackoff=" + retryInitialBackoff + ", retryMaxBackoff=" + retryMaxBackoff
                + ", requestTimeout=" + requestTimeout + ", summaryInterval=" + summaryInterval + "]";
    }

    private static void requirePositive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be positive, got " + value);
        }
    }
}
