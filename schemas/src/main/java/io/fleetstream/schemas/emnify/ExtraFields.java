package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The keys of one event (or usage record) that fleetstream does not model, collected while reading it, nested under
 * their parent key, and kept as the record's {@code extra} JSON text ({@link #toJson}); the writers put them back
 * ({@link #restore}). Created per record; the JSON object is only built when there is something to keep.
 */
final class ExtraFields {

    private final JsonNodeFactory nodes;
    private ObjectNode root;

    ExtraFields(JsonNodeFactory nodes) {
        this.nodes = nodes;
    }

    /** A top-level key: unknown, or known with a value of a type fleetstream cannot use. */
    void put(String key, JsonNode value) {
        root().set(key, value);
    }

    /** A key inside one of the event's objects ({@code endpoint}, {@code sim}, ...). */
    void putUnder(String parent, String key, JsonNode value) {
        ObjectNode top = root();
        JsonNode existing = top.get(parent);
        ObjectNode child = existing instanceof ObjectNode object ? object : top.putObject(parent);
        child.set(key, value);
    }

    /**
     * Moves what was collected here, while reading an object nested inside {@code parent}, under {@code parent} in
     * {@code target}: keys two levels deep, such as an unknown key of a usage record's {@code operator.country}.
     */
    void mergeUnder(String parent, ExtraFields target) {
        if (root == null) {
            return;
        }
        root.properties().forEach(field -> target.putUnder(parent, field.getKey(), field.getValue()));
    }

    /** The collected keys as JSON text, or null when every key was modelled. */
    String toJson() {
        return root == null ? null : JsonText.of(root);
    }

    /**
     * Puts every key of {@code extra} (as {@link #toJson} wrote it) back under its parent in {@code target}, replacing a
     * modelled value the reader could not use, so a written record has every key emnify sent.
     *
     * @param what names the record in the error, e.g. {@code event 176777623}
     * @throws IllegalArgumentException when {@code extra} is not a JSON object (not written by a fleetstream reader)
     */
    static void restore(ObjectMapper mapper, ObjectNode target, String extra, String what) {
        JsonNode parsed;
        try {
            parsed = mapper.readTree(extra);
        } catch (JsonProcessingException e) {
            parsed = null;
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw new IllegalArgumentException(what + " has an 'extra' that is not a JSON object; it was not written by a"
                    + " fleetstream reader");
        }
        merge(target, object);
    }

    private static void merge(ObjectNode target, ObjectNode extra) {
        for (Map.Entry<String, JsonNode> field : extra.properties()) {
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode extraObject) {
                merge(existingObject, extraObject);
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private ObjectNode root() {
        if (root == null) {
            root = nodes.objectNode();
        }
        return root;
    }
}
