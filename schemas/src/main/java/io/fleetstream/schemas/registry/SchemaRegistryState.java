package io.fleetstream.schemas.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The contents of a Confluent-compatible schema registry, as plain Java: subjects and their
 * versions, global schema ids, and compatibility levels. It follows Confluent's rules:
 * <ul>
 *   <li>a schema's identity is its canonical text ({@link Schema#toString()}), so the same schema
 *       gets the same global id under every subject, whitespace aside;</li>
 *   <li>registering a schema a subject already has returns its existing id and version and changes nothing;</li>
 *   <li>a new version must be compatible under the subject's level (the global level, BACKWARD
 *       unless set, when the subject has none), checked with Avro's own {@link SchemaCompatibility}.</li>
 * </ul>
 * Every change goes to the {@link RegistryJournal} before it is applied, so a journal that fails
 * leaves the state untouched, and {@link #recover(RegistryJournal)} rebuilds the same state from
 * it. Thread-safe: every method holds the instance's lock; the registry is off the hot path
 * because clients cache what it answers.
 */
public final class SchemaRegistryState {

    public static final CompatibilityLevel DEFAULT_COMPATIBILITY = CompatibilityLevel.BACKWARD;

    /** The outcome of a registration: the global id, the subject's version, and whether it was new. */
    public record Registration(int id, int version, boolean added) {
    }

    private final RegistryJournal journal;
    private final Map<String, NavigableMap<Integer, RegisteredSchema>> subjects = new TreeMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonicalText = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = DEFAULT_COMPATIBILITY;
    private int highestId;

    private SchemaRegistryState(RegistryJournal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** Rebuilds the registry from every change in the journal; later changes go to the same journal. */
    public static SchemaRegistryState recover(RegistryJournal journal) {
        SchemaRegistryState state = new SchemaRegistryState(journal);
        for (RegistryChange change : journal.readAll()) {
            state.apply(change);
        }
        return state;
    }

    /**
     * Registers the schema under the subject, or finds it there.
     *
     * @throws SchemaRegistryException 409 when the schema is incompatible under the subject's level
     */
    public synchronized Registration register(String subject, Schema schema) {
        requireSubject(subject);
        String canonical = canonicalText(schema);
        Optional<RegisteredSchema> existing = find(subject, canonical);
        if (existing.isPresent()) {
            return new Registration(existing.get().id(), existing.get().version(), false);
        }
        List<String> problems = incompatibilities(subject, schema);
        if (!problems.isEmpty()) {
            throw SchemaRegistryException.of(SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "schema is incompatible with subject '" + subject + "' under compatibility level "
                            + compatibility(subject) + ": " + String.join("; ", problems));
        }
        int id = idsByCanonicalText.getOrDefault(canonical, highestId + 1);
        NavigableMap<Integer, RegisteredSchema> versions = subjects.get(subject);
        int version = versions == null ? 1 : versions.lastKey() + 1;
        record(new RegistryChange.SchemaVersionAdded(subject, version, id, canonical));
        return new Registration(id, version, true);
    }

    /** The subject's version holding this schema, if the subject has it. */
    public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        return find(subject, canonicalText(schema));
    }

    /** @throws SchemaRegistryException 40403 when no schema has this id */
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw SchemaRegistryException.of(SchemaRegistryException.SCHEMA_NOT_FOUND, "schema id " + id + " not found");
        }
        return schema;
    }

    /** Subject names, sorted. */
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /** @throws SchemaRegistryException 40401 when the subject has no versions */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsOf(subject).keySet());
    }

    /** @throws SchemaRegistryException 40401 for an unknown subject, 40402 for an unknown version */
    public synchronized RegisteredSchema version(String subject, int version) {
        RegisteredSchema found = versionsOf(subject).get(version);
        if (found == null) {
            throw SchemaRegistryException.of(SchemaRegistryException.VERSION_NOT_FOUND,
                    "version " + version + " of subject '" + subject + "' not found");
        }
        return found;
    }

    /** @throws SchemaRegistryException 40401 when the subject has no versions */
    public synchronized RegisteredSchema latest(String subject) {
        return versionsOf(subject).lastEntry().getValue();
    }

    public synchronized CompatibilityLevel compatibility() {
        return globalLevel;
    }

    /** The subject's own level, or the global one. */
    public synchronized CompatibilityLevel compatibility(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** The subject's own level, empty when it follows the global one. */
    public synchronized Optional<CompatibilityLevel> ownCompatibility(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    public synchronized void setCompatibility(CompatibilityLevel level) {
        if (globalLevel != level) {
            record(new RegistryChange.GlobalCompatibilitySet(level));
        }
    }

    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        requireSubject(subject);
        if (subjectLevels.get(subject) != level) {
            record(new RegistryChange.SubjectCompatibilitySet(subject, level));
        }
    }

    /**
     * Why the schema could not become the subject's next version, one line per problem; empty when
     * it could. BACKWARD: the new schema reads data written with the latest version; FORWARD: the
     * latest version reads data written with the new one; FULL: both; the TRANSITIVE levels check
     * every version instead of the latest. A subject with no versions accepts anything.
     */
    public synchronized List<String> incompatibilities(String subject, Schema schema) {
        NavigableMap<Integer, RegisteredSchema> versions = subjects.get(subject);
        CompatibilityLevel level = compatibility(subject);
        if (versions == null || level == CompatibilityLevel.NONE) {
            return List.of();
        }
        Collection<RegisteredSchema> existing = switch (level) {
            case BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, FULL_TRANSITIVE -> versions.descendingMap().values();
            default -> List.of(versions.lastEntry().getValue());
        };
        boolean backward = switch (level) {
            case BACKWARD, BACKWARD_TRANSITIVE, FULL, FULL_TRANSITIVE -> true;
            default -> false;
        };
        boolean forward = switch (level) {
            case FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE -> true;
            default -> false;
        };
        List<String> problems = new ArrayList<>();
        for (RegisteredSchema old : existing) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(schema, old.schema()),
                        "the new schema cannot read data written with version " + old.version(), problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), schema),
                        "version " + old.version() + " cannot read data written with the new schema", problems);
            }
        }
        return problems;
    }

    /**
     * Parses schema text as the registry accepts it.
     *
     * @throws SchemaRegistryException 42201 with Avro's reason when the text is not a valid Avro schema
     */
    public static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw SchemaRegistryException.of(SchemaRegistryException.INVALID_SCHEMA, "invalid schema: the schema is empty");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            throw SchemaRegistryException.of(SchemaRegistryException.INVALID_SCHEMA,
                    "invalid schema: " + e.getMessage());
        }
    }

    /** The text a schema is identified by: Avro's compact JSON form, which keeps docs and properties. */
    public static String canonicalText(Schema schema) {
        return schema.toString();
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String direction, List<String> problems) {
        if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        List<String> reasons = new ArrayList<>();
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            reasons.add(incompatibility.getType() + " at " + incompatibility.getLocation() + ": " + incompatibility.getMessage());
        }
        problems.add(direction + " (" + String.join(", ", reasons) + ")");
    }

    private Optional<RegisteredSchema> find(String subject, String canonical) {
        Integer id = idsByCanonicalText.get(canonical);
        NavigableMap<Integer, RegisteredSchema> versions = subjects.get(subject);
        if (id == null || versions == null) {
            return Optional.empty();
        }
        return versions.values().stream().filter(v -> v.id() == id).findFirst();
    }

    private NavigableMap<Integer, RegisteredSchema> versionsOf(String subject) {
        NavigableMap<Integer, RegisteredSchema> versions = subjects.get(subject);
        if (versions == null) {
            throw SchemaRegistryException.of(SchemaRegistryException.SUBJECT_NOT_FOUND, "subject '" + subject + "' not found");
        }
        return versions;
    }

    private void record(RegistryChange change) {
        journal.append(change);
        apply(change);
    }

    private void apply(RegistryChange change) {
        if (change instanceof RegistryChange.SchemaVersionAdded added) {
            Schema schema = parseJournalled(added);
            Schema previous = schemasById.put(added.id(), schema);
            if (previous != null && !canonicalText(previous).equals(added.schema())) {
                // a journal may hold an id twice when an append timed out after it was stored: the later entry wins
                idsByCanonicalText.remove(canonicalText(previous));
            }
            idsByCanonicalText.put(added.schema(), added.id());
            subjects.computeIfAbsent(added.subject(), s -> new TreeMap<>())
                    .put(added.version(), new RegisteredSchema(added.subject(), added.version(), added.id(), schema));
            highestId = Math.max(highestId, added.id());
        } else if (change instanceof RegistryChange.GlobalCompatibilitySet global) {
            globalLevel = global.level();
        } else if (change instanceof RegistryChange.SubjectCompatibilitySet own) {
            subjectLevels.put(own.subject(), own.level());
        }
    }

    private static Schema parseJournalled(RegistryChange.SchemaVersionAdded added) {
        try {
            return new Schema.Parser().parse(added.schema());
        } catch (RuntimeException e) {
            throw new IllegalStateException("the registry journal holds an unreadable schema (subject '" + added.subject()
                    + "', version " + added.version() + ", id " + added.id() + "): " + e.getMessage(), e);
        }
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject name is empty");
        }
    }
}
