package io.fleetstream.app.topology;

import io.fleetstream.ingest.poller.Backoff;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.FleetTopology;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The value schemas of every topic the topology writes, registered (or looked up) before Kafka Streams starts.
 *
 * <p>Why before: a subject that refuses fleetstream's schema (409, incompatible under its compatibility level) or a
 * registry that cannot be reached would otherwise fail the first record written there, stop Kafka Streams, and
 * crash-loop the instance under its supervisor. Here the instance instead waits unready, says once which subject is
 * the problem and how to fix it, and starts by itself once the registry accepts the schemas. The serializers keep
 * the resolved ids, so records never reach the registry afterwards; nothing is read, so nothing is lost or skipped.
 */
final class OutputSchemas {

    private static final Logger log = LoggerFactory.getLogger(OutputSchemas.class);

    private final AvroSerdes serdes;
    private final List<FleetTopology.WrittenValue> written;
    private final Backoff backoff;
    private volatile String waitingFor;

    OutputSchemas(AvroSerdes serdes, List<FleetTopology.WrittenValue> written, Backoff backoff) {
        this.serdes = Objects.requireNonNull(serdes, "serdes");
        this.written = List.copyOf(written);
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** Why Kafka Streams has not started yet, while a schema cannot be resolved. */
    Optional<String> waitingFor() {
        return Optional.ofNullable(waitingFor);
    }

    /**
     * Resolves every schema, retrying with backoff while the registry refuses one or cannot be reached.
     *
     * @return true once all are resolved; false when interrupted (the service is closing)
     */
    boolean resolve() {
        int failures = 0;
        String reported = null;
        while (!Thread.currentThread().isInterrupted()) {
            FleetTopology.WrittenValue current = null;
            try {
                for (FleetTopology.WrittenValue value : written) {
                    current = value;
                    serdes.resolveValueSchema(value.type(), value.topic());
                }
                waitingFor = null;
                if (failures > 0) {
                    log.info("the schema registry accepts the schemas of every topic the topology writes; starting Kafka Streams");
                }
                return true;
            } catch (RuntimeException e) {
                failures++;
                Problem problem = Problem.of(current, e);
                waitingFor = problem.summary();
                // once per problem: a registry that stays broken for hours must not flood the log
                if (!problem.key().equals(reported)) {
                    reported = problem.key();
                    log.error("{} This instance stays unready (/health/ready answers 503) and keeps retrying; it starts by "
                            + "itself once this is fixed, and no record is read, lost or skipped meanwhile.", problem.advice());
                }
            }
            try {
                Thread.sleep(backoff.delay(failures).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return false;
    }

    /** What went wrong with one subject, worded for /health/ready and for the log. */
    private record Problem(String key, String summary, String advice) {

        static Problem of(FleetTopology.WrittenValue value, RuntimeException e) {
            String subject = AvroSerdes.valueSubject(value.topic());
            String type = value.type().getSimpleName();
            SchemaRegistryException registry = e instanceof SchemaRegistryException r ? r
                    : e.getCause() instanceof SchemaRegistryException r ? r : null;
            if (registry != null && registry.errorCode() == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
                String summary = "waiting for the schema registry: subject '" + subject + "' refuses fleetstream's "
                        + type + " schema as incompatible with the version it holds";
                return new Problem(subject + "/409", summary, "Subject '" + subject + "' (topic '" + value.topic()
                        + "') holds a schema that fleetstream's " + type + " schema is incompatible with under the "
                        + "subject's compatibility level (" + registry.getMessage() + "). To fix it, make the subject accept "
                        + "the schema: set its compatibility (PUT /config/" + subject + " {\"compatibility\": \"NONE\"}), or "
                        + "delete the conflicting version (DELETE /subjects/" + subject + "/versions/<version>), or give "
                        + "fleetstream its own topics with --topic-prefix.");
            }
            if (registry != null) {
                String summary = "waiting for the schema registry: cannot resolve the " + type + " schema of subject '"
                        + subject + "': " + registry.getMessage();
                return new Problem(subject + "/" + registry.errorCode(), summary,
                        "Cannot resolve the " + type + " schema of subject '" + subject + "': " + registry.getMessage() + ".");
            }
            if (e instanceof SerializationException) {
                // not registered while auto-registration is off, or refused as invalid: the message says what to do
                String summary = "waiting for the schema registry: " + e.getMessage();
                return new Problem(subject + "/serialization", summary, e.getMessage() + ".");
            }
            String summary = "waiting for the schema registry: resolving subject '" + subject + "' failed: " + e;
            return new Problem(subject + "/" + e.getClass().getName(), summary, "Resolving the " + type
                    + " schema of subject '" + subject + "' failed unexpectedly: " + e + ".");
        }
    }

    /** Retries start after half a second and settle at one every 10 to 20 seconds. */
    static Backoff defaultBackoff() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(20), java.util.random.RandomGenerator.getDefault());
    }
}
