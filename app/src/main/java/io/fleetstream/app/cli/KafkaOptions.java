package io.fleetstream.app.cli;

import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a production role reaches Kafka and the Schema Registry. */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, e.g. kafka:9092")
    public String bootstrapServers;

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

    // split on line breaks, not commas: values such as ssl.enabled.protocols=TLSv1.2,TLSv1.3 hold commas, and the
    // environment variable (one string) still carries several properties, one per line
    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", split = "\\s*\\R\\s*", splitSynopsisLabel = "\\n",
            description = "any Kafka client property, e.g. security.protocol=SASL_SSL; values may contain commas "
                    + "(repeatable; FLEETSTREAM_KAFKA_PROPERTY takes one KEY=VALUE per line)")
    public Map<String, String> kafkaProperties = new LinkedHashMap<>();

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
        Map<String, Object> admin = new HashMap<>(kafkaProperties);
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin client = Admin.create(admin)) {
            new TopicProvisioner(client).ensure(topics().all(), partitions, replicationFactor);
        }
    }
}
