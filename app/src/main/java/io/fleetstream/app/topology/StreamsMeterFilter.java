package io.fleetstream.app.topology;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps Kafka Streams' state-store metrics to one tag set per name, as Prometheus requires.
 *
 * <p>Kafka tags a store's metrics by the store's type: {@code rocksdb-state-id} for key-value stores,
 * {@code rocksdb-window-state-id} for window stores (fleetstream's only one is the dedupe store
 * {@code dedupe-first-seen}), {@code in-memory-state-id} and so on, under the same metric names
 * ({@code kafka_stream_state_estimate_num_keys}, {@code ..._total_sst_files_size}, ...). Micrometer's
 * {@code KafkaStreamsMetrics} registers whichever store type it meets first for each name and fails, with a warning,
 * on the others: which stores a series covered depended on the order Kafka listed them, name by name.
 *
 * <p>This filter keeps the key-value stores' series (device state, quota state and management, the timer index, the
 * reorder buffer, the event clock, the history) under their {@code rocksdb_state_id} tag and drops the other store
 * types'. Renaming the tag instead would keep the dedupe store's series, but Micrometer's binder removes the meters of
 * a task that moved away by their unrenamed ids, so renamed series of moved tasks would stay behind with stale values.
 * It must be configured on the registry before {@code KafkaStreamsMetrics} binds to it.
 */
final class StreamsMeterFilter implements MeterFilter {

    /** Micrometer's name prefix of Kafka Streams' state-store metrics (Kafka's group {@code stream-state-metrics}). */
    private static final String STATE_METRICS = "kafka.stream.state.";
    /** The tag of key-value stores, after Micrometer replaced '-' by '.'. */
    private static final String KEY_VALUE_STORE_TAG = "rocksdb.state.id";
    private static final String STORE_TAG_SUFFIX = ".state.id";

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        if (!id.getName().startsWith(STATE_METRICS)) {
            return MeterFilterReply.NEUTRAL;
        }
        for (Tag tag : id.getTagsAsIterable()) {
            if (tag.getKey().endsWith(STORE_TAG_SUFFIX) && !tag.getKey().equals(KEY_VALUE_STORE_TAG)) {
                return MeterFilterReply.DENY;
            }
        }
        return MeterFilterReply.NEUTRAL;
    }
}
