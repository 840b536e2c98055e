package io.fleetstream.schemas.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration of fleetstream: tolerant when reading (unknown properties are kept or
 * ignored by the caller, never an error), ISO-8601 UTC times and plain decimals when writing, nulls
 * written out.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // keeps numbers such as -0.00120000000000009 or 1e16 exactly as sent
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // exact decimals are normalised when read (500.000000 becomes 5E+2); written plainly they stay "500"
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    static {
        // nesting is capped lower than Jackson's default to refuse hostile bodies early. Strings are not capped
        // here: bodies are already bounded by the receiver's byte limit, and one event with a huge string (a 20 MB
        // description) must reach the dead-letter topic alone; Jackson's default 20 MB cap refused its whole batch
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(Integer.MAX_VALUE)
                .build());
    }

    private Json() {
    }

    /** The shared, fully configured mapper. Thread-safe; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
