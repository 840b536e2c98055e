package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The usage entries of the query API's answers, in a form a test compares with hand-computed sums. */
final class UsageEntries {

    private UsageEntries() {
    }

    /** Each entry of a usage array as currency, counts and decimals; the decimals must be JSON strings. */
    static List<String> usage(JsonNode array) {
        List<String> entries = new ArrayList<>();
        for (JsonNode u : array) {
            JsonNode mb = u.get("volume_mb");
            for (JsonNode decimal : List.of(mb.get("total"), mb.get("rx"), mb.get("tx"), u.get("cost"))) {
                assertThat(decimal.isTextual()).as("a decimal as a string: " + decimal).isTrue();
            }
            entries.add(u.get("currency").asText() + " records=" + u.get("records").asLong() + " sms="
                    + u.get("sms").asLong() + " mb=" + mb.get("total").asText() + "/" + mb.get("rx").asText() + "/"
                    + mb.get("tx").asText() + " cost=" + u.get("cost").asText());
        }
        return entries;
    }
}
