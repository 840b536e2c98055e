package io.fleetstream.app.cli;

import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.ingest.poller.PollerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

/** The ingest role against a real cluster and registry. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Receive emnify Data Streamer webhooks and/or poll emnify's REST API, and publish the events to the raw topic.")
public final class IngestCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    WebhookOptions webhook;

    @Mixin
    PollerOptions poller;

    @Option(names = "--poll-only", defaultValue = "false", fallbackValue = "true", arity = "0..1",
            description = "run the poller without the webhook (implies --poll); --ingest-port then serves only"
                    + " /health/live, /health/ready and /metrics (default: ${DEFAULT-VALUE})")
    boolean pollOnly;

    @Override
    public Integer call() throws Exception {
        IngestService.Settings settings = settings(Clock.systemUTC());
        kafka.createTopicsIfAsked();
        ShutdownSignal shutdown = ShutdownSignal.install();
        // the role's own registry, served on /metrics of --ingest-port and closed with the service
        try (IngestService service = IngestService.start(settings)) {
            System.out.printf("fleetstream ingest: %s, publishing to %s%n", describe(service, settings),
                    kafka.topics().raw());
            shutdown.await();
        } finally {
            shutdown.closed();
        }
        return 0;
    }

    /** The role's settings from flags and environment; a wrong poller setting fails here, naming the option. */
    IngestService.Settings settings(Clock clock) {
        IngestService.Settings settings = new IngestService.Settings(kafka.bootstrapServers, kafka.kafkaProperties,
                kafka.schemaRegistryUrl, kafka.schemaRegistryUserInfo, kafka.autoRegisterSchemas, kafka.topics(),
                webhook.config());
        Optional<PollerConfig> config = poller.config(poller.poll || pollOnly, clock);
        return config.map(c -> settings.withPoller(c, !pollOnly)).orElse(settings);
    }

    private static String describe(IngestService service, IngestService.Settings settings) {
        String webhook = service.webhookRunning() ? "webhook on port " + service.port()
                : "no webhook (probes and metrics on port " + service.port() + ")";
        return settings.poller().map(p -> webhook + ", polling " + p.baseUrl() + " as poller " + p.pollerId()).orElse(webhook);
    }
}
