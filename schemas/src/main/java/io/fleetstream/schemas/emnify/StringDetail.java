package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code detail} that arrived as a string. Usually it is JSON text; the Data Streamer of 1NCE (which runs
 * on the emnify platform) sends quota details as pseudo-JSON with unquoted ISO dates
 * ({@code "expiry_date": 2022-03-31T00:00:00Z,}). Only that defect is repaired; anything else that does not
 * parse is left alone and kept verbatim by the reader.
 */
final class StringDetail {

    /** A bare ISO date-time right after a colon and before a comma or closing bracket. */
    private static final Pattern UNQUOTED_TIME = Pattern.compile(
            "(:\\s*)(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?(?:[Zz]|[+-]\\d{2}(?::?\\d{2})?)?)(?=\\s*[,}\\]])");

    private StringDetail() {
    }

    /** The detail as a JSON object, or null when the string is not (repairable) JSON of an object. */
    static ObjectNode parseObject(String text) {
        int first = 0;
        while (first < text.length() && Character.isWhitespace(text.charAt(first))) {
            first++;
        }
        if (first == text.length() || text.charAt(first) != '{') {
            return null;
        }
        Matcher unquoted = UNQUOTED_TIME.matcher(text);
        if (unquoted.find()) {
            // repair first: the pseudo-JSON is the common case for these streams, and valid JSON almost never
            // matches (a date after a colon inside a string value); if it did, the repair breaks it and the
            // original is parsed below
            ObjectNode repaired = tryParseObject(unquoted.replaceAll("$1\"$2\""));
            if (repaired != null) {
                return repaired;
            }
        }
        return tryParseObject(text);
    }

    private static ObjectNode tryParseObject(String text) {
        try {
            JsonNode node = Json.mapper().readTree(text);
            return node instanceof ObjectNode object ? object : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
