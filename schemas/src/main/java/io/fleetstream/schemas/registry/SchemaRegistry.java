package io.fleetstream.schemas.registry;

import org.apache.avro.Schema;

import java.util.List;
import java.util.Optional;

/**
 * The subset of the Confluent Schema Registry API fleetstream uses. Implemented over HTTP against
 * any Confluent-compatible registry ({@link HttpSchemaRegistryClient}), and in memory for
 * {@code TopologyTestDriver} tests ({@link InMemorySchemaRegistry}).
 * Failures are {@link SchemaRegistryException}s carrying the registry's error code.
 * Implementations are thread-safe.
 */
public interface SchemaRegistry {

    /**
     * Registers the schema under the subject (or finds it there) and returns its global id.
     * Fails with 409 when the schema is incompatible under the subject's compatibility level.
     */
    int register(String subject, Schema schema);

    /** The schema with this global id; fails with 40403 when there is none. */
    Schema schemaById(int id);

    /** The version of this schema under the subject, if it is registered there. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /**
     * Whether the schema could be registered as the subject's next version: compatible with the
     * latest version under the subject's level (with every version for the {@code *_TRANSITIVE}
     * levels). True for a subject with no versions.
     */
    boolean isCompatible(String subject, Schema schema);

    List<String> subjects();

    /** The subject's version numbers, ascending; fails with 40401 for an unknown subject. */
    List<Integer> versions(String subject);

    /** Fails with 40401 for an unknown subject, 40402 for an unknown version. */
    RegisteredSchema version(String subject, int version);

    /** Fails with 40401 for an unknown subject. */
    RegisteredSchema latest(String subject);

    /** The global compatibility level. */
    CompatibilityLevel compatibility();

    /** The subject's level, or the global one when the subject has none of its own. */
    CompatibilityLevel compatibility(String subject);

    void setCompatibility(String subject, CompatibilityLevel level);
}
