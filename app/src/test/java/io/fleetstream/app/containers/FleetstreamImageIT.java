package io.fleetstream.app.containers;

import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleetstream image as a user runs it: the {@code registry}, {@code topology} and {@code ingest} roles as
 * containers built from the repository's Dockerfile and this build's jar, with a Kafka container, on one Docker
 * network, reached only over HTTP and Kafka from outside.
 */
class FleetstreamImageIT {

    private static final Logger log = LoggerFactory.getLogger(FleetstreamImageIT.class);
    private static final String TOKEN = "image-test-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Topics topics = Topics.withDefaultPrefix();

    private static final List<GenericContainer<?>> started = new ArrayList<>();
    private static Network network;
    private static KafkaContainer kafka;
    private static GenericContainer<?> registry;
    private static GenericContainer<?> topology;
    private static GenericContainer<?> ingest;

    @BeforeAll
    static void start() {
        Docker.require();
        String image = Docker.fleetstreamImage();
        network = Network.newNetwork();
        kafka = new KafkaContainer(Docker.kafkaImage()).withNetwork(network).withListener("kafka:19092");
        registry = role(image, "registry", 8081, Map.of(
                "FLEETSTREAM_BOOTSTRAP_SERVERS", "kafka:19092",
                "FLEETSTREAM_REGISTRY_HOST", "0.0.0.0"));
        Map<String, String> cluster = Map.of(
                "FLEETSTREAM_BOOTSTRAP_SERVERS", "kafka:19092",
                "FLEETSTREAM_SCHEMA_REGISTRY_URL", "http://registry:8081",
                "FLEETSTREAM_CREATE_TOPICS", "true",
                "FLEETSTREAM_PARTITIONS", "3",
                "FLEETSTREAM_REPLICATION_FACTOR", "1");
        topology = role(image, "topology", 8090, cluster)
                .withEnv("FLEETSTREAM_NUM_STANDBY_REPLICAS", "0")
                .withEnv("FLEETSTREAM_ADVERTISED_HOST", "topology")
                // one poster delivering in order: no lateness to wait out before device state shows
                .withEnv("FLEETSTREAM_EVENT_LATENESS", "0s");
        ingest = role(image, "ingest", 8080, cluster)
                .withEnv("FLEETSTREAM_INGEST_HOST", "0.0.0.0")
                .withEnv("FLEETSTREAM_WEBHOOK_TOKEN", TOKEN);
        for (GenericContainer<?> container : List.of(kafka, registry, topology, ingest)) {
            container.start();
            started.add(container);
        }
    }

    private static GenericContainer<?> role(String image, String role, int port, Map<String, String> env) {
        return new GenericContainer<>(image)
                .withNetwork(network)
                .withNetworkAliases(role)
                .withCommand(role)
                .withEnv(env)
                .withExposedPorts(port)
                .withLogConsumer(new Slf4jLogConsumer(log).withPrefix(role))
                .waitingFor(Wait.forHttp("/health/ready").forPort(port).forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(3)));
    }

    @AfterAll
    static void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    void theWebhookWantsItsTokenAndAnswersWhenKafkaHasTheBatch() throws Exception {
        assertThat(post(null).statusCode()).isEqualTo(401);

        HttpResponse<String> answer = post(TOKEN);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(answer.body())).isEqualTo(Json.mapper().readTree(
                "{\"accepted\": " + ExamplePayloads.size() + ", \"dead_lettered\": 1}"));

        // a downstream consumer on the host reads the category topics through the registry in its container
        TopicReader reader = new TopicReader(kafka.getBootstrapServers(), url(registry, 8081));
        await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> ExamplePayloads.assertRoutedOnce(reader, topics));

        ExamplePayloads.awaitTheDeviceInTheQueryApi(url(topology, 8090));
    }

    @Test
    void everyRoleRunsAsTheImagesUserAndReportsHealthyToDocker() throws Exception {
        for (GenericContainer<?> role : List.of(registry, topology, ingest)) {
            Container.ExecResult id = role.execInContainer("id", "-u");
            assertThat(id.getStdout().strip()).as("uid in " + role.getNetworkAliases()).isEqualTo("10001");
        }
        // the Dockerfile's HEALTHCHECK probes the role's own port; its first run is 15 s after the start
        await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (GenericContainer<?> role : List.of(registry, topology, ingest)) {
                assertThat(role.getCurrentContainerInfo().getState().getHealth().getStatus())
                        .as("docker health of " + role.getNetworkAliases()).isEqualTo("healthy");
            }
        });
    }

    private static HttpResponse<String> post(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(ingest, 8080) + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ExamplePayloads.batch()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }


    private static String url(GenericContainer<?> container, int port) {
        return "http://" + container.getHost() + ":" + container.getMappedPort(port);
    }
}
