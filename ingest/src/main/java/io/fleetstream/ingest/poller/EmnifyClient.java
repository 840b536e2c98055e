package io.fleetstream.ingest.poller;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.ingest.poller.PollerMetrics.Call;
import io.fleetstream.ingest.poller.PollerMetrics.Outcome;
import io.fleetstream.schemas.emnify.EmnifyBatchParser;
import io.fleetstream.schemas.emnify.MalformedBatchException;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * emnify's REST API as the poller uses it: {@code POST /api/v1/authenticate} and {@code GET /api/v1/event}, one
 * attempt per call, every request paced by the {@link RateLimiter}.
 *
 * <p>The application token is exchanged for a JWT, which is renewed shortly before the {@code exp} of its payload
 * (emnify has no refresh token for application tokens) and once when emnify answers 401. Neither the token nor the
 * JWT appears in a log line, an exception or a result; answers to the authentication call are never quoted either.
 * Retrying is the caller's business: this class reports how the attempt ended ({@link FetchResult}). Used by one
 * thread at a time.
 */
public final class EmnifyClient {

    public static final String AUTHENTICATE_PATH = "/api/v1/authenticate";
    public static final String EVENTS_PATH = "/api/v1/event";

    private static final Logger log = LoggerFactory.getLogger(EmnifyClient.class);
    /** Renew at most this long before expiry, and at most a fifth of the JWT's lifetime before it. */
    private static final Duration RENEW_AHEAD = Duration.ofSeconds(60);
    private static final int MAX_ERROR_MESSAGE = 200;
    private static final String JSON = "application/json";
    private static final String USER_AGENT = "fleetstream-poller";

    private final HttpClient http;
    private final String base;
    private final ApplicationToken token;
    private final Duration requestTimeout;
    private final RateLimiter limiter;
    private final PollerMetrics metrics;
    private final Clock clock;
    private final EmnifyBatchParser parser = new EmnifyBatchParser();
    private Session session;

    public EmnifyClient(PollerConfig config, HttpClient http, RateLimiter limiter, PollerMetrics metrics, Clock clock) {
        Objects.requireNonNull(config, "config");
        this.http = Objects.requireNonNull(http, "http");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.base = config.baseUrl().toString().replaceAll("/+$", "");
        this.token = config.token();
        this.requestTimeout = config.requestTimeout();
    }

    /** An HTTP client fit for emnify: HTTP/1.1 or 2, no redirects followed (a redirect means a wrong URL). */
    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Fetches one page of the events in {@code window}, ascending by id, authenticating first when needed. The
     * order only makes the pages of one window follow each other; the poller publishes a window's events in event
     * time order itself, whatever order emnify lists them in.
     *
     * @throws InterruptedException when the thread is interrupted while waiting for a slot or an answer
     */
    public FetchResult fetch(PollWindow window, int page, int perPage) throws InterruptedException {
        Optional<FetchResult> failed = ensureSession();
        if (failed.isPresent()) {
            return failed.get();
        }
        URI uri = URI.create(base + EVENTS_PATH + "?page=" + page + "&per_page=" + perPage + "&sort=id&q="
                + URLEncoder.encode(window.query(), StandardCharsets.UTF_8));
        Attempt attempt = get(uri);
        if (attempt.response() != null && attempt.response().statusCode() == 401) {
            metrics.request(Call.EVENTS, Outcome.UNAUTHORIZED);
            log.info("emnify answered 401 to the event query: authenticating again");
            session = null;
            failed = ensureSession();
            if (failed.isPresent()) {
                return failed.get();
            }
            attempt = get(uri);
            if (attempt.response() != null && attempt.response().statusCode() == 401) {
                metrics.request(Call.EVENTS, Outcome.REFUSED);
                session = null;
                return new FetchResult.Refused("emnify answered 401 to the event query with a JWT it had just issued:"
                        + " the application token may lack permission to read events; check its role in the emnify Portal");
            }
        }
        return eventsResult(attempt, page, uri);
    }

    private FetchResult eventsResult(Attempt attempt, int page, URI uri) {
        if (attempt.failure() != null) {
            metrics.request(Call.EVENTS, Outcome.NETWORK_ERROR);
            return new FetchResult.Unavailable(attempt.failure());
        }
        HttpResponse<byte[]> response = attempt.response();
        int status = response.statusCode();
        if (status == 200) {
            List<RawEvent> events;
            try {
                events = parser.parse(response.body());
            } catch (MalformedBatchException e) {
                metrics.request(Call.EVENTS, Outcome.SERVER_ERROR);
                // the kind only: the message may quote event content
                return new FetchResult.Unavailable("emnify answered 200 with a body that is not a JSON array of events ("
                        + e.kind() + ")");
            }
            metrics.request(Call.EVENTS, Outcome.OK);
            limiter.succeeded();
            return new FetchResult.Fetched(new EventPage(events, page, intHeader(response, "X-Total-Pages")));
        }
        if (status == 429) {
            return rateLimited(Call.EVENTS, response);
        }
        if (status >= 500) {
            metrics.request(Call.EVENTS, Outcome.SERVER_ERROR);
            return new FetchResult.Unavailable("emnify answered " + status + " to the event query");
        }
        metrics.request(Call.EVENTS, Outcome.REFUSED);
        if (status == 404) {
            return new FetchResult.Refused("no emnify event API at " + base + EVENTS_PATH + " (404): check --emnify-url");
        }
        return new FetchResult.Refused("emnify refused the event query " + uri.getRawQuery() + " with " + status
                + errorMessage(response.body()));
    }

