package io.fleetstream.ingest.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The webhook's meters: requests by outcome, events accepted and dead-lettered, ack latency, batch sizes. */
final class WebhookMetrics {

    static final String REQUESTS = "fleetstream.ingest.webhook.requests";
    static final String EVENTS_ACCEPTED = "fleetstream.ingest.webhook.events.accepted";
    static final String EVENTS_DEAD_LETTERED = "fleetstream.ingest.webhook.events.dead.lettered";
    static final String ACK_LATENCY = "fleetstream.ingest.webhook.ack.latency";
    static final String BATCH_SIZE = "fleetstream.ingest.webhook.batch.size";

    /** How a request ended; the tag value is the lower-case name. */
    enum Outcome {
        ACCEPTED, BAD_REQUEST, UNSUPPORTED_MEDIA_TYPE, TOO_LARGE, UNAUTHORIZED, FORBIDDEN, KAFKA_UNAVAILABLE, SCHEMA_REGISTRY_UNAVAILABLE,
        SCHEMA_REGISTRY_REFUSED, FAILED
    }

    private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
    private final Counter accepted;
    private final Counter deadLettered;
    private final Timer ackLatency;
    private final DistributionSummary batchSize;

    WebhookMetrics(MeterRegistry registry) {
        for (Outcome outcome : Outcome.values()) {
            requests.put(outcome, Counter.builder(REQUESTS)
                    .description("Data Streamer requests, by how they ended")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        accepted = Counter.builder(EVENTS_ACCEPTED)
                .description("events normalised and acknowledged by Kafka")
                .baseUnit("events")
                .register(registry);
        deadLettered = Counter.builder(EVENTS_DEAD_LETTERED)
                .description("events that could not be normalised, acknowledged on the dead-letter topic")
                .baseUnit("events")
                .register(registry);
        ackLatency = Timer.builder(ACK_LATENCY)
                .description("from receiving a request to Kafka acknowledging all of its records")
                .publishPercentileHistogram()
                .register(registry);
        batchSize = DistributionSummary.builder(BATCH_SIZE)
                .description("events per request")
                .baseUnit("events")
                .publishPercentileHistogram()
                .register(registry);
    }

    void request(Outcome outcome) {
        requests.get(outcome).increment();
    }

    void batch(int events) {
        batchSize.record(events);
    }

    void acknowledged(int events, int deadLetters, Duration sinceReceived) {
        accepted.increment(events);
        deadLettered.increment(deadLetters);
        ackLatency.record(sinceReceived);
        request(Outcome.ACCEPTED);
    }
}
