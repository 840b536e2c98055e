package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The real emnify usage record examples under {@code /examples-usage/} on the test classpath (this module's test
 * resources, or the schemas test-jar in other modules).
 */
public final class UsageExamples {

    /** The documented data usage record (traffic type 5, cost 0.00188512). */
    public static final String DATA = "001-data-usage-record-docs.json";

    private static final String FOLDER = "/examples-usage/";

    private UsageExamples() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = UsageExamples.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no usage example " + name + " under " + FOLDER);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A fresh, mutable copy: tests change fields to make format variants. */
    public static ObjectNode json(String name) {
        try {
            return (ObjectNode) Json.mapper().readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documented data usage record with another id, as JSON text, e.g. to make a batch of distinct records. */
    public static String dataWithId(long id) {
        ObjectNode usage = json(DATA);
        usage.put("id", id);
        return JsonText.of(usage);
    }

    static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
