package io.fleetstream.ingest.poller;

import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Configuration of the emnify REST API poller.
 *
 * @param baseUrl           emnify's API, {@value #DEFAULT_BASE_URL} in production; paths {@code /api/v1/...} are
 *                          appended
 * @param token             the application token exchanged for JWTs; never logged
 * @param pollerId          the identity of this poller: replicas with the same id elect one active poller, and its
 *                          checkpoint is stored under it
 * @param pollInterval      how often a caught-up poller fetches new events
 * @param pageSize          {@code per_page}; emnify caps it silently, paging follows {@code X-Total-Pages} anyway
 * @param overlap           how far each window reaches back before the previous one's end, for late events
 * @param windowSize        the longest window; backfills and catch-ups proceed in windows of this size
 * @param requestsPerSecond the most requests per second sent to emnify (authentication included)
 * @param backfill          where a poller without a checkpoint starts; empty: at the time it starts
 * @param requestTimeout    how long one HTTP request may take
 * @param backoffBase       the first delay after a failed request; doubled with every further failure
 * @param backoffMax        the longest delay between retries
 * @param maxWindowEvents   the most events of one window held in memory before they are published: a window
 *                          that lists more is fetched as several shorter ones
 */
public record PollerConfig(URI baseUrl, ApplicationToken token, String pollerId, Duration pollInterval, int pageSize,
                           Duration overlap, Duration windowSize, double requestsPerSecond,
                           Optional<BackfillStart> backfill, Duration requestTimeout, Duration backoffBase,
                           Duration backoffMax, int maxWindowEvents) {

    public static final String DEFAULT_BASE_URL = "https://cdn.emnify.net";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(30);
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final Duration DEFAULT_OVERLAP = Duration.ofMinutes(2);
    public static final Duration DEFAULT_WINDOW_SIZE = Duration.ofHours(1);
    /** Half of emnify's ~10 requests/s on event listing, and under its ~2,000 requests per 5 minutes per IP. */
    public static final double DEFAULT_REQUESTS_PER_SECOND = 5;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(5);
    /** Normalised events take a few KB each: this keeps a window's events to a few tens of MB. */
    public static final int DEFAULT_MAX_WINDOW_EVENTS = 10_000;

    /** emnify lists events at about 10 requests/s; more would only earn 429s. */
    public static final double MAX_REQUESTS_PER_SECOND = 10;
    public static final int MAX_PAGE_SIZE = 1000;

    private static final Pattern POLLER_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public PollerConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(pollerId, "pollerId");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(overlap, "overlap");
        Objects.requireNonNull(windowSize, "windowSize");
        Objects.requireNonNull(backfill, "backfill");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        String shown = HttpSchemaRegistryClient.withoutCredentials(baseUrl.toString());
        if (!("https".equals(baseUrl.getScheme()) || "http".equals(baseUrl.getScheme())) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("emnify URL " + shown + " is not an http(s) URL; use e.g. " + DEFAULT_BASE_URL);
        }
        if (baseUrl.getRawUserInfo() != null) {
            // emnify authenticates the application token, never a URL's user:password; refused, so it is never printed
            throw new IllegalArgumentException("emnify URL " + shown + " must not carry user:password@: the application"
                    + " token (--emnify-token) is what emnify authenticates");
        }
        if (!POLLER_ID.matcher(pollerId).matches()) {
            throw new IllegalArgumentException("poller id '" + pollerId + "' must be 1-100 letters, digits, '.', '_' or '-'"
                    + " (it names a consumer group and a checkpoint key), e.g. the organisation id");
        }
        if (pollInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("poll interval must be at least 100ms, got " + pollInterval);
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be 1-" + MAX_PAGE_SIZE + ", got " + pageSize);
        }
        if (overlap.isNegative() || overlap.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("overlap must be between 0 and 1 day, got " + overlap);
        }
        if (windowSize.compareTo(Duration.ofSeconds(1)) < 0 || windowSize.compareTo(BackfillStart.HISTORY) > 0) {
            throw new IllegalArgumentException("window size must be between 1 second and 30 days, got " + windowSize);
        }
        if (!(requestsPerSecond > 0) || requestsPerSecond > MAX_REQUESTS_PER_SECOND) {
            throw new IllegalArgumentException("rate limit must be above 0 and at most " + (int) MAX_REQUESTS_PER_SECOND
                    + " requests/s (emnify's own limit on event listing), got " + requestsPerSecond);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
        }
        if (backoffBase.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("backoff base must be at least 10ms, got " + backoffBase);
        }
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("longest backoff " + backoffMax + " is shorter than the first " + backoffBase);
        }
        if (maxWindowEvents < 1) {
            throw new IllegalArgumentException("the most events of a window held in memory must be at least 1, got "
                    + maxWindowEvents);
        }
    }

    /** Every default, against emnify's production API, with the token's fingerprint as poller id. */
    public static PollerConfig defaults(ApplicationToken token) {
        return new PollerConfig(URI.create(DEFAULT_BASE_URL), token, defaultPollerId(token), DEFAULT_POLL_INTERVAL,
                DEFAULT_PAGE_SIZE, DEFAULT_OVERLAP, DEFAULT_WINDOW_SIZE, DEFAULT_REQUESTS_PER_SECOND, Optional.empty(),
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_MAX, DEFAULT_MAX_WINDOW_EVENTS);
    }

    /** One application token belongs to one organisation, so its fingerprint names the organisation's poller. */
    public static String defaultPollerId(ApplicationToken token) {
        return "token-" + token.fingerprint();
    }

    public PollerConfig withBaseUrl(URI value) {
        return new PollerConfig(value, token, pollerId, pollInterval, pageSize, overlap, windowSize, requestsPerSecond,
                backfill, requestTimeout, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withPollerId(String value) {
        return new PollerConfig(baseUrl, token, value, pollInterval, pageSize, overlap, windowSize, requestsPerSecond,
                backfill, requestTimeout, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withPollInterval(Duration value) {
        return new PollerConfig(baseUrl, token, pollerId, value, pageSize, overlap, windowSize, requestsPerSecond,
                backfill, requestTimeout, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withPageSize(int value) {
        return new PollerConfig(baseUrl, token, pollerId, pollInterval, value, overlap, windowSize, requestsPerSecond,
                backfill, requestTimeout, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withOverlap(Duration value) {
        return new PollerConfig(baseUrl, token, pollerId, pollInterval, pageSize, value, windowSize, requestsPerSecond,
                backfill, requestTimeout, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withWindowSize(Duration value) {
        return new PollerConfig(baseUrl, token, pollerId, pollInterval, pageSize, overlap, value, requestsPerSecond,
                backfill, requestTimeout, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withRequestsPerSecond(double value) {
        return new PollerConfig(baseUrl, token, pollerId, pollInterval, pageSize, overlap, windowSize, value,
                backfill, requestTimeout, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withBackfill(BackfillStart value) {
        return new PollerConfig(baseUrl, token, pollerId, pollInterval, pageSize, overlap, windowSize, requestsPerSecond,
                Optional.of(value), requestTimeout, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withRequestTimeout(Duration value) {
        return new PollerConfig(baseUrl, token, pollerId, pollInterval, pageSize, overlap, windowSize, requestsPerSecond,
                backfill, value, backoffBase, backoffMax, maxWindowEvents);
    }

    public PollerConfig withBackoff(Duration base, Duration max) {
        return new PollerConfig(baseUrl, token, pollerId, pollInterval, pageSize, overlap, windowSize, requestsPerSecond,
                backfill, requestTimeout, base, max, maxWindowEvents);
    }

    public PollerConfig withMaxWindowEvents(int value) {
        return new PollerConfig(baseUrl, token, pollerId, pollInterval, pageSize, overlap, windowSize, requestsPerSecond,
                backfill, requestTimeout, backoffBase, backoffMax, value);
    }

    /** Every setting but the token, which shows only as set. */
    @Override
    public String toString() {
        return "PollerConfig[baseUrl=" + baseUrl + ", token=***, pollerId=" + pollerId + ", pollInterval=" + pollInterval
                + ", pageSize=" + pageSize + ", overlap=" + overlap + ", windowSize=" + windowSize
                + ", requestsPerSecond=" + requestsPerSecond + ", backfill=" + backfill.map(Object::toString).orElse("none")
                + ", requestTimeout=" + requestTimeout + ", backoff=" + backoffBase + ".." + backoffMax
                + ", maxWindowEvents=" + maxWindowEvents + "]";
    }
}
