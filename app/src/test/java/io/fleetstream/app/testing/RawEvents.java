package io.fleetstream.app.testing;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.List;
import java.util.Properties;

/** Events written straight to the raw topic, as ingest writes them: keyed, Avro through the registry, stamped with their ingest time. */
public final class RawEvents {

    private RawEvents() {
    }

    /** One of emnify's example payloads, normalised as the webhook would have received it now. */
    public static EmnifyEvent example(String file) {
        ReadResult<EmnifyEvent> read = new EmnifyEventReader().read(Examples.json(file), IngestSource.STREAMER, Instant.now());
        return ((ReadResult.Accepted<EmnifyEvent>) read).record();
    }

    public static void produce(String bootstrapServers, String registryUrl, String rawTopic, List<EmnifyEvent> events) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        AvroSerdes serdes = new AvroSerdes(new HttpSchemaRegistryClient(registryUrl), true);
        try (KafkaProducer<String, EmnifyEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
                serdes.forValue(EmnifyEvent.class).serializer())) {
            for (EmnifyEvent event : events) {
                producer.send(new ProducerRecord<>(rawTopic, null, event.getIngest().getReceivedAt().toEpochMilli(),
                        EventKeys.keyOf(event), event));
            }
            producer.flush();
        }
    }
}
