package io.fleetstream.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import org.apache.avro.Schema;

/**
 * A generated record class's schema as fleetstream publishes it in {@code schemas/src/main/avro/*.avsc}.
 *
 * <p>Avro's compiler ({@code stringType=String}) adds {@code "avro.java.string": "String"} to every string of the
 * schema it embeds in a generated class. A registry identifies a schema by its text, properties included, so
 * registering that schema would make it a different schema from the published {@code .avsc}: a producer that
 * registers the {@code .avsc} (Confluent's serializer does) would add a second version to every subject, and the
 * other way round. The property only tells Java which string class to decode into; it changes nothing on the wire,
 * so fleetstream registers and looks up the schema without it, and decodes with the class's own schema, which keeps
 * producing {@link String}s.
 */
public final class PublishedSchema {

    static final String JAVA_STRING_PROPERTY = "avro.java.string";

    private PublishedSchema() {
    }

    /** The schema without the {@value #JAVA_STRING_PROPERTY} properties; every other property, doc and default kept. */
    public static Schema of(Schema generated) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(generated.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro wrote a schema that is not JSON: " + generated.getFullName(), e);
        }
        removeJavaStrings(json);
        return new Schema.Parser().parse(json.toString());
    }

    /** Walks schema positions only (types, fields, items, values, unions): defaults and docs stay as they are. */
    private static void removeJavaStrings(JsonNode schema) {
        if (schema instanceof ArrayNode union) {
            union.forEach(PublishedSchema::removeJavaStrings);
        } else if (schema instanceof ObjectNode object) {
            object.remove(JAVA_STRING_PROPERTY);
            removeJavaStrings(object.get("type"));
            removeJavaStrings(object.get("items"));
            removeJavaStrings(object.get("values"));
            JsonNode fields = object.get("fields");
            if (fields instanceof ArrayNode list) {
                for (JsonNode field : list) {
                    removeJavaStrings(field.get("type"));
                }
            }
        }
    }
}
