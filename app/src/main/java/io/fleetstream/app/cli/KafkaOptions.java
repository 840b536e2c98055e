package io.fleetstream.app.cli;

import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Option;

/** How a production role reaches Kafka and the Schema Registry, and which topics it uses. */
public final class KafkaOptions extends ClusterOptions {

    @Option(names = "--schema-registry-url", required = true,
            description = "Confluent-compatible Schema Registry URL, e.g. http://schema-registry:8081")
    public String schemaRegistryUrl;

    @Option(names = "--schema-registry-basic-auth", description = "user:password for the Schema Registry (never logged)")
    public String schemaRegistryUserInfo;

    @Option(names = "--schema-auto-register", defaultValue = "true", fallbackValue = "true", arity = "0..1",
            description = "register fleetstream's schemas under their subjects on first use (default: ${DEFAULT-VALUE})")
    public boolean autoRegisterSchemas;

    @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX,
            description = "prefix of every topic name (default: ${DEFAULT-VALUE})")
    public String topicPrefix;

    @Option(names = "--create-topics", defaultValue = "false", fallbackValue = "true", arity = "0..1",
            description = "create missing topics at start-up (default: ${DEFAULT-VALUE})")
    public boolean createTopics;

    @Option(names = "--partitions", defaultValue = "6", description = "partitions of created topics (default: ${DEFAULT-VALUE})")
    public int partitions;

    @Option(names = "--replication-factor", defaultValue = "3",
            description = "replication factor of created and internal topics (default: ${DEFAULT-VALUE})")
    public short replicationFactor;

    /** The cluster and registry these options name, as the topology role connects to them. */
    public TopologyService.Connection connection() {
        return new TopologyService.Connection(bootstrapServers, kafkaProperties, schemaRegistryUrl,
                schemaRegistryUserInfo, autoRegisterSchemas);
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** With {@code --create-topics}, creates the topics fleetstream needs that are missing. */
    public void createTopicsIfAsked() {
        if (!createTopics) {
            return;
        }
        try (Admin client = Admin.create(adminProperties())) {
            new TopicProvisioner(client).ensure(topics().all(), partitions, replicationFactor);
        }
    }
}
