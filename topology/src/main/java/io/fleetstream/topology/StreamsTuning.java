package io.fleetstream.topology;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;

/**
 * Kafka Streams settings that fit this topology's shape, applied by every run of it (the {@code topology} role,
 * {@code local} mode, the benchmark) beneath the instance's own settings; each entry says why. Measured with
 * {@code fleetstream bench --scenario topology} (README, Performance).
 */
public final class StreamsTuning {

    private StreamsTuning() {
    }

    public static Map<String, Object> properties() {
        return Map.of(
                // each event writes about ten records (category, state, changelogs) of up to 1 KB: larger batches and
                // a short linger send them in far fewer produce requests, which the broker pays for per request
                StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024,
                StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20,
                // one off-heap budget for every store of the instance, Bloom filters for the keyed reads
                StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    }
}
