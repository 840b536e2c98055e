package io.fleetstream.app.ingest;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.ingest.webhook.WebhookServer;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The ingest role: the Data Streamer webhook publishing to the raw topic through one idempotent
 * producer. Stateless, so it scales horizontally behind a load balancer.
 */
public final class IngestService implements AutoCloseable {

    /** Everything the role needs, built from flags and environment in one place. */
    public record Settings(String bootstrapServers, Map<String, String> kafkaProperties, String schemaRegistryUrl,
                           String schemaRegistryUserInfo, boolean autoRegisterSchemas, Topics topics,
                           WebhookConfig webhook) {
        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(webhook, "webhook");
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        @Override
        public String toString() {
            return "Settings[bootstrapServers=" + bootstrapServers + ", schemaRegistryUrl=" + schemaRegistryUrl
                    + ", topics=" + topics.prefix() + "*, webhook=" + webhook + "]";
        }
    }

    private final EventPublisher publisher;
    private final WebhookServer webhook;

    private IngestService(EventPublisher publisher, WebhookServer webhook) {
        this.publisher = publisher;
        this.webhook = webhook;
    }

    public static IngestService start(Settings settings, MeterRegistry meters) {
        AvroSerdes serdes = new AvroSerdes(new HttpSchemaRegistryClient(settings.schemaRegistryUrl(),
                settings.schemaRegistryUserInfo(), HttpSchemaRegistryClient.DEFAULT_REQUEST_TIMEOUT),
                settings.autoRegisterSchemas());
        Producer<String, byte[]> producer = new KafkaProducer<>(
                EventPublisher.producerProperties(settings.bootstrapServers(), settings.kafkaProperties()));
        EventPublisher publisher = new EventPublisher(producer, serdes.forValue(EmnifyEvent.class).serializer(),
                serdes.forValue(DeadLetter.class).serializer(), settings.topics(), settings.webhook().ackTimeout());
        WebhookServer webhook = new WebhookServer(settings.webhook(), new EmnifyEventReader(), publisher, meters,
                Clock.systemUTC());
        try {
            webhook.start();
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
        return new IngestService(publisher, webhook);
    }

    public int port() {
        return webhook.port();
    }

    @Override
    public void close() {
        webhook.close();
        publisher.close();
    }
}
