package io.fleetstream.ingest.publish;

import io.fleetstream.http.Health;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Whether ingest can publish now, as its readiness probe answers it (the webhook's, or the probe server's of an ingest
 * that only polls): Kafka reachable (metadata for the raw topic), and the schema ids known, or the registry answering
 * to give them. Once the ids are known a registry outage no longer matters; before, every publish would fail.
 */
public final class PublishReadiness implements AutoCloseable {

    private static final Duration FRESH_FOR = Duration.ofSeconds(15);
    private static final Duration PROBE_WAIT = Duration.ofSeconds(2);

    private final ClusterReadiness kafka;
    private final ClusterReadiness schemaRegistry;

    public PublishReadiness(EventPublisher publisher, Clock clock) {
        Objects.requireNonNull(publisher, "publisher");
        this.kafka = new ClusterReadiness(publisher::reachesCluster, clock, FRESH_FOR, PROBE_WAIT);
        this.schemaRegistry = new ClusterReadiness("the schema registry", publisher::knowsSchemaIds, clock, FRESH_FOR,
                PROBE_WAIT);
    }

    /** The checks {@code kafka} and {@code schema_registry}; asks at most a few seconds, so it may run on a request thread. */
    public Health health() {
        return Health.check("kafka", kafka.isReady(),
                        "Kafka is not reachable (no metadata for the raw topic): not ready to accept events")
                .and("schema_registry", schemaRegistry.isReady(), "the schema registry does not answer, and ingest does"
                        + " not know the schema ids of its topics yet: not ready to accept events");
    }

    @Override
    public void close() {
        kafka.close();
        schemaRegistry.close();
    }
}
