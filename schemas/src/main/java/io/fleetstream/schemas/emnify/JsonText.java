package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.schemas.json.Json;

/** JSON text of the parts of an event fleetstream keeps verbatim ({@code detail}, {@code extra}). */
final class JsonText {

    private JsonText() {
    }

    static String of(JsonNode node) {
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // only a number with an absurd exponent refuses plain notation; the default form is still JSON
            return node.toString();
        }
    }
}
