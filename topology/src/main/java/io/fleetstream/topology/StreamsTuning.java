package io.fleetstream.topology;

import java.util.Map;

/**
 * Kafka Streams settings that fit this topology's shape, applied by every run of it (the {@code topology} role,
 * {@code local} mode, the benchmark) under the instance's own settings; each entry says why.
 */
public final class StreamsTuning {

    private StreamsTuning() {
    }

    public static Map<String, Object> properties() {
        return Map.of();
    }
}
