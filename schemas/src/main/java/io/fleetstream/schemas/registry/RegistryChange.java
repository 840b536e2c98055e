package io.fleetstream.schemas.registry;

import java.util.Objects;

/**
 * One change to a schema registry's contents, as written to its journal. Replaying every change in
 * order rebuilds the registry exactly, global ids included.
 */
public sealed interface RegistryChange {

    /** A new version of a subject. {@code schema} is the canonical text the id was given for. */
    record SchemaVersionAdded(String subject, int version, int id, String schema) implements RegistryChange {
        public SchemaVersionAdded {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
            if (version < 1 || id < 1) {
                throw new IllegalArgumentException("version and id start at 1, got version " + version + ", id " + id);
            }
        }
    }

    /** The compatibility level every subject without a level of its own follows. */
    record GlobalCompatibilitySet(CompatibilityLevel level) implements RegistryChange {
        public GlobalCompatibilitySet {
            Objects.requireNonNull(level, "level");
        }
    }

    /** A subject's own compatibility level. */
    record SubjectCompatibilitySet(String subject, CompatibilityLevel level) implements RegistryChange {
        public SubjectCompatibilitySet {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(level, "level");
        }
    }
}
