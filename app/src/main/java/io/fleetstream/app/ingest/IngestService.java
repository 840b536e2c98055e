package io.fleetstream.app.ingest;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.ingest.poller.EmnifyPoller;
import io.fleetstream.ingest.poller.KafkaPollerLease;
import io.fleetstream.ingest.poller.PollerConfig;
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
import java.util.Optional;

/**
 * The ingest role: the Data Streamer webhook and, when configured, the emnify REST API poller, both publishing to
 * the raw topic through one idempotent producer. The webhook is stateless and scales horizontally behind a load
 * balancer; of the pollers of all replicas, one per poller id is active at a time (see {@link KafkaPollerLease}).
 */
public final class IngestService implements AutoCloseable {

    /**
     * Everything the role needs, built from flags and environment in one place.
     *
     * @param webhookEnabled false runs the poller alone (then {@code poller} must be present)
     * @param poller         the REST API poller, or empty for the webhook alone
     */
    public record Settings(String bootstrapServers, Map<String, String> kafkaProperties, String schemaRegistryUrl,
                           String schemaRegistryUserInfo, boolean autoRegisterSchemas, Topics topics,
                           WebhookConfig webhook, boolean webhookEnabled, Optional<PollerConfig> poller) {
        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(webhook, "webhook");
            Objects.requireNonNull(poller, "poller");
            kafkaProperties = Map.copyOf(kafkaProperties);
            if (!webhookEnabled && poller.isEmpty()) {
                throw new IllegalArgumentException("ingest without the webhook needs the poller: nothing would be ingested");
            }
        }

        /** The webhook alone. */
        public Settings(String bootstrapServers, Map<String, String> kafkaProperties, String schemaRegistryUrl,
                        String schemaRegistryUserInfo, boolean autoRegisterSchemas, Topics topics, WebhookConfig webhook) {
            this(bootstrapServers, kafkaProperties, schemaRegistryUrl, schemaRegistryUserInfo, autoRegisterSchemas, topics,
                    webhook, true, Optional.empty());
        }

        public Settings withPoller(PollerConfig config, boolean alsoWebhook) {
            return new Settings(bootstrapServers, kafkaProperties, schemaRegistryUrl, schemaRegistryUserInfo,
                    autoRegisterSchemas, topics, webhook, alsoWebhook, Optional.of(config));
        }

        @Override
        public String toString() {
            // neither the registry's credentials (an option, or in its URL) nor the Kafka properties (security) are printed
            return "Settings[bootstrapServers=" + bootstrapServers
                    + ", schemaRegistryUrl=" + HttpSchemaRegistryClient.withoutCredentials(schemaRegistryUrl)
                    + ", topics=" + topics.prefix() + "*, webhook=" + (webhookEnabled ? webhook : "off")
                    + ", poller=" + poller.map(Object::toString).orElse("off") + "]";
        }
    }

    private final EventPublisher publisher;
    private final WebhookServer webhook;
    private final EmnifyPoller poller;

    private IngestService(EventPublisher publisher, WebhookServer webhook, EmnifyPoller poller) {
        this.publisher = publisher;
        this.webhook = webhook;
        this.poller = poller;
    }

    public static IngestService start(Settings settings, MeterRegistry meters) {
        AvroSerdes serdes = new AvroSerdes(new HttpSchemaRegistryClient(settings.schemaRegistryUrl(),
                settings.schemaRegistryUserInfo(), HttpSchemaRegistryClient.DEFAULT_REQUEST_TIMEOUT),
                settings.autoRegisterSchemas());
        Producer<String, byte[]> producer = new KafkaProducer<>(
                EventPublisher.producerProperties(settings.bootstrapServers(), settings.kafkaProperties(),
                        settings.webhook().ackTimeout()));
        Topics topics = settings.topics();
        EventPublisher publisher = new EventPublisher(producer, serdes.forValue(EmnifyEvent.class).serializer(),
                serdes.forValue(DeadLetter.class).serializer(), topics, settings.webhook().ackTimeout(), () -> {
                    serdes.resolveValueSchema(EmnifyEvent.class, topics.raw());
                    serdes.resolveValueSchema(DeadLetter.class, topics.deadLetters());
                });
        WebhookServer webhook = null;
        EmnifyPoller poller = null;
        try {
            if (settings.webhookEnabled()) {
                webhook = new WebhookServer(settings.webhook(), new EmnifyEventReader(), publisher, meters,
                        Clock.systemUTC());
                webhook.start();
            }
            if (settings.poller().isPresent()) {
                PollerConfig config = settings.poller().get();
                KafkaPollerLease lease = KafkaPollerLease.create(settings.bootstrapServers(), settings.kafkaProperties(),
                        settings.topics(), config.pollerId(), settings.webhook().ackTimeout());
                try {
                    poller = EmnifyPoller.create(config, publisher::publish, lease, meters, Clock.systemUTC()).start();
                } catch (RuntimeException e) {
                    lease.close();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            if (webhook != null) {
                webhook.close();
            }
            publisher.close();
            throw e;
        }
        return new IngestService(publisher, webhook, poller);
    }

    /** The webhook's port. */
    public int port() {
        if (webhook == null) {
            throw new IllegalStateException("this ingest runs the poller only, without the webhook");
        }
        return webhook.port();
    }

    public boolean webhookRunning() {
        return webhook != null;
    }

    public boolean pollerRunning() {
        return poller != null;
    }

    @Override
    public void close() {
        // the poller first: it gives its lease to another replica, and stops publishing before the producer closes
        if (poller != null) {
            poller.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        publisher.close();
    }
}
