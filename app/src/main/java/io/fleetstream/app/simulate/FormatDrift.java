package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Rewrites a share of events in one of the alternative forms emnify is known to send (see
 * emnify-events.md, "Format drift"), so the pipeline meets them as it would in production. Every form
 * is still a valid emnify event: {@code id}, {@code event_type.id} and {@code endpoint.id} are never
 * touched.
 */
final class FormatDrift {

    enum Form {
        /** {@code "alert": 1} instead of {@code true}. */
        ALERT_AS_NUMBER,
        /** {@code 2021-10-27T15:17:23Z}. */
        TIMESTAMP_WITHOUT_MILLIS,
        /** {@code 2021-10-06 10:42:58}: no {@code T}, no zone, meaning UTC. */
        TIMESTAMP_WITHOUT_ZONE,
        /** {@code 2017-10-26T07:28:00.000+0000}. */
        TIMESTAMP_NUMERIC_OFFSET,
        /** {@code event_source.name} instead of {@code event_source.description}. */
        SOURCE_AS_NAME,
        /** {@code "WARN"} instead of {@code "Warn"}. */
        SEVERITY_IN_CAPITALS,
        /** {@code "sim": {"id": "1748517"}}. */
        NUMBER_AS_STRING,
        /** an additional top-level object, as a Keen destination adds. */
        EXTRA_TOP_LEVEL_KEY
    }

    private static final Form[] FORMS = Form.values();

    private final double fraction;
    private final SplittableRandom random;

    FormatDrift(double fraction, SplittableRandom random) {
        this.fraction = fraction;
        this.random = random;
    }

    /** Rewrites the event in place with the configured probability. */
    void maybeApply(ObjectNode event) {
        if (random.nextDouble() < fraction) {
            apply(FORMS[random.nextInt(FORMS.length)], event);
        }
    }

    void apply(Form form, ObjectNode event) {
        String timestamp = event.get("timestamp").asText();
        switch (form) {
            case ALERT_AS_NUMBER -> event.put("alert", event.get("alert").asBoolean() ? 1 : 0);
            case TIMESTAMP_WITHOUT_MILLIS -> event.put("timestamp", timestamp.substring(0, 19) + "Z");
            case TIMESTAMP_WITHOUT_ZONE -> event.put("timestamp", timestamp.substring(0, 10) + " " + timestamp.substring(11, 19));
            case TIMESTAMP_NUMERIC_OFFSET -> event.put("timestamp", timestamp.substring(0, 23) + "+0000");
            case SOURCE_AS_NAME -> {
                ObjectNode source = (ObjectNode) event.get("event_source");
                source.set("name", source.remove("description"));
            }
            case SEVERITY_IN_CAPITALS -> {
                ObjectNode severity = (ObjectNode) event.get("event_severity");
                severity.put("description", severity.get("description").asText().toUpperCase(Locale.ROOT));
            }
            case NUMBER_AS_STRING -> {
                JsonNode sim = event.get("sim");
                ObjectNode holder = sim instanceof ObjectNode simObject ? simObject : (ObjectNode) event.get("event_severity");
                holder.put("id", holder.get("id").asText());
            }
            case EXTRA_TOP_LEVEL_KEY -> {
                String delivered = Instant.parse(timestamp).plusMillis(random.nextLong(2_000, 20_000)).toString();
                ObjectNode keen = event.putObject("keen");
                keen.put("timestamp", delivered);
                keen.put("created_at", delivered);
                keen.put("id", HexFormat.of().formatHex(randomBytes(12)).substring(0, 23));
            }
        }
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
