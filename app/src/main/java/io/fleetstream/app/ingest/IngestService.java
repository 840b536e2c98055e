package io.fleetstream.app.ingest;

import io.fleetstream.app.lifecycle.StartedParts;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.http.MetricsEndpoint;
import io.fleetstream.http.RoleMeters;
import io.fleetstream.ingest.poller.EmnifyPoller;
import io.fleetstream.ingest.poller.KafkaPollerLease;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.ingest.probe.ProbeServer;
import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.ingest.publish.ProduceErrors;
import io.fleetstream.ingest.publish.PublishReadiness;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.ingest.webhook.WebhookServer;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The ingest role: the Data Streamer webhook and, when configured, the emnify REST API poller, both publishing to
 * the raw topic through one idempotent producer. The webhook is stateless and scales horizontally behind a load
 * balancer; of the pollers of all replicas, one per poller id is active at a time (see {@link KafkaPollerLease}).
 *
 * <p>The role's HTTP port is the webhook's; an ingest that only polls serves its health probes and {@code /metrics}
 * there all the same ({@link ProbeServer}). Its meters ({@link #start(Settings)}): the webhook's, the poller's, produce
 * errors ({@link ProduceErrors}), the producer's own through Micrometer's {@link KafkaClientMetrics}
 * ({@code kafka_producer_*}), and the JVM's and the process' ({@link RoleMeters}).
 */
public final class IngestService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

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
    private final ProbeServer probes;
    private final EmnifyPoller poller;
    private final MeterRegistry meters;
    /** Closed after the publisher, last first: the readiness probes, the producer's meters, the role's registry. */
    private final List<AutoCloseable> afterPublisher;

    private IngestService(EventPublisher publisher, WebhookServer webhook, ProbeServer probes, EmnifyPoller poller,
                          MeterRegistry meters, List<AutoCloseable> afterPublisher) {
        this.publisher = publisher;
        this.webhook = webhook;
        this.probes = probes;
        this.poller = poller;
        this.meters = meters;
        this.afterPublisher = afterPublisher;
    }

    /**
     * The role as deployed: its own registry ({@link RoleMeters}), served on {@code GET /metrics} of its port, and
     * closed with the service.
     */
    public static IngestService start(Settings settings) {
        RoleMeters meters = RoleMeters.create();
        try {
            return start(settings, meters.registry(), meters.endpoint(), meters);
        } catch (RuntimeException e) {
            meters.close();
            throw e;
        }
    }

    /**
     * With its meters in a registry of the caller's, which the caller serves (or not) and closes: its port has no
     * {@code /metrics}.
     */
    public static IngestService start(Settings settings, MeterRegistry meters) {
        return start(settings, meters, null, null);
    }

    private static IngestService start(Settings settings, MeterRegistry meters, MetricsEndpoint scrape, AutoCloseable owned) {
        List<AutoCloseable> afterPublisher = new ArrayList<>();
        if (owned != null) {
            afterPublisher.add(owned);
        }
        AvroSerdes serdes = new AvroSerdes(new HttpSchemaRegistryClient(settings.schemaRegistryUrl(),
                settings.schemaRegistryUserInfo(), HttpSchemaRegistryClient.DEFAULT_REQUEST_TIMEOUT),
                settings.autoRegisterSchemas());
        Producer<String, byte[]> producer = new KafkaProducer<>(
                EventPublisher.producerProperties(settings.bootstrapServers(), settings.kafkaProperties(),
                        settings.webhook().ackTimeout()));
        Topics topics = settings.topics();
        EventPublisher publisher = new EventPublisher(producer, serdes.forValue(EmnifyEvent.class).serializer(),
                serdes.forValue(UsageRecord.class).serializer(), serdes.forValue(DeadLetter.class).serializer(), topics,
                settings.webhook().ackTimeout(), () -> {
                    serdes.resolveValueSchema(EmnifyEvent.class, topics.raw());
                    serdes.resolveValueSchema(UsageRecord.class, topics.usageRaw());
                    serdes.resolveValueSchema(DeadLetter.class, topics.deadLetters());
                }, new ProduceErrors(meters));
        WebhookServer webhook = null;
        ProbeServer probes = null;
        EmnifyPoller poller = null;
        try {
            KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
            afterPublisher.add(producerMetrics);
            producerMetrics.bindTo(meters);
            if (settings.webhookEnabled()) {
                webhook = new WebhookServer(settings.webhook(), new EmnifyEventReader(), publisher, meters, scrape,
                        Clock.systemUTC());
                webhook.start();
            } else {
                // Kubernetes probes the role whether it takes webhooks or not: the same port, the same answers
                PublishReadiness readiness = new PublishReadiness(publisher, Clock.systemUTC());
                afterPublisher.add(readiness);
                probes = new ProbeServer(settings.webhook().host(), settings.webhook().port(), readiness::health,
                        settings.webhook().retryAfterSeconds(), scrape).start();
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
            if (probes != null) {
                probes.close();
            }
            publisher.close();
            StartedParts.closeInReverse(afterPublisher, log);
            throw e;
        }
        return new IngestService(publisher, webhook, probes, poller, meters, afterPublisher);
    }

    /** The role's HTTP port: the webhook's, or, when it only polls, that of its health probes and metrics. */
    public int port() {
        return webhook != null ? webhook.port() : probes.port();
    }

    /** Where the role's meters are. */
    public MeterRegistry meters() {
        return meters;
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
        if (probes != null) {
            probes.close();
        }
        publisher.close();
        StartedParts.closeInReverse(afterPublisher, log);
    }
}
