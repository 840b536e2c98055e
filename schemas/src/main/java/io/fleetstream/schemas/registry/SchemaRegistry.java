package io.fleetstream.schemas.registry;

import org.apache.avro.Schema;

import java.util.List;
import java.util.Optional;

/**
 * The subset of the Confluent Schema Registry API fleetstream uses. Implemented over HTTP against
 * any Confluent-compatible registry, and in memory for {@code TopologyTestDriver} tests.
 * Failures are {@link SchemaRegistryException}s carrying the registry's error code.
 */
public interface SchemaRegistry {

    /** Registers the schema under the subject (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** The version of this schema under the subject, if it is registered there. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /** Whether the schema is compatible with the latest version of the subject under its compatibility level. */
    boolean isCompatible(String subject, Schema schema);

    List<String> subjects();

    List<Integer> versions(String subject);

    RegisteredSchema version(String subject, int version);

    RegisteredSchema latest(String subject);

    /** The global compatibility level. */
    CompatibilityLevel compatibility();

    /** The subject's level, or the global one when the subject has none of its own. */
    CompatibilityLevel compatibility(String subject);

    void setCompatibility(String subject, CompatibilityLevel level);
}
