package io.fleetstream.app.cli;

import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.registry.KafkaRegistryJournal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * fleetstream's own Confluent-compatible Schema Registry as a role of its own, journalled to a
 * Kafka topic: the registry {@code local} mode embeds, for a compose stack or CI where Confluent's
 * image cannot be pulled. It has no authentication and no leader election, so it is for
 * development; production points the roles at a real Schema Registry.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = {"Serve fleetstream's Confluent-compatible Schema Registry, its schemas kept in a compacted Kafka topic.",
                "For development and CI (no authentication, one instance); in production use a Confluent Schema Registry."})
public final class RegistryCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers (plaintext), e.g. kafka:9092")
    String bootstrapServers;

    @Option(names = "--registry-host", defaultValue = EmbeddedSchemaRegistry.DEFAULT_HOST,
            description = "address the registry binds to; 0.0.0.0 inside a container (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--registry-port", defaultValue = "8081", description = "port of the registry (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--schema-journal-topic", defaultValue = KafkaRegistryJournal.DEFAULT_TOPIC,
            description = "compacted one-partition topic holding the schemas, created when missing (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--replication-factor", defaultValue = "1",
            description = "replication factor of the journal topic when it is created (default: ${DEFAULT-VALUE})")
    short replicationFactor;

    @Override
    public Integer call() throws Exception {
        EmbeddedSchemaRegistry.Config config = new EmbeddedSchemaRegistry.Config(host, port, bootstrapServers, topic, replicationFactor);
        ShutdownSignal shutdown = ShutdownSignal.install();
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(config)) {
            System.out.printf("fleetstream registry: %s, schemas in topic %s at %s%n", registry.url(), topic, bootstrapServers);
            shutdown.await();
        } finally {
            shutdown.closed();
        }
        return 0;
    }
}
