package io.fleetstream.app.cli;

import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a command reaches Kafka: every role, and the operator commands that need only the cluster. */
public class ClusterOptions {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, e.g. kafka:9092")
    public String bootstrapServers;

    // split on line breaks, not commas: values such as ssl.enabled.protocols=TLSv1.2,TLSv1.3 hold commas, and the
    // environment variable (one string) still carries several properties, one per line
    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", split = "\\s*\\R\\s*", splitSynopsisLabel = "\\n",
            description = "any Kafka client property, e.g. security.protocol=SASL_SSL; values may contain commas "
                    + "(repeatable; FLEETSTREAM_KAFKA_PROPERTY takes one KEY=VALUE per line)")
    public Map<String, String> kafkaProperties = new LinkedHashMap<>();

    /** An admin client's settings: the bootstrap servers and every Kafka property (security included). */
    public Map<String, Object> adminProperties() {
        Map<String, Object> admin = new HashMap<>(kafkaProperties);
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return admin;
    }
}
