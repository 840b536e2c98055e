package io.fleetstream.app.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.CompatibilityLevel;
import io.fleetstream.schemas.registry.RegistryChange;

import java.util.Locale;
import java.util.Optional;

/**
 * How registry changes are written to the journal topic: JSON keys and values. The key names what
 * a change is about (a subject's version, a subject's level, the global level), so compaction keeps
 * exactly the latest record of each and replaying the compacted topic gives the same registry.
 */
final class JournalRecords {

    /** One change as a Kafka record's key and value. */
    record Encoded(String key, String value) {
    }

    private static final String SCHEMA = "SCHEMA";
    private static final String CONFIG = "CONFIG";

    private final ObjectMapper json = Json.mapper();

    Encoded encode(RegistryChange change) {
        ObjectNode key = json.createObjectNode();
        ObjectNode value = json.createObjectNode();
        if (change instanceof RegistryChange.SchemaVersionAdded added) {
            key.put("kind", SCHEMA).put("subject", added.subject()).put("version", added.version());
            value.put("subject", added.subject()).put("version", added.version()).put("id", added.id()).put("schema", added.schema());
        } else if (change instanceof RegistryChange.SubjectCompatibilitySet own) {
            key.put("kind", CONFIG).put("subject", own.subject());
            value.put("compatibilityLevel", own.level().name());
        } else if (change instanceof RegistryChange.GlobalCompatibilitySet global) {
            key.put("kind", CONFIG);
            value.put("compatibilityLevel", global.level().name());
        } else {
            throw new IllegalArgumentException("no journal encoding for " + change);
        }
        return new Encoded(key.toString(), value.toString());
    }

    /**
     * The change a journal record holds; empty for a tombstone or a kind this version does not
     * know (a newer fleetstream may write more kinds; skipping them keeps the rest usable).
     *
     * @throws IllegalStateException when the record is not what the journal writes
     */
    Optional<RegistryChange> decode(String key, String value) {
        if (key == null || value == null) {
            return Optional.empty();
        }
        try {
            JsonNode k = json.readTree(key);
            JsonNode v = json.readTree(value);
            String kind = k.path("kind").asText("");
            if (SCHEMA.equals(kind)) {
                return Optional.of(new RegistryChange.SchemaVersionAdded(required(v, "subject").asText(),
                        required(v, "version").asInt(), required(v, "id").asInt(), required(v, "schema").asText()));
            }
            if (CONFIG.equals(kind)) {
                CompatibilityLevel level = CompatibilityLevel.valueOf(required(v, "compatibilityLevel").asText().toUpperCase(Locale.ROOT));
                return Optional.of(k.hasNonNull("subject")
                        ? new RegistryChange.SubjectCompatibilitySet(k.get("subject").asText(), level)
                        : new RegistryChange.GlobalCompatibilitySet(level));
            }
            return Optional.empty();
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("unreadable schema journal record (key " + key + "): " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return value;
    }
}
