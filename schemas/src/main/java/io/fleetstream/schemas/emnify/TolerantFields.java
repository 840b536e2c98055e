package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Set;

import static io.fleetstream.schemas.emnify.TolerantValues.asLong;
import static io.fleetstream.schemas.emnify.TolerantValues.asText;
import static io.fleetstream.schemas.emnify.TolerantValues.isAbsent;

/**
 * Optional fields of an emnify object read the tolerant way, shared by the event and the usage-record readers: a
 * value of the wrong kind is not an error, it is kept in {@link ExtraFields} under its parent object's key
 * ({@code parent} null: at the top level) and read as absent.
 */
final class TolerantFields {

    private TolerantFields() {
    }

    /** A string field; a value that cannot be a string (array, object) is kept in extra. */
    static String text(ObjectNode object, String field, String parent, ExtraFields extra) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        String value = asText(node);
        if (value == null) {
            keep(extra, parent, field, node);
        }
        return value;
    }

    /** A whole-number field; a value that is not a whole number is kept in extra. */
    static Long number(ObjectNode object, String field, String parent, ExtraFields extra) {
        JsonNode node = object.get(field);
        if (isAbsent(node)) {
            return null;
        }
        Long value = asLong(node);
        if (value == null) {
            keep(extra, parent, field, node);
        }
        return value;
    }

    /** Keys of {@code object} outside {@code known}, kept in extra. */
    static void unknownKeys(ObjectNode object, Set<String> known, String parent, ExtraFields extra) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!known.contains(field.getKey())) {
                keep(extra, parent, field.getKey(), field.getValue());
            }
        }
    }

    private static void keep(ExtraFields extra, String parent, String field, JsonNode node) {
        if (parent == null) {
            extra.put(field, node);
        } else {
            extra.putUnder(parent, field, node);
        }
    }
}
