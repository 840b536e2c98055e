package io.fleetstream.topology.query;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The items of a JSON array exactly as another instance wrote them. Gathered answers pass each item
 * on as text, never parsed and written again: a number such as 20.0 would otherwise come back as
 * 2E+1 or 20 depending on the path, and the same question would get different bytes from different
 * instances.
 */
final class JsonItems {

    /** One item: its text as written, and the item parsed (to read the fields it is ordered by). */
    record Item(String text, JsonNode parsed) {
    }

    private JsonItems() {
    }

    static String text(JsonNode node) {
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The items of the array at {@code field} of a JSON object, or of the top-level array when field is null. */
    static List<Item> of(byte[] json, String field) {
        List<Item> items = new ArrayList<>();
        try (JsonParser parser = Json.mapper().createParser(json)) {
            JsonToken token = parser.nextToken();
            if (field != null) {
                if (token != JsonToken.START_OBJECT) {
                    throw new IOException("expected a JSON object");
                }
                while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    token = parser.nextToken();
                    if (parser.currentName().equals(field)) {
                        break;
                    }
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array" + (field == null ? "" : " at '" + field + "'"));
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentTokenLocation().getByteOffset() + 1;
                items.add(new Item(new String(json, start, end - start, StandardCharsets.UTF_8),
                        Json.mapper().readTree(json, start, end - start)));
            }
        } catch (IOException e) {
            throw new PeerFailureException(502, "another instance answered with a body that is not what this API writes: "
                    + e.getMessage());
        }
        return items;
    }

    /** An array of items given as text. */
    static ArrayNode array(List<String> texts) {
        ArrayNode array = Json.mapper().createArrayNode();
        texts.forEach(text -> array.addRawValue(new RawValue(text)));
        return array;
    }

}
