package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fleetstream.schemas.json.Json;

/**
 * JSON text of the parts of an event fleetstream keeps verbatim ({@code detail}, {@code extra}).
 *
 * <p>The shared mapper reads decimals as exact BigDecimals, which Jackson normalises (500.000000 becomes
 * 5E+2); written plainly they stay readable ("500") for anyone who reads the kept detail later.
 */
final class JsonText {

    private static final ObjectWriter PLAIN =
            Json.mapper().writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private JsonText() {
    }

    static String of(JsonNode node) {
        try {
            return PLAIN.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // only a number with an absurd exponent refuses plain notation; the default form is still JSON
            return node.toString();
        }
    }
}