    /** Authenticates unless the current JWT is still good; a failure is returned as the fetch's result. */
    private Optional<FetchResult> ensureSession() throws InterruptedException {
        Instant now = clock.instant();
        if (session != null && session.renewAt().map(now::isBefore).orElse(true)) {
            return Optional.empty();
        }
        if (session != null) {
            log.debug("the emnify JWT expires soon: authenticating again");
        }
        session = null;
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(Json.mapper().createObjectNode().put("application_token", token.value()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the authentication request", e);
        }
        URI uri = URI.create(base + AUTHENTICATE_PATH);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", JSON)
                .header("Accept", JSON)
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        Attempt attempt = send(request);
        if (attempt.failure() != null) {
            metrics.request(Call.AUTHENTICATE, Outcome.NETWORK_ERROR);
            return Optional.of(new FetchResult.Unavailable(attempt.failure()));
        }
        HttpResponse<byte[]> response = attempt.response();
        int status = response.statusCode();
        if (status == 200) {
            Optional<String> jwt = authToken(response.body());
            if (jwt.isEmpty()) {
                metrics.request(Call.AUTHENTICATE, Outcome.SERVER_ERROR);
                return Optional.of(new FetchResult.Unavailable("emnify's authentication answer has no auth_token"));
            }
            metrics.request(Call.AUTHENTICATE, Outcome.OK);
            limiter.succeeded();
            session = new Session(jwt.get(), renewAt(jwt.get(), clock.instant()));
            log.debug("authenticated with emnify; JWT {}", session.renewAt().map(at -> "renewed at " + at)
                    .orElse("without a readable expiry, renewed on the next 401"));
            return Optional.empty();
        }
        if (status == 429) {
            return Optional.of(rateLimited(Call.AUTHENTICATE, response));
        }
        if (status >= 500) {
            metrics.request(Call.AUTHENTICATE, Outcome.SERVER_ERROR);
            return Optional.of(new FetchResult.Unavailable("emnify answered " + status + " to the authentication request"));
        }
        metrics.request(Call.AUTHENTICATE, Outcome.REFUSED);
        if (status == 404) {
            return Optional.of(new FetchResult.Refused("no emnify API at " + base + AUTHENTICATE_PATH
                    + " (404): check --emnify-url"));
        }
        // the answer is not quoted: it answers a request that carried the token
        return Optional.of(new FetchResult.Refused("emnify refused the application token (HTTP " + status + "):"
                + " check --emnify-token (FLEETSTREAM_EMNIFY_TOKEN), and create a new application token in the emnify"
                + " Portal if this one was revoked"));
    }

    private Optional<Instant> renewAt(String jwt, Instant now) {
        Optional<Instant> expiry = JwtExpiry.of(jwt);
        if (expiry.isEmpty()) {
            return Optional.empty();
        }
        Duration lifetime = Duration.between(now, expiry.get());
        if (lifetime.isNegative() || lifetime.isZero()) {
            // an expired JWT fresh from emnify means this host's clock runs ahead: renewing by the clock would
            // authenticate before every request, so rely on emnify's 401 instead
            log.warn("emnify issued a JWT that expires at {}, which is not after this host's time {}: is the clock"
                    + " right? The JWT is renewed when emnify answers 401", expiry.get(), now);
            return Optional.empty();
        }
        Duration ahead = lifetime.dividedBy(5);
        return Optional.of(expiry.get().minus(ahead.compareTo(RENEW_AHEAD) < 0 ? ahead : RENEW_AHEAD));
    }

    private FetchResult rateLimited(Call call, HttpResponse<byte[]> response) {
        metrics.request(call, Outcome.RATE_LIMITED);
        limiter.slowDown();
        Optional<Duration> retryAfter = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null),
                clock.instant());
        return new FetchResult.RateLimited(retryAfter);
    }

    private Attempt get(URI uri) throws InterruptedException {
        return send(HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + session.jwt())
                .header("Accept", JSON)
                .header("User-Agent", USER_AGENT)
                .GET()
                .build());
    }

    private Attempt send(HttpRequest request) throws InterruptedException {
        Duration wait = limiter.reserve();
        if (!wait.isZero()) {
            Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
        }
        try {
            return new Attempt(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), null);
        } catch (HttpTimeoutException e) {
            return new Attempt(null, "no answer from " + request.uri().getHost() + " within " + requestTimeout);
        } catch (IOException e) {
            return new Attempt(null, "cannot reach " + request.uri().getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static Optional<String> authToken(byte[] body) {
        try {
            JsonNode json = Json.mapper().readTree(body);
            JsonNode jwt = json == null ? null : json.get("auth_token");
            return jwt != null && jwt.isTextual() && !jwt.textValue().isBlank() ? Optional.of(jwt.textValue()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static OptionalInt intHeader(HttpResponse<?> response, String name) {
        Optional<String> value = response.headers().firstValue(name);
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value.get().strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** emnify's error message ({@code {"message": "…"}}), shortened, or nothing. */
    private static String errorMessage(byte[] body) {
        try {
            JsonNode json = Json.mapper().readTree(body);
            JsonNode message = json == null ? null : json.get("message");
            if (message == null || !message.isTextual()) {
                return "";
            }
            String text = message.textValue();
            return ": " + (text.length() <= MAX_ERROR_MESSAGE ? text : text.substring(0, MAX_ERROR_MESSAGE) + "…");
        } catch (IOException e) {
            return "";
        }
    }

    /** One HTTP exchange: an answer, or why there was none. */
    private record Attempt(HttpResponse<byte[]> response, String failure) {
    }

    /** The current JWT and when to renew it (empty: only on a 401). */
    private record Session(String jwt, Optional<Instant> renewAt) {
        @Override
        public String toString() {
            return "Session[jwt=***, renewAt=" + renewAt + "]";
        }
    }
}
