package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.Objects;

/**
 * One element of a batch: its parsed JSON and the exact bytes it was sent as, so a record that cannot be
 * normalised reaches the dead-letter topic as it arrived.
 */
public record RawEvent(JsonNode json, byte[] original) {

    public RawEvent {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(original, "original");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawEvent that && json.equals(that.json) && Arrays.equals(original, that.original);
    }

    @Override
    public int hashCode() {
        return 31 * json.hashCode() + Arrays.hashCode(original);
    }

    /** Sizes only: event details may carry activation tokens and must not reach a log through toString. */
    @Override
    public String toString() {
        return "RawEvent[" + original.length + " bytes]";
    }
}
