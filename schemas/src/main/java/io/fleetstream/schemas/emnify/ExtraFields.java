package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The keys of one event that fleetstream does not model, collected while reading it, nested under their
 * parent key. Created per event; the JSON object is only built when there is something to keep.
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

    private ObjectNode root() {
        if (root == null) {
            root = nodes.objectNode();
        }
        return root;
    }
}
