package io.fleetstream.ingest.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.http.CallerAuthentication;
import io.fleetstream.http.HealthEndpoints;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.http.MetricsEndpoint;
import io.fleetstream.ingest.normalise.Normaliser;
import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.ingest.publish.KafkaUnavailableException;
import io.fleetstream.ingest.publish.KeyedRecord;
import io.fleetstream.ingest.publish.RecordKind;
import io.fleetstream.ingest.publish.PublishException;
import io.fleetstream.ingest.publish.PublishReadiness;
import io.fleetstream.ingest.publish.PublishResult;
import io.fleetstream.ingest.publish.SchemaRegistryFailureException;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.deadletter.DeadLetters;
import io.fleetstream.schemas.emnify.EmnifyBatchParser;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.EmnifyStreamType;
import io.fleetstream.schemas.emnify.MalformedBatchException;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.emnify.UsageRecordReader;
import io.fleetstream.schemas.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP receiver of the emnify Data Streamer ("RestAPI" destination).
 *
 * <p>{@code POST /v1/events} (also PUT and PATCH, which the streamer can be set to) takes a JSON array of
 * events or one event, normalises each, dead-letters what cannot be normalised (with the reason and the
 * exact bytes), and answers {@code 200 {"accepted": n, "dead_lettered": m}} only after Kafka acknowledged
 * every record: the streamer never resends an answered batch, so an early 200 could lose events. An event
 * Kafka refuses as too large is dead-lettered too, so it cannot hold back its batch forever. When Kafka does
 * not acknowledge, or the Schema Registry cannot be reached, the answer is 503 with {@code Retry-After}, and
 * the streamer retries the whole batch (downstream dedupes on event id); when the registry refuses
 * fleetstream's schema, 500, because waiting does not help.
 *
 * <p>{@code POST /v1/usage} (also PUT and PATCH) takes the batches of a Data Streamer of stream type usage the same way:
 * the same authentication, limits and answers, each usage record normalised by {@link UsageRecordReader} and published
 * to the raw usage topic, what cannot be normalised dead-lettered. A record that is unmistakably of the other stream
 * type ({@link EmnifyStreamType}: a usage record posted to the events path, an event to the usage path) is
 * dead-lettered with a reason naming the path it belongs on, so a misconfigured streamer shows up in the dead letters
 * instead of as records with a missing field.
 *
 * <p>Callers authenticate with the configured bearer token or basic credential; without one configured,
 * only clients on this host are served. Bodies, tokens and credentials are never logged: some MNO-only
 * event details carry activation tokens. {@code GET /health/live} and {@code GET /health/ready} serve
 * Kubernetes probes ({@link HealthEndpoints}: ready while the producer reaches the cluster and the schema ids are
 * known, or the registry answers to give them). {@code GET /metrics} serves the role's registry when given one
 * ({@link MetricsEndpoint}; the webhook's own meters are {@link WebhookMetrics}). Probes and metrics take no credential.
 * The publisher is not closed with the server: it may be shared.
 */
public final class WebhookServer implements AutoCloseable {

    public static final String EVENTS_PATH = "/v1/events";
    /** Where a Data Streamer of stream type usage posts its usage records. */
    public static final String USAGE_PATH = "/v1/usage";
    /** The dead-letter stage of records this receiver could not normalise. */
    public static final String STAGE = "ingest.webhook";
    /** The realm of the webhook's {@code WWW-Authenticate} challenges. */
    public static final String REALM = "fleetstream ingest";

    private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
    /** Set by the handler on the request: how it ended, counted once it is answered. */
    private static final String OUTCOME = WebhookServer.class.getName() + ".outcome";
    private static final String STARTED = WebhookServer.class.getName() + ".started";

    private final WebhookConfig config;
    private final EmnifyBatchParser parser;
    private final Normaliser<EmnifyEvent> normaliser;
    private final Normaliser<UsageRecord> usageNormaliser;
    private final EventPublisher publisher;
    private final CallerAuthentication authentication;
    private final WebhookMetrics metrics;
    private final PublishReadiness readiness;
    private final Clock clock;
    private final Javalin app;

    /** Without {@code /metrics}: the meters go to {@code meters}, and whoever holds it serves them. */
    public WebhookServer(WebhookConfig config, EmnifyEventReader reader, EventPublisher publisher,
                         MeterRegistry meters, Clock clock) {
        this(config, reader, publisher, meters, null, clock);
    }

    /**
     * @param meters  where the webhook's meters go
     * @param scrape  {@code GET /metrics}, serving the registry {@code meters} is (or is part of); null for none
     */
    public WebhookServer(WebhookConfig config, EmnifyEventReader reader, EventPublisher publisher,
                         MeterRegistry meters, MetricsEndpoint scrape, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.normaliser = new Normaliser<>(reader, RecordKind.EVENT, STAGE, IngestSource.STREAMER);
        this.usageNormaliser = new Normaliser<>(new UsageRecordReader(), RecordKind.USAGE, STAGE, IngestSource.STREAMER);
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.parser = new EmnifyBatchParser(config.maxEvents());
        this.authentication = new CallerAuthentication(REALM, config.bearerToken(),
                config.basicCredential().map(credential -> credential.username() + ":" + credential.password()),
                CallerAuthentication.WithoutCredential.LOOPBACK_ONLY);
        this.metrics = new WebhookMetrics(Objects.requireNonNull(meters, "meters"));
        this.readiness = new PublishReadiness(publisher, clock);
        // bodies are read here with our own limit, so Javalin's must not cut in first
        this.app = HttpEdge.create(new HttpEdge.Config(config.host(), config.port())
                .withMaxRequestBytes((long) config.maxBodyBytes() + 1));
        // counted in an after-handler, which runs for every request (refused or failed too) once its status is set and
        // before the answer is written: a client that has its answer always finds its request counted
        app.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
        app.after(this::answered);
        Handler receive = ctx -> receive(ctx, EmnifyStreamType.EVENTS);
        app.post(EVENTS_PATH, receive);
        app.put(EVENTS_PATH, receive);
        app.patch(EVENTS_PATH, receive);
        Handler receiveUsage = ctx -> receive(ctx, EmnifyStreamType.USAGE);
        app.post(USAGE_PATH, receiveUsage);
        app.put(USAGE_PATH, receiveUsage);
        app.patch(USAGE_PATH, receiveUsage);
        new HealthEndpoints(readiness::health, config.retryAfterSeconds()).install(app);
        if (scrape != null) {
            scrape.install(app);
        }
        HttpEdge.answerRefusalsAsJson(app);
        app.exception(Exception.class, (exception, ctx) -> {
            settle(ctx, WebhookMetrics.Outcome.FAILED);
            log.atError().addKeyValue(LogFields.METHOD, ctx.method().name()).addKeyValue(LogFields.PATH, ctx.path())
                    .setCause(exception).log("unexpected failure answering {} {}", ctx.method(), ctx.path());
            error(ctx, 500, "ingest failed unexpectedly; nothing was accepted: retry later");
        });
    }

    /** Binds the port and serves until {@link #close()}. */
    public WebhookServer start() {
        if (!authentication.requiresCredential()) {
            log.warn("ingest has no credential configured: only clients on this host are served;"
                    + " configure a bearer token or basic credential to accept the Data Streamer");
        }
        app.start();
        log.info("ingest webhook listening on {}:{} ({} {} and {})", config.host(), port(), "POST|PUT|PATCH", EVENTS_PATH,
                USAGE_PATH);
        log.info("ingest webhook configuration: {}", config);
        return this;
    }

    /** The bound port, once started (the actual one when configured with 0). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        readiness.close();
    }

    /**
     * Counts and times every answered request to the events or usage path, once, with the outcome its handler settled, or, when
     * it was refused before the handler ran (405, a body that stopped arriving), the outcome of its status.
     */
    private void answered(Context ctx) {
        WebhookMetrics.Outcome outcome = ctx.attribute(OUTCOME);
        if (outcome == null && !isPath(ctx.path(), EVENTS_PATH) && !isPath(ctx.path(), USAGE_PATH)) {
            return;
        }
        int status = ctx.statusCode();
        Long started = ctx.attribute(STARTED);
        // started is missing only when the HTTP edge refused the request target before this server's own before-handler
        Duration took = started == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
        metrics.answered(outcome != null ? outcome : WebhookMetrics.Outcome.ofStatus(status), status, took);
    }

    private static boolean isPath(String path, String expected) {
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.regionMatches(0, expected, 0, expected.length()) && end == expected.length();
    }

    private static void settle(Context ctx, WebhookMetrics.Outcome outcome) {
        ctx.attribute(OUTCOME, outcome);
    }

    /** One request to the events or the usage path: {@code path} says which stream type it is meant for. */
    private void receive(Context ctx, EmnifyStreamType path) {
        long started = System.nanoTime();
        Instant receivedAt = Instant.ofEpochMilli(clock.millis());

        if (!authenticated(ctx)) {
            return;
        }
        if (!readableType(ctx)) {
            return;
        }
        byte[] body = readBody(ctx);
        if (body == null) {
            return;
        }

        List<RawEvent> batch;
        try {
            batch = parser.parse(body);
        } catch (MalformedBatchException e) {
            boolean tooMany = e.kind() == MalformedBatchException.Kind.TOO_MANY_EVENTS;
            settle(ctx, tooMany ? WebhookMetrics.Outcome.TOO_LARGE : WebhookMetrics.Outcome.BAD_REQUEST);
            // the kind only: the message may quote a piece of the body
            log.info("refused a body of {} bytes from {}: {}", body.length, ctx.req().getRemoteAddr(), e.kind());
            error(ctx, tooMany ? 413 : 400, e.getMessage());
            return;
        }

        String what = path == EmnifyStreamType.EVENTS ? "events" : "usage records";
        List<DeadLetter> deadLetters = new ArrayList<>();
        PublishResult published;
        try {
            if (path == EmnifyStreamType.EVENTS) {
                metrics.batch(batch.size());
                published = publisher.publish(keyed(batch, normaliser, EmnifyStreamType.USAGE, receivedAt, deadLetters), deadLetters,
                        config.ackTimeout());
            } else {
                published = publisher.publishUsage(keyed(batch, usageNormaliser, EmnifyStreamType.EVENTS, receivedAt, deadLetters),
                        deadLetters, config.ackTimeout());
            }
        } catch (PublishException e) {
            refuse(ctx, batch.size(), e);
            return;
        }
        Duration sinceReceived = Duration.ofNanos(System.nanoTime() - started);
        if (path == EmnifyStreamType.EVENTS) {
            metrics.acknowledged(published.events(), published.deadLetters(), sinceReceived);
        } else {
            metrics.usageAcknowledged(published.events(), published.deadLetters(), sinceReceived);
        }
        settle(ctx, WebhookMetrics.Outcome.ACCEPTED);
        if (published.deadLetters() > 0) {
            String reason = deadLetters.isEmpty() ? "too large for Kafka" : deadLetters.get(0).getReason();
            log.atWarn().addKeyValue(LogFields.EVENTS, batch.size()).addKeyValue(LogFields.REASON, reason)
                    .log("dead-lettered {} of {} {}; first reason: {}", published.deadLetters(), batch.size(), what, reason);
        }
        log.debug("accepted {} {}, dead-lettered {}", published.events(), what, published.deadLetters());
        respond(ctx, 200, Json.mapper().createObjectNode()
                .put("accepted", published.events())
                .put("dead_lettered", published.deadLetters()));
    }

    /**
     * The batch's records of one stream type, keyed; what cannot be normalised, and what is of the other stream type
     * (a usage record on the events path, an event on the usage path), added to {@code deadLetters}.
     */
    private static <T extends SpecificRecord> List<KeyedRecord<T>> keyed(List<RawEvent> batch, Normaliser<T> normaliser,
                                                                         EmnifyStreamType wrongType, Instant receivedAt,
                                                                         List<DeadLetter> deadLetters) {
        List<KeyedRecord<T>> keyed = new ArrayList<>(batch.size());
        for (RawEvent raw : batch) {
            if (EmnifyStreamType.of(raw.json()) == wrongType) {
                deadLetters.add(wrongPath(raw, wrongType, receivedAt));
                continue;
            }
            Normaliser.Normalised<T> normalised = normaliser.normalise(raw, receivedAt);
            if (normalised instanceof Normaliser.Keyed<T> one) {
                keyed.add(one.record());
            } else if (normalised instanceof Normaliser.DeadLettered<T> rejected) {
                deadLetters.add(rejected.deadLetter());
            }
        }
        return keyed;
    }

    /** The dead letter of a record of stream type {@code actual} posted to the other type's path. */
    private static DeadLetter wrongPath(RawEvent raw, EmnifyStreamType actual, Instant receivedAt) {
        String reason = actual == EmnifyStreamType.USAGE
                ? "a usage record (it has " + actual.keysIn(raw.json()) + ") was posted to the events path " + EVENTS_PATH
                        + ": post usage records to " + USAGE_PATH + " (the Data Streamer of stream type usage)"
                : "an event (it has " + actual.keysIn(raw.json()) + ") was posted to the usage path " + USAGE_PATH
                        + ": post events to " + EVENTS_PATH + " (the Data Streamer of stream type events)";
        return DeadLetters.unreadable(STAGE, reason, raw.original(), receivedAt, IngestSource.STREAMER);
    }

    /**
     * Answers a batch that was not accepted. What can succeed by itself later (Kafka or the registry down or
     * overloaded) is 503 with {@code Retry-After}; what cannot until an operator acts (the registry refuses
     * fleetstream's schema, or its credentials) is 500, so nobody waits for it to pass. Either way the Data
     * Streamer sends the batch again, and nothing of it counts as accepted.
     */
    private void refuse(Context ctx, int batchSize, PublishException e) {
        String what = e instanceof SchemaRegistryFailureException
                ? "the schema registry failed, so nothing was sent to Kafka (" + e.getMessage() + ")"
                : "Kafka did not acknowledge the events (" + e.getMessage() + ")";
        if (e.isTransient()) {
            settle(ctx, e instanceof KafkaUnavailableException
                    ? WebhookMetrics.Outcome.KAFKA_UNAVAILABLE : WebhookMetrics.Outcome.SCHEMA_REGISTRY_UNAVAILABLE);
            log.atWarn().addKeyValue(LogFields.EVENTS, batchSize).addKeyValue(LogFields.STATUS, 503)
                    .addKeyValue(LogFields.REASON, e.getClass().getSimpleName())
                    .log("answered 503 to a batch of {} events: {}", batchSize, e.getMessage());
            ctx.header("Retry-After", Integer.toString(config.retryAfterSeconds()));
            error(ctx, 503, what + "; nothing was accepted: retry after " + config.retryAfterSeconds() + " s");
        } else {
            settle(ctx, WebhookMetrics.Outcome.SCHEMA_REGISTRY_REFUSED);
            log.atError().addKeyValue(LogFields.EVENTS, batchSize).addKeyValue(LogFields.STATUS, 500)
                    .addKeyValue(LogFields.REASON, e.getClass().getSimpleName())
                    .log("answered 500 to a batch of {} events: {}", batchSize, e.getMessage());
            error(ctx, 500, what + "; nothing was accepted, and retrying will not help until the schema registry or"
                    + " ingest's configuration is fixed");
        }
    }

    private boolean authenticated(Context ctx) {
        String remote = ctx.req().getRemoteAddr();
        CallerAuthentication.Outcome outcome = authentication.check(ctx.header("Authorization"), remote);
        switch (outcome) {
            case ALLOWED -> {
                return true;
            }
            case NOT_LOOPBACK -> {
                settle(ctx, WebhookMetrics.Outcome.FORBIDDEN);
                log.info("refused a request from {}: no credential is configured, so only this host is served", remote);
                error(ctx, 403, "ingest has no credential configured, so it serves only clients on its own host;"
                        + " configure a bearer token or basic credential to accept the Data Streamer");
                return false;
            }
            default -> {
                settle(ctx, WebhookMetrics.Outcome.UNAUTHORIZED);
                log.info("refused a request from {}: {} credential", remote,
                        outcome == CallerAuthentication.Outcome.MISSING ? "missing" : "wrong");
                for (String challenge : authentication.challenges()) {
                    ctx.res().addHeader("WWW-Authenticate", challenge);
                }
                error(ctx, 401, outcome == CallerAuthentication.Outcome.MISSING
                        ? "missing Authorization header: send the bearer token or basic credential this receiver"
                                + " is configured with (a custom header of the Data Streamer)"
                        : "the Authorization header does not match the credential this receiver is configured with");
                return false;
            }
        }
    }

    /**
     * Whether the body's declared type is one this receiver reads, else answered 415. emnify does not document the
     * Content-Type of the Data Streamer's requests, so besides JSON's own types every type that names no format
     * (none at all, text/plain, application/octet-stream) is read as JSON too: refusing what the streamer sends
     * would stop the stream. A type of another format (a form, XML, multipart) is a client of another kind.
     */
    private boolean readableType(Context ctx) {
        String type = HttpEdge.mediaType(ctx);
        if (type.isEmpty() || HttpEdge.isJson(type) || type.equals("text/plain") || type.equals("application/octet-stream")) {
            return true;
        }
        settle(ctx, WebhookMetrics.Outcome.UNSUPPORTED_MEDIA_TYPE);
        log.info("refused a body of Content-Type {} from {}", HttpEdge.quote(ctx.header("Content-Type")), ctx.req().getRemoteAddr());
        error(ctx, 415, "a body of Content-Type " + HttpEdge.quote(ctx.header("Content-Type"))
                + " is not read here: send the events as a JSON array with Content-Type application/json");
        return false;
    }

    /** The body, or null after answering 413 when it is larger than allowed. */
    private byte[] readBody(Context ctx) {
        int limit = config.maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        byte[] body = null;
        if (declared <= limit) {
            try (InputStream in = ctx.req().getInputStream()) {
                body = in.readNBytes(limit + 1);
            } catch (IOException e) {
                // stopped arriving (idle timeout) or the client went away: 408 or 400, not an unexpected 500
                throw HttpEdge.unreadableBody(e);
            }
        }
        if (body != null && body.length <= limit) {
            return body;
        }
        settle(ctx, WebhookMetrics.Outcome.TOO_LARGE);
        log.info("refused a body of {} from {}: larger than {} bytes",
                declared >= 0 ? declared + " bytes" : "unknown length", ctx.req().getRemoteAddr(), limit);
        error(ctx, 413, "body is larger than " + limit + " bytes, the most this receiver accepts:"
                + " lower the Data Streamer's batch size");
        return null;
    }

    private static void error(Context ctx, int status, String message) {
        HttpEdge.error(ctx, status, message);
    }

    private static void respond(Context ctx, int status, ObjectNode body) {
        HttpEdge.json(ctx, status, body);
    }
}
