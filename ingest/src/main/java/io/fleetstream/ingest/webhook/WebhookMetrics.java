package io.fleetstream.ingest.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The webhook's meters. Names as Prometheus scrapes them:
 * <ul>
 *   <li>{@code fleetstream_ingest_webhook_requests_total{outcome,status}}: every request to the events or usage path, counted
 *       once when answered, by how it ended ({@link Outcome}) and the HTTP status it got ("200", "503", ...). The
 *       usual pair of each outcome is there from the start, at 0;</li>
 *   <li>{@code fleetstream_ingest_webhook_events_accepted_total}, {@code fleetstream_ingest_webhook_events_dead_lettered_total}:
 *       events of accepted requests, acknowledged on the raw and the dead-letter topic;</li>
 *   <li>{@code fleetstream_ingest_webhook_usage_records_accepted_total},
 *       {@code fleetstream_ingest_webhook_usage_records_dead_lettered_total}: the same for usage records of accepted
 *       requests to the usage path, acknowledged on the raw usage and the dead-letter topic;</li>
 *   <li>{@code fleetstream_ingest_webhook_batch_size_events} (histogram): events per parsed request to the events path;</li>
 *   <li>{@code fleetstream_ingest_webhook_request_seconds} (histogram): the whole request, whatever its outcome;</li>
 *   <li>{@code fleetstream_ingest_webhook_ack_latency_seconds} (histogram): from receiving an accepted request to Kafka
 *       acknowledging all of its records.</li>
 * </ul>
 * No meter carries a credential, a body or anything of an event.
 */
final class WebhookMetrics {

    static final String REQUESTS = "fleetstream.ingest.webhook.requests";
    static final String EVENTS_ACCEPTED = "fleetstream.ingest.webhook.events.accepted";
    static final String EVENTS_DEAD_LETTERED = "fleetstream.ingest.webhook.events.dead.lettered";
    static final String USAGE_ACCEPTED = "fleetstream.ingest.webhook.usage.records.accepted";
    static final String USAGE_DEAD_LETTERED = "fleetstream.ingest.webhook.usage.records.dead.lettered";
    static final String REQUEST = "fleetstream.ingest.webhook.request";
    static final String ACK_LATENCY = "fleetstream.ingest.webhook.ack.latency";
    static final String BATCH_SIZE = "fleetstream.ingest.webhook.batch.size";

    /** The most events a batch-size bucket goes up to: the Data Streamer sends at most a few thousand at once. */
    private static final double LARGEST_BATCH_BUCKET = 100_000;

    /** How a request ended, with the status it is usually answered with; the tag value is the lower-case name. */
    enum Outcome {
        ACCEPTED(200), BAD_REQUEST(400), UNSUPPORTED_MEDIA_TYPE(415), TOO_LARGE(413), UNAUTHORIZED(401), FORBIDDEN(403),
        KAFKA_UNAVAILABLE(503), SCHEMA_REGISTRY_UNAVAILABLE(503), SCHEMA_REGISTRY_REFUSED(500), FAILED(500);

        final int usualStatus;

        Outcome(int usualStatus) {
            this.usualStatus = usualStatus;
        }

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The outcome of a request answered before the webhook's handler said how it ended: refused by the HTTP edge
         * (a body that stopped arriving: 408; a path with control characters: 400), or a method the path does not take (405).
         */
        static Outcome ofStatus(int status) {
            return switch (status) {
                case 200 -> ACCEPTED;
                case 401 -> UNAUTHORIZED;
                case 403 -> FORBIDDEN;
                case 413 -> TOO_LARGE;
                case 415 -> UNSUPPORTED_MEDIA_TYPE;
                default -> status >= 400 && status < 500 ? BAD_REQUEST : FAILED;
            };
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Counter accepted;
    private final Counter deadLettered;
    private final Counter usageAccepted;
    private final Counter usageDeadLettered;
    private final Timer request;
    private final Timer ackLatency;
    private final DistributionSummary batchSize;

    WebhookMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        for (Outcome outcome : Outcome.values()) {
            requests(outcome, outcome.usualStatus);
        }
        // no base unit on counters: Prometheus' naming would repeat it ("..._events_accepted_events_total")
        accepted = Counter.builder(EVENTS_ACCEPTED)
                .description("events normalised and acknowledged by Kafka")
                .register(registry);
        deadLettered = Counter.builder(EVENTS_DEAD_LETTERED)
                .description("events that could not be normalised, acknowledged on the dead-letter topic")
                .register(registry);
        usageAccepted = Counter.builder(USAGE_ACCEPTED)
                .description("usage records normalised and acknowledged by Kafka")
                .register(registry);
        usageDeadLettered = Counter.builder(USAGE_DEAD_LETTERED)
                .description("usage records that could not be normalised, acknowledged on the dead-letter topic")
                .register(registry);
        request = Timer.builder(REQUEST)
                .description("Data Streamer requests from their start to their answer, whatever the outcome")
                .publishPercentileHistogram()
                .register(registry);
        ackLatency = Timer.builder(ACK_LATENCY)
                .description("from receiving a request to Kafka acknowledging all of its records")
                .publishPercentileHistogram()
                .register(registry);
        batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("events per request")
                .baseUnit("events")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(LARGEST_BATCH_BUCKET)
                .register(registry);
    }

    private Counter requests(Outcome outcome, int status) {
        String code = Integer.toString(status);
        return requests.computeIfAbsent(outcome.tag() + " " + code, key -> Counter.builder(REQUESTS)
                .description("Data Streamer requests, by how they ended and the HTTP status they were answered with")
                .tag("outcome", outcome.tag())
                .tag("status", code)
                .register(registry));
    }

    /** A request was answered: counted once, and timed. */
    void answered(Outcome outcome, int status, Duration took) {
        requests(outcome, status).increment();
        request.record(took);
    }

    void batch(int events) {
        batchSize.record(events);
    }

    /** Kafka acknowledged a request's records; the request itself is counted when answered. */
    void acknowledged(int events, int deadLetters, Duration sinceReceived) {
        accepted.increment(events);
        deadLettered.increment(deadLetters);
        ackLatency.record(sinceReceived);
    }

    /** Kafka acknowledged the usage records of a request to the usage path. */
    void usageAcknowledged(int usageRecords, int deadLetters, Duration sinceReceived) {
        usageAccepted.increment(usageRecords);
        usageDeadLettered.increment(deadLetters);
        ackLatency.record(sinceReceived);
    }
}
