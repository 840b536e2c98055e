package io.fleetstream.app.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --kafka-property} and {@code FLEETSTREAM_KAFKA_PROPERTY} carry any Kafka client property, commas included. */
class KafkaOptionsTest {

    private static Map<String, String> kafkaProperties(Map<String, String> environment, String... args) {
        TopologyCommand command = new TopologyCommand();
        String[] all = new String[args.length + 4];
        all[0] = "--bootstrap-servers";
        all[1] = "kafka:9092";
        all[2] = "--schema-registry-url";
        all[3] = "http://registry:8081";
        System.arraycopy(args, 0, all, 4, args.length);
        new CommandLine(command).setDefaultValueProvider(new EnvironmentDefaults(environment)).parseArgs(all);
        return command.kafka.kafkaProperties;
    }

    @Test
    void aValueWithCommasIsOnePropertyOnTheCommandLine() {
        Map<String, String> properties = kafkaProperties(Map.of(),
                "--kafka-property", "ssl.enabled.protocols=TLSv1.2,TLSv1.3",
                "--kafka-property", "security.protocol=SSL");

        assertThat(properties).containsExactly(
                Map.entry("ssl.enabled.protocols", "TLSv1.2,TLSv1.3"),
                Map.entry("security.protocol", "SSL"));
    }

    @Test
    void theEnvironmentTakesOnePropertyPerLineAndValuesMayHoldCommas() {
        // as a Kubernetes `value: |` block writes it: one per line, with a final line break
        Map<String, String> properties = kafkaProperties(Map.of("FLEETSTREAM_KAFKA_PROPERTY",
                "ssl.enabled.protocols=TLSv1.2,TLSv1.3\nsecurity.protocol=SSL\r\nsasl.mechanism=PLAIN\n"));

        assertThat(properties).containsExactly(
                Map.entry("ssl.enabled.protocols", "TLSv1.2,TLSv1.3"),
                Map.entry("security.protocol", "SSL"),
                Map.entry("sasl.mechanism", "PLAIN"));
    }

    @Test
    void flagsReplaceTheEnvironment() {
        Map<String, String> properties = kafkaProperties(Map.of("FLEETSTREAM_KAFKA_PROPERTY", "security.protocol=SSL"),
                "--kafka-property", "security.protocol=SASL_SSL");

        assertThat(properties).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    }
}
