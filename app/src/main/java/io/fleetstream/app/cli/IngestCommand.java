package io.fleetstream.app.cli;

import io.fleetstream.app.ingest.IngestService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** The ingest role against a real cluster and registry. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Receive emnify Data Streamer webhooks and publish the events to the raw topic.")
public final class IngestCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    WebhookOptions webhook;

    @Override
    public Integer call() throws Exception {
        kafka.createTopicsIfAsked();
        IngestService.Settings settings = new IngestService.Settings(kafka.bootstrapServers, kafka.kafkaProperties,
                kafka.schemaRegistryUrl, kafka.schemaRegistryUserInfo, kafka.autoRegisterSchemas, kafka.topics(),
                webhook.config());
        ShutdownSignal shutdown = ShutdownSignal.install();
        try (IngestService service = IngestService.start(settings, new SimpleMeterRegistry())) {
            System.out.printf("fleetstream ingest: webhook on port %d, publishing to %s%n", service.port(),
                    kafka.topics().raw());
            shutdown.await();
        } finally {
            shutdown.closed();
        }
        return 0;
    }
}
