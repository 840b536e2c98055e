package io.fleetstream.app.cli;

import io.fleetstream.app.Main;
import io.fleetstream.app.local.LocalStack;
import io.fleetstream.ingest.webhook.BasicCredential;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every secret option, set through the environment as a deployment sets it, reaches the role's settings (so it
 * works) and never their text, the option objects' text, or any command's help.
 */
class SecretOptionsTest {

    private static final String WEBHOOK_TOKEN = "webhook-SECRET-11";
    private static final String BASIC_PASSWORD = "basic-SECRET-22";
    private static final String QUERY_TOKEN = "query-SECRET-33";
    private static final String EMNIFY_TOKEN = "emnify-SECRET-44";
    private static final String REGISTRY_PASSWORD = "registry-SECRET-55";
    private static final String REGISTRY_URL_PASSWORD = "registry-url-SECRET-66";
    private static final String KAFKA_PASSWORD = "kafka-SECRET-77";
    private static final List<String> SECRETS = List.of(WEBHOOK_TOKEN, BASIC_PASSWORD, QUERY_TOKEN, EMNIFY_TOKEN,
            REGISTRY_PASSWORD, REGISTRY_URL_PASSWORD, KAFKA_PASSWORD,
            Base64.getEncoder().encodeToString(("streamer:" + BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8)));

    private static final Map<String, String> ENVIRONMENT = Map.of(
            "FLEETSTREAM_BOOTSTRAP_SERVERS", "kafka:9092",
            "FLEETSTREAM_SCHEMA_REGISTRY_URL", "http://fleet:" + REGISTRY_URL_PASSWORD + "@registry:8081",
            "FLEETSTREAM_SCHEMA_REGISTRY_BASIC_AUTH", "fleet:" + REGISTRY_PASSWORD,
            "FLEETSTREAM_KAFKA_PROPERTY", "security.protocol=SASL_SSL\nsasl.jaas.config=org.apache.kafka.common.security"
                    + ".plain.PlainLoginModule required username=\"fleet\" password=\"" + KAFKA_PASSWORD + "\";",
            "FLEETSTREAM_WEBHOOK_TOKEN", WEBHOOK_TOKEN,
            "FLEETSTREAM_WEBHOOK_BASIC_AUTH", "streamer:" + BASIC_PASSWORD,
            "FLEETSTREAM_QUERY_TOKEN", QUERY_TOKEN,
            "FLEETSTREAM_EMNIFY_TOKEN", EMNIFY_TOKEN,
            "FLEETSTREAM_POLL", "true");

    private static <T> T parse(T command) {
        new CommandLine(command).setDefaultValueProvider(new EnvironmentDefaults(ENVIRONMENT)).parseArgs();
        return command;
    }

    private static void assertNoSecretIn(String where, String text) {
        for (String secret : SECRETS) {
            assertThat(text).as(where).doesNotContain(secret);
        }
    }

    @Test
    void theIngestRolesSettingsHoldEverySecretAndPrintNone() {
        IngestCommand ingest = parse(new IngestCommand());
        var settings = ingest.settings(Clock.systemUTC());

        assertThat(settings.webhook().bearerToken()).contains(WEBHOOK_TOKEN);
        assertThat(settings.webhook().basicCredential()).contains(new BasicCredential("streamer", BASIC_PASSWORD));
        assertThat(settings.schemaRegistryUserInfo()).isEqualTo("fleet:" + REGISTRY_PASSWORD);
        assertThat(settings.kafkaProperties().get("sasl.jaas.config")).contains(KAFKA_PASSWORD);
        assertThat(settings.poller()).isPresent();
        assertNoSecretIn("ingest settings", settings.toString());
        for (Object options : List.of(ingest, ingest.kafka, ingest.webhook, ingest.poller)) {
            assertNoSecretIn(options.getClass().getSimpleName(), options.toString());
        }
    }

    @Test
    void theTopologyRolesSettingsHoldEverySecretAndPrintNone() {
        TopologyCommand topology = parse(new TopologyCommand());
        var settings = topology.settings();

        assertThat(settings.instance().queryAccess().token()).contains(QUERY_TOKEN);
        assertThat(settings.connection().schemaRegistryUserInfo()).isEqualTo("fleet:" + REGISTRY_PASSWORD);
        assertNoSecretIn("topology settings", settings.toString());
        assertNoSecretIn("topology instance", settings.instance().toString());
        assertNoSecretIn("topology connection", settings.connection().toString());
        assertThat(settings.connection().toString()).contains("http://registry:8081");
        for (Object options : List.of(topology, topology.kafka, topology.topology)) {
            assertNoSecretIn(options.getClass().getSimpleName(), options.toString());
        }
    }

    @Test
    void localsSettingsHoldEverySecretAndPrintNone() {
        LocalCommand local = parse(new LocalCommand());
        LocalStack.Settings settings = local.settings(Clock.systemUTC());

        assertThat(settings.topology().queryAccess().token()).contains(QUERY_TOKEN);
        assertThat(settings.webhook().bearerToken()).contains(WEBHOOK_TOKEN);
        assertNoSecretIn("local settings", settings.toString());
        assertNoSecretIn("local topology", LocalStack.topologySettings(settings, "127.0.0.1:9092", "http://127.0.0.1:8081")
                .toString());
    }

    @Test
    void noHelpShowsASecretSetInTheEnvironment() {
        CommandLine commandLine = new CommandLine(new Main()).setDefaultValueProvider(new EnvironmentDefaults(ENVIRONMENT));
        StringWriter help = new StringWriter();
        commandLine.usage(new PrintWriter(help));
        commandLine.getSubcommands().values().forEach(sub -> sub.usage(new PrintWriter(help)));

        assertThat(help.toString()).contains("--query-token", "--webhook-token", "--emnify-token");
        assertNoSecretIn("help", help.toString());
    }
}
