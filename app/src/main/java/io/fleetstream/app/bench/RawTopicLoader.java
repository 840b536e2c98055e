package io.fleetstream.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.simulate.TrafficGenerator;
import io.fleetstream.app.simulate.TrafficProfile;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.emnify.ReadResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Fills a raw topic with simulated traffic as ingest would write it (normalised, Avro in the wire format, keyed by
 * device), generated and sent a minute of simulated time at a time so that a million events never sit in memory.
 */
final class RawTopicLoader {

    /** What was loaded. */
    record Loaded(long events, long bytes) {
    }

    private RawTopicLoader() {
    }

    static Loaded load(String bootstrapServers, String topic, Serializer<EmnifyEvent> serializer, int devices, long events) {
        // a day ago: recent enough that every event is kept in history (90 days from its own time), as live traffic is
        Instant start = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(devices, 7, start));
        EmnifyEventReader reader = new EmnifyEventReader();
        long sent = 0;
        long bytes = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            Instant t = generator.position();
            while (sent < events) {
                t = t.plus(Duration.ofMinutes(1));
                // received a little after the event, as from a Data Streamer that keeps up
                for (ObjectNode json : generator.advanceTo(t)) {
                    if (reader.read(json, IngestSource.SIMULATOR, t.plusSeconds(1)) instanceof ReadResult.Accepted accepted) {
                        EmnifyEvent event = accepted.event();
                        byte[] value = serializer.serialize(topic, event);
                        producer.send(new ProducerRecord<>(topic, EventKeys.keyOf(event), value));
                        bytes += value.length;
                        if (++sent == events) {
                            break;
                        }
                    }
                }
            }
            producer.flush();
        }
        return new Loaded(sent, bytes);
    }
}
