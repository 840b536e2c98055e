package io.fleetstream.app.topology;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The Kafka Streams client's state and restore progress as gauges, beside the metrics of Micrometer's
 * {@code KafkaStreamsMetrics}, which has neither.
 *
 * <p>In Prometheus: {@code fleetstream_topology_streams_state{state}}, one series per {@link KafkaStreams.State}, 1 for
 * the current state and 0 for the others (so {@code fleetstream_topology_streams_state{state="RUNNING"} == 0} is an
 * alert), and {@code fleetstream_topology_restore_remaining_records}, the changelog records this instance still has to
 * restore into the stores of its active tasks ({@link RestoreProgress}).
 */
final class StreamsMeters {

    static final String STATE = "fleetstream.topology.streams.state";
    static final String RESTORE_REMAINING = "fleetstream.topology.restore.remaining.records";

    private StreamsMeters() {
    }

    static void bind(KafkaStreams streams, RestoreProgress restore, MeterRegistry meters) {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            Gauge.builder(STATE, streams, s -> s.state() == state ? 1 : 0)
                    .description("1 for the Kafka Streams client's current state, 0 for the others")
                    .tag("state", state.name())
                    .strongReference(true)
                    .register(meters);
        }
        Gauge.builder(RESTORE_REMAINING, restore, RestoreProgress::remaining)
                .description("changelog records this instance still has to restore into the stores of its active tasks")
                .strongReference(true)
                .register(meters);
    }
}
