package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.fleetstream.schemas.emnify.MalformedBatchException.Kind;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Splits a request body from the emnify Data Streamer (or a page of the REST API) into its events.
 *
 * <p>The body is a JSON array of events, or a single event object when the stream's batch size is 1; never
 * NDJSON. Each element keeps the exact bytes it was sent as, sliced from the body at the parser's byte
 * offsets, so whatever cannot be normalised is dead-lettered byte for byte. Elements that are not objects
 * are returned too: rejecting them is the reader's job, one record at a time, so one bad element does not
 * cost the whole batch.
 */
public final class EmnifyBatchParser {

    /** The Data Streamer's largest batch: its {@code size} setting accepts 1 to 10,000 records. */
    public static final int DEFAULT_MAX_EVENTS = 10_000;

    private static final int MAX_TOKEN_IN_MESSAGE = 20;
    private static final int MAX_REASON_LENGTH = 120;

    private final ObjectMapper mapper = Json.mapper();
    private final int maxEvents;

    public EmnifyBatchParser() {
        this(DEFAULT_MAX_EVENTS);
    }

    public EmnifyBatchParser(int maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
        }
        this.maxEvents = maxEvents;
    }

    public int maxEvents() {
        return maxEvents;
    }

    /** The events of a body, in the order sent. An empty array is an empty batch, not an error. */
    public List<RawEvent> parse(byte[] body) throws MalformedBatchException {
        Objects.requireNonNull(body, "body");
        try (JsonParser parser = mapper.getFactory().createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MalformedBatchException(Kind.EMPTY, "body is empty; expected a JSON array of events or one event object");
            }
            List<RawEvent> events;
            String root;
            if (first == JsonToken.START_ARRAY) {
                events = readArray(parser, body);
                root = "array";
            } else if (first == JsonToken.START_OBJECT) {
                events = List.of(readElement(parser, body));
                root = "object";
            } else {
                throw new MalformedBatchException(Kind.NOT_A_BATCH,
                        "body is " + describeScalar(first) + "; expected an array of events or one event object");
            }
            ensureNothingFollows(parser, root);
            return events;
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            // the source is a byte array, so any other I/O error is about its bytes too: an encoding Jackson
            // detects but cannot read (e.g. UCS-4 in an odd byte order)
            throw new MalformedBatchException(Kind.NOT_JSON, "body is not JSON: " + plainReason(e.getMessage()));
        } catch (NumberFormatException e) {
            // valid JSON, but a number no exact decimal can hold (an exponent beyond what BigDecimal represents)
            throw new MalformedBatchException(Kind.NOT_JSON, "body has a number that cannot be read: "
                    + plainReason(e.getMessage()));
        }
    }

    private List<RawEvent> readArray(JsonParser parser, byte[] body) throws IOException, MalformedBatchException {
        List<RawEvent> events = new ArrayList<>();
        int count = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new MalformedBatchException(Kind.NOT_JSON, "body is not JSON: the array is not closed");
            }
            count++;
            if (count > maxEvents) {
                // keep counting without building trees, so the message can say how many were sent
                parser.skipChildren();
            } else {
                events.add(readElement(parser, body));
            }
        }
        if (count > maxEvents) {
            throw new MalformedBatchException(Kind.TOO_MANY_EVENTS, "batch has " + count + " events; "
                    + (maxEvents == DEFAULT_MAX_EVENTS
                            ? "the Data Streamer sends at most " + DEFAULT_MAX_EVENTS
                            : "this receiver accepts at most " + maxEvents + " per request")
                    + ": lower the stream's batch size");
        }
        return events;
    }

    private RawEvent readElement(JsonParser parser, byte[] body) throws IOException, MalformedBatchException {
        long start = parser.currentTokenLocation().getByteOffset();
        JsonNode json = mapper.readTree(parser);
        long end = parser.currentLocation().getByteOffset();
        if (start < 0 || end < start || end > body.length) {
            // Jackson reports byte offsets only for UTF-8 input; it decoded UTF-16 or UTF-32 instead
            throw new MalformedBatchException(Kind.NOT_JSON, "body is not UTF-8 encoded JSON; the Data Streamer sends UTF-8");
        }
        return new RawEvent(json == null ? NullNode.getInstance() : json, Arrays.copyOfRange(body, (int) start, (int) end));
    }

    private static void ensureNothingFollows(JsonParser parser, String root) throws MalformedBatchException {
        JsonLocation at;
        try {
            if (parser.nextToken() == null) {
                return;
            }
            at = parser.currentTokenLocation();
        } catch (JsonProcessingException e) {
            at = e.getLocation();
        } catch (IOException e) {
            throw new MalformedBatchException(Kind.NOT_JSON, "body is not JSON after the end of the " + root + ": "
                    + plainReason(e.getMessage()));
        }
        throw new MalformedBatchException(Kind.TRAILING_CONTENT, "body has content after the end of the " + root
                + where(at) + "; expected exactly one JSON array of events or one event object");
    }

    private MalformedBatchException notJson(JsonProcessingException e) {
        String reason = e instanceof StreamConstraintsException && e.getOriginalMessage() != null
                && e.getOriginalMessage().toLowerCase(java.util.Locale.ROOT).contains("nesting depth")
                ? "nested deeper than " + mapper.getFactory().streamReadConstraints().getMaxNestingDepth() + " levels"
                : plainReason(e.getOriginalMessage());
        return new MalformedBatchException(Kind.NOT_JSON, "body is not JSON: " + reason + where(e.getLocation()));
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 0
                ? ""
                : " at line " + location.getLineNr() + " column " + location.getColumnNr();
    }

    private static String describeScalar(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a JSON string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a JSON number";
            case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
            case VALUE_NULL -> "JSON null";
            default -> "not an array or object";
        };
    }

    /** Jackson's message in a person's words, without the parser's internals (or long quotes of the body). */
    private static String plainReason(String message) {
        if (message == null || message.isBlank()) {
            return "malformed JSON";
        }
        if (message.startsWith("Unexpected character")) {
            String quoted = quoted(message);
            return quoted == null ? "unexpected character" : "unexpected character '" + quoted + "'";
        }
        if (message.startsWith("Unrecognized token")) {
            String quoted = quoted(message);
            return quoted == null ? "unrecognized token" : "unrecognized token '" + quoted + "'";
        }
        if (message.startsWith("Unexpected end-of-input")) {
            if (message.contains("close marker for Array")) {
                return "unexpected end of input (an array is not closed)";
            }
            if (message.contains("close marker for Object")) {
                return "unexpected end of input (an object is not closed)";
            }
            return "unexpected end of input";
        }
        if (message.startsWith("Illegal unquoted character")) {
            return "a control character inside a string is not escaped";
        }
        String firstLine = message.lines().findFirst().orElse(message);
        int expecting = firstLine.indexOf(": was expecting");
        String reason = expecting > 0 ? firstLine.substring(0, expecting) : firstLine;
        reason = Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "…";
    }

    /** The text between the first pair of single quotes, cut short, or null. */
    private static String quoted(String message) {
        int open = message.indexOf('\'');
        int close = open < 0 ? -1 : message.indexOf('\'', open + 1);
        if (close <= open + 1) {
            return null;
        }
        String text = message.substring(open + 1, close);
        return text.length() <= MAX_TOKEN_IN_MESSAGE ? text : text.substring(0, MAX_TOKEN_IN_MESSAGE) + "…";
    }
}
