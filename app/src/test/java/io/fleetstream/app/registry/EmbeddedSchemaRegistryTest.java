package io.fleetstream.app.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.CompatibilityLevel;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.schemas.registry.RegisteredSchema;
import io.fleetstream.schemas.registry.RegistryChange;
import io.fleetstream.schemas.registry.RegistryJournal;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded server and the HTTP client together, over real HTTP, on an in-memory journal. */
class EmbeddedSchemaRegistryTest {

    private static final Schema SIM_V1 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Sim\",\"namespace\":\"test\",\"fields\":[{\"name\":\"iccid\",\"type\":\"string\"}]}");
    private static final Schema SIM_V2 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Sim\",\"namespace\":\"test\",\"fields\":[{\"name\":\"iccid\",\"type\":\"string\"},"
                    + "{\"name\":\"msisdn\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
    private static final Schema SIM_REQUIRED_FIELD = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Sim\",\"namespace\":\"test\",\"fields\":[{\"name\":\"iccid\",\"type\":\"string\"},"
                    + "{\"name\":\"imsi\",\"type\":\"string\"}]}");

    private final InMemoryRegistryJournal journal = new InMemoryRegistryJournal();
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedSchemaRegistry server = EmbeddedSchemaRegistry.start("127.0.0.1", 0, journal);
    private HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(server.url());

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void itListensOnTheChosenFreePort() {
        assertThat(server.port()).isPositive().isNotEqualTo(EmbeddedSchemaRegistry.DEFAULT_PORT);
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
    }

    @Test
    void schemasRegisteredOverHttpShareIdsAcrossSubjectsAndAreFoundAgain() {
        int eventId = client.register("emnify.events.raw-value", EmnifyEvent.getClassSchema());
        int sameId = client.register("emnify.events.generic-value", EmnifyEvent.getClassSchema());
        int letterId = client.register("emnify.events.dlq-value", DeadLetter.getClassSchema());

        assertThat(sameId).isEqualTo(eventId);
        assertThat(letterId).isNotEqualTo(eventId);
        HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(server.url());
        assertThat(fresh.schemaById(eventId)).isEqualTo(EmnifyEvent.getClassSchema());
        assertThat(fresh.lookup("emnify.events.dlq-value", DeadLetter.getClassSchema()))
                .contains(new RegisteredSchema("emnify.events.dlq-value", 1, letterId, DeadLetter.getClassSchema()));
        assertThat(fresh.lookup("emnify.events.dlq-value", EmnifyEvent.getClassSchema())).isEmpty();
        assertThat(fresh.lookup("nope-value", EmnifyEvent.getClassSchema())).isEmpty();
        assertThat(fresh.subjects()).containsExactly("emnify.events.dlq-value", "emnify.events.generic-value", "emnify.events.raw-value");
    }

    @Test
    void versionsAndCompatibilityWorkThroughTheClient() {
        client.register("sim-value", SIM_V1);
        int v2 = client.register("sim-value", SIM_V2);

        assertThat(client.versions("sim-value")).containsExactly(1, 2);
        assertThat(client.latest("sim-value")).isEqualTo(new RegisteredSchema("sim-value", 2, v2, SIM_V2));
        assertThat(client.version("sim-value", 1).schema()).isEqualTo(SIM_V1);
        assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.compatibility("sim-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.isCompatible("sim-value", SIM_REQUIRED_FIELD)).isFalse();
        assertThat(client.isCompatible("brand-new-value", SIM_REQUIRED_FIELD)).isTrue();

        client.setCompatibility("sim-value", CompatibilityLevel.FORWARD);

        assertThat(client.compatibility("sim-value")).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(client.isCompatible("sim-value", SIM_REQUIRED_FIELD)).isTrue();
        assertThat(client.register("sim-value", SIM_REQUIRED_FIELD)).isEqualTo(v2 + 1);
    }

    @Test
    void errorsReachTheClientWithConfluentsCodes() {
        client.register("sim-value", SIM_V1);

        assertThatThrownBy(() -> client.versions("x-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(404))
                .hasMessage("schema registry " + server.url() + ": subject 'x-value' not found (40401)");
        assertThatThrownBy(() -> client.version("sim-value", 5))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40402));
        assertThatThrownBy(() -> client.schemaById(99))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.register("sim-value", SIM_REQUIRED_FIELD))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(409))
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    @Test
    void aRestartOnTheSameJournalKeepsIdsAndVersions() {
        int v1 = client.register("sim-value", SIM_V1);
        int v2 = client.register("sim-value", SIM_V2);
        client.setCompatibility("sim-value", CompatibilityLevel.NONE);
        server.close();

        server = EmbeddedSchemaRegistry.start("127.0.0.1", 0, journal);
        client = new HttpSchemaRegistryClient(server.url());

        assertThat(client.version("sim-value", 1)).isEqualTo(new RegisteredSchema("sim-value", 1, v1, SIM_V1));
        assertThat(client.version("sim-value", 2)).isEqualTo(new RegisteredSchema("sim-value", 2, v2, SIM_V2));
        assertThat(client.compatibility("sim-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(client.register("other-value", SIM_REQUIRED_FIELD)).isEqualTo(v2 + 1);
    }

    @Test
    void answersHaveConfluentsShapes() throws Exception {
        String schema = Json.mapper().writeValueAsString(SIM_V1.toString());

        HttpResponse<String> registered = send("POST", "/subjects/sim-value/versions", "{\"schema\":" + schema + "}", "application/json");
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(RegistryApi.CONTENT_TYPE));
        assertThat(json(registered)).isEqualTo(json("{\"id\":1}"));

        assertThat(json(send("POST", "/subjects/sim-value", "{\"schema\":" + schema + ",\"schemaType\":\"AVRO\"}", RegistryApi.CONTENT_TYPE)))
                .isEqualTo(json("{\"subject\":\"sim-value\",\"version\":1,\"id\":1,\"schema\":" + schema + "}"));
        assertThat(json(send("GET", "/subjects/sim-value/versions/latest", null, null)))
                .isEqualTo(json("{\"subject\":\"sim-value\",\"version\":1,\"id\":1,\"schema\":" + schema + "}"));
        assertThat(json(send("GET", "/schemas/ids/1", null, null))).isEqualTo(json("{\"schema\":" + schema + "}"));
        assertThat(json(send("GET", "/schemas/ids/1/schema", null, null))).isEqualTo(json(SIM_V1.toString()));
        assertThat(json(send("GET", "/subjects", null, null))).isEqualTo(json("[\"sim-value\"]"));
        assertThat(json(send("GET", "/subjects/sim-value/versions", null, null))).isEqualTo(json("[1]"));
        assertThat(json(send("GET", "/", null, null))).isEqualTo(json("{}"));
        assertThat(json(send("GET", "/config", null, null))).isEqualTo(json("{\"compatibilityLevel\":\"BACKWARD\"}"));
        assertThat(json(send("PUT", "/config", "{\"compatibility\":\"full\"}", RegistryApi.CONTENT_TYPE)))
                .isEqualTo(json("{\"compatibility\":\"FULL\"}"));
        assertThat(json(send("PUT", "/config/sim-value", "{\"compatibility\":\"NONE\"}", "application/json")))
                .isEqualTo(json("{\"compatibility\":\"NONE\"}"));
        assertThat(json(send("GET", "/config/sim-value", null, null))).isEqualTo(json("{\"compatibilityLevel\":\"NONE\"}"));
        assertThat(json(send("POST", "/compatibility/subjects/sim-value/versions/latest", "{\"schema\":" + schema + "}", null)))
                .isEqualTo(json("{\"is_compatible\":true}"));
    }

    @Test
    void thePublishedAvscRegisteredByAnotherProducerIsTheSchemaFleetstreamsSerdeUses() throws Exception {
        // another producer (Confluent's KafkaAvroSerializer built on the published .avsc) registers first
        String avsc = Files.readString(Path.of("../schemas/src/main/avro/EmnifyEvent.avsc"));
        HttpResponse<String> registered = send("POST", "/subjects/emnify.events.raw-value/versions",
                "{\"schema\":" + Json.mapper().writeValueAsString(avsc) + "}", RegistryApi.CONTENT_TYPE);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int id = json(registered).get("id").asInt();

        Serde<EmnifyEvent> serde = new AvroSerdes(client, true).forValue(EmnifyEvent.class);
        byte[] value = serde.serializer().serialize("emnify.events.raw", event());

        assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).isEqualTo(id);
        assertThat(json(send("GET", "/subjects/emnify.events.raw-value/versions", null, null))).isEqualTo(json("[1]"));
        assertThat(serde.deserializer().deserialize("emnify.events.raw", value)).isEqualTo(event());
    }

    @Test
    void errorBodiesHaveConfluentsShapeAndStatus() throws Exception {
        assertError(send("GET", "/subjects/x-value/versions", null, null), 404, 40401, "subject 'x-value' not found");
        assertError(send("GET", "/schemas/ids/7", null, null), 404, 40403, "schema id 7 not found");
        assertError(send("GET", "/config/x-value", null, null), 404, 40408,
                "subject 'x-value' does not have subject-level compatibility configured");
        assertThat(json(send("GET", "/config/x-value?defaultToGlobal=true", null, null)))
                .isEqualTo(json("{\"compatibilityLevel\":\"BACKWARD\"}"));
        assertError(send("POST", "/subjects/x-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"record\\\"}\"}", null),
                422, 42201, "invalid schema: ");
        assertError(send("POST", "/subjects/x-value/versions", "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}", null),
                422, 42201, "invalid schema: schemaType PROTOBUF is not supported; this registry supports only AVRO");
        assertError(send("PUT", "/config", "{\"compatibility\":\"SOMETIMES\"}", null), 422, 42203, "invalid compatibility level 'SOMETIMES'");
        assertError(send("POST", "/subjects/x-value/versions", "{not json", null), 400, 400, "the request body is not JSON");
        assertError(send("GET", "/no/such/path", null, null), 404, 404, "HTTP 404");

        client.register("sim-value", SIM_V1);
        assertError(send("GET", "/subjects/sim-value/versions/0", null, null), 422, 42202, "the specified version '0' is not a valid version id");
        assertError(send("GET", "/subjects/sim-value/versions/3", null, null), 404, 40402, "version 3 of subject 'sim-value' not found");
        String incompatible = Json.mapper().writeValueAsString(SIM_REQUIRED_FIELD.toString());
        assertError(send("POST", "/subjects/sim-value", "{\"schema\":" + incompatible + "}", null), 404, 40403,
                "schema not found under subject 'sim-value'");
        assertError(send("POST", "/subjects/sim-value/versions", "{\"schema\":" + incompatible + "}", null), 409, 409,
                "schema is incompatible with subject 'sim-value' under compatibility level BACKWARD");
        JsonNode verbose = json(send("POST", "/compatibility/subjects/sim-value/versions/latest?verbose=true",
                "{\"schema\":" + incompatible + "}", null));
        assertThat(verbose.get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.get("messages").get(0).asText()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    @Test
    void healthAnswersLikeEveryRoleWhileRegistryRoutesKeepConfluentsErrors() throws Exception {
        HttpResponse<String> ready = send("GET", "/health/ready", null, null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json(ready)).isEqualTo(json("{\"status\":\"UP\",\"checks\":{}}"));
        assertThat(send("GET", "/health/live", null, null).statusCode()).isEqualTo(200);

        assertError(send("DELETE", "/config", null, null), 405, 405, "HTTP 405");
    }

    @Test
    void aChangeTheJournalCannotStoreIsRefusedAndForgotten() throws Exception {
        server.close();
        FailingJournal failing = new FailingJournal();
        server = EmbeddedSchemaRegistry.start("127.0.0.1", 0, failing);
        String schema = Json.mapper().writeValueAsString(SIM_V1.toString());

        assertError(send("POST", "/subjects/sim-value/versions", "{\"schema\":" + schema + "}", null), 500, 50001,
                "could not store the change");
        assertError(send("GET", "/subjects/sim-value/versions", null, null), 404, 40401, "subject 'sim-value' not found");
    }

    /** A journal whose store is down. */
    private static final class FailingJournal implements RegistryJournal {
        @Override
        public void append(RegistryChange change) {
            throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR, "could not store the change: broker down", null);
        }

        @Override
        public List<RegistryChange> readAll() {
            return List.of();
        }
    }

    private void assertError(HttpResponse<String> response, int status, int code, String messageStart) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("error_code").asInt()).isEqualTo(code);
        assertThat(body.get("message").asText()).startsWith(messageStart);
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(5));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static EmnifyEvent event() {
        return EmnifyEvent.newBuilder()
                .setId(31877325941L)
                .setTimestamp(Instant.parse("2021-10-27T08:38:02Z"))
                .setEventType(new CodedValue(3, "Create PDP Context"))
                .setDescription("New PDP Context successfully activated")
                .setEndpoint(new Endpoint(20200078L, "Test Sim 2", null, null, null))
                .setIngest(new IngestMetadata(IngestSource.STREAMER, Instant.parse("2021-10-27T08:38:03Z")))
                .build();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return json(response.body());
    }

    private static JsonNode json(String text) throws IOException {
        return Json.mapper().readTree(text);
    }
}
