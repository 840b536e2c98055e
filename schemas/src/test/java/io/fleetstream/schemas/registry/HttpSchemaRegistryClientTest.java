package io.fleetstream.schemas.registry;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against answers shaped like Confluent Schema Registry 7.x's, extra fields included. */
class HttpSchemaRegistryClientTest {

    @RegisterExtension
    static final WireMockExtension registry = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String VND = "application/vnd.schemaregistry.v1+json";
    private static final Schema SIM = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Sim\",\"namespace\":\"test\",\"fields\":[{\"name\":\"iccid\",\"type\":\"string\"}]}");

    private HttpSchemaRegistryClient client() {
        return new HttpSchemaRegistryClient(registry.baseUrl(), null, Duration.ofSeconds(5));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", VND).withBody(body);
    }

    private static String error(int code, String message) {
        return "{\"error_code\":" + code + ",\"message\":\"" + message + "\"}";
    }

    private static String quoted(Schema schema) {
        return "\"" + schema.toString().replace("\"", "\\\"") + "\"";
    }

    @Test
    void registerPostsTheSchemaAndReadsTheIdIgnoringExtraFields() {
        registry.stubFor(post("/subjects/sim-value/versions").willReturn(json(200,
                "{\"id\":42,\"version\":3,\"guid\":\"5c4a1c54-3f0c-4b5e-9c36-1f7a1f2b9a11\",\"schemaType\":\"AVRO\",\"schema\":" + quoted(SIM) + "}")));

        assertThat(client().register("sim-value", SIM)).isEqualTo(42);

        registry.verify(postRequestedFor(urlEqualTo("/subjects/sim-value/versions"))
                .withHeader("Content-Type", equalTo(VND))
                .withRequestBody(matchingJsonPath("$.schema", equalTo(SIM.toString()))));
    }

    @Test
    void theHotPathAsksTheRegistryOnlyOnceForTheSameThing() {
        registry.stubFor(post("/subjects/sim-value/versions").willReturn(json(200, "{\"id\":42}")));
        registry.stubFor(get("/schemas/ids/7").willReturn(json(200,
                "{\"schema\":" + quoted(SIM) + ",\"schemaType\":\"AVRO\",\"references\":[],\"guid\":\"a\"}")));
        registry.stubFor(post("/subjects/other-value").willReturn(json(200,
                "{\"subject\":\"other-value\",\"version\":2,\"id\":9,\"schema\":" + quoted(SIM) + ",\"guid\":\"b\"}")));
        HttpSchemaRegistryClient client = client();

        for (int i = 0; i < 3; i++) {
            assertThat(client.register("sim-value", SIM)).isEqualTo(42);
            assertThat(client.schemaById(7)).isEqualTo(SIM);
            assertThat(client.lookup("other-value", SIM)).contains(new RegisteredSchema("other-value", 2, 9, SIM));
        }
        // the schema it registered or found is known by id without asking
        assertThat(client.schemaById(42)).isEqualTo(SIM);
        assertThat(client.schemaById(9)).isEqualTo(SIM);

        registry.verify(1, postRequestedFor(urlEqualTo("/subjects/sim-value/versions")));
        registry.verify(1, getRequestedFor(urlEqualTo("/schemas/ids/7")));
        registry.verify(1, postRequestedFor(urlEqualTo("/subjects/other-value")));
        assertThat(registry.getAllServeEvents()).hasSize(3);
    }

    @Test
    void aLookupOfAnUnregisteredSchemaIsEmpty() {
        registry.stubFor(post("/subjects/unknown-value").willReturn(json(404, error(40401, "Subject 'unknown-value' not found."))));
        registry.stubFor(post("/subjects/sim-value").willReturn(json(404, error(40403, "Schema not found"))));

        assertThat(client().lookup("unknown-value", SIM)).isEmpty();
        assertThat(client().lookup("sim-value", SIM)).isEmpty();
    }

    @Test
    void subjectsVersionsAndASubjectsVersionsAreRead() {
        registry.stubFor(get("/subjects").willReturn(json(200, "[\"a-value\",\"b-value\"]")));
        registry.stubFor(get("/subjects/a-value/versions").willReturn(json(200, "[1,2]")));
        registry.stubFor(get("/subjects/a-value/versions/2").willReturn(json(200,
                "{\"subject\":\"a-value\",\"version\":2,\"id\":5,\"guid\":\"c\",\"schemaType\":\"AVRO\",\"schema\":" + quoted(SIM) + "}")));
        registry.stubFor(get("/subjects/a-value/versions/latest").willReturn(json(200,
                "{\"subject\":\"a-value\",\"version\":2,\"id\":5,\"schema\":" + quoted(SIM) + "}")));
        HttpSchemaRegistryClient client = client();

        assertThat(client.subjects()).containsExactly("a-value", "b-value");
        assertThat(client.versions("a-value")).containsExactly(1, 2);
        assertThat(client.version("a-value", 2)).isEqualTo(new RegisteredSchema("a-value", 2, 5, SIM));
        assertThat(client.latest("a-value")).isEqualTo(new RegisteredSchema("a-value", 2, 5, SIM));
    }

    @Test
    void compatibilityLevelsAreReadAndSet() {
        registry.stubFor(get("/config").willReturn(json(200, "{\"compatibilityLevel\":\"BACKWARD\"}")));
        registry.stubFor(get("/config/a-value?defaultToGlobal=true").willReturn(json(200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}")));
        registry.stubFor(get("/config/b-value?defaultToGlobal=true").willReturn(json(404,
                error(40408, "Subject 'b-value' does not have subject-level compatibility configured"))));
        registry.stubFor(put("/config/a-value").willReturn(json(200, "{\"compatibility\":\"FORWARD\"}")));
        HttpSchemaRegistryClient client = client();

        assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.compatibility("a-value")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(client.compatibility("b-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        client.setCompatibility("a-value", CompatibilityLevel.FORWARD);

        registry.verify(putRequestedFor(urlEqualTo("/config/a-value")).withRequestBody(equalToJson("{\"compatibility\":\"FORWARD\"}")));
    }

    @Test
    void compatibilityChecksReadTheVerdict() {
        registry.stubFor(post("/compatibility/subjects/a-value/versions/latest").willReturn(json(200, "{\"is_compatible\":false,\"messages\":[]}")));
        registry.stubFor(post("/compatibility/subjects/b-value/versions/latest").willReturn(json(200, "{\"is_compatible\":true}")));
        registry.stubFor(post("/compatibility/subjects/new-value/versions/latest").willReturn(json(404, error(40401, "Subject 'new-value' not found."))));

        assertThat(client().isCompatible("a-value", SIM)).isFalse();
        assertThat(client().isCompatible("b-value", SIM)).isTrue();
        assertThat(client().isCompatible("new-value", SIM)).isTrue();
    }

    @Test
    void anUnknownSubjectIsReportedWithTheRegistryAndTheErrorCode() {
        registry.stubFor(get("/subjects/x-value/versions").willReturn(json(404, error(40401, "Subject 'x-value' not found."))));

        assertThatThrownBy(() -> client().versions("x-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(40401);
                    assertThat(e.isNotFound()).isTrue();
                })
                .hasMessage("schema registry " + registry.baseUrl() + ": subject 'x-value' not found (40401)");
    }

    @Test
    void unknownVersionsAndSchemaIdsAreReportedAsSuch() {
        registry.stubFor(get("/subjects/x-value/versions/9").willReturn(json(404, error(40402, "Version 9 not found."))));
        registry.stubFor(get("/schemas/ids/77").willReturn(json(404, error(40403, "Schema 77 not found"))));

        assertThatThrownBy(() -> client().version("x-value", 9))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40402))
                .hasMessage("schema registry " + registry.baseUrl() + ": version 9 of subject 'x-value' not found (40402)");
        assertThatThrownBy(() -> client().schemaById(77))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(40403);
                    assertThat(e.httpStatus()).isEqualTo(404);
                })
                .hasMessage("schema registry " + registry.baseUrl() + ": schema id 77 not found (40403)");
    }

    @Test
    void anIncompatibleSchemaIsReportedWithTheRegistrysReason() {
        registry.stubFor(post("/subjects/sim-value/versions").willReturn(json(409, error(409,
                "Schema being registered is incompatible with an earlier schema for subject 'sim-value', details: [READER_FIELD_MISSING_DEFAULT_VALUE]"))));

        assertThatThrownBy(() -> client().register("sim-value", SIM))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageStartingWith("schema registry " + registry.baseUrl() + ": schema is incompatible with subject 'sim-value'")
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
                .hasMessageEndingWith("(409)");
    }

    @Test
    void anInvalidSchemaIsReportedWithTheRegistrysReason() {
        registry.stubFor(post("/subjects/sim-value/versions").willReturn(json(422, error(42201, "Invalid schema: No type"))));

        assertThatThrownBy(() -> client().register("sim-value", SIM))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(42201);
                })
                .hasMessage("schema registry " + registry.baseUrl() + ": invalid schema: Invalid schema: No type (42201)");
    }

    @Test
    void anErrorWithoutAConfluentBodyKeepsTheHttpStatus() {
        registry.stubFor(get("/subjects").willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));

        assertThatThrownBy(() -> client().subjects())
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(502);
                    assertThat(e.errorCode()).isEqualTo(502);
                })
                .hasMessage("schema registry " + registry.baseUrl() + ": HTTP 502 for GET /subjects: <html>Bad Gateway</html> (502)");
    }

    @Test
    void aSchemaThatIsNotAvroIsRefused() {
        registry.stubFor(get("/schemas/ids/3").willReturn(json(200, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}")));

        assertThatThrownBy(() -> client().schemaById(3)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("schema id 3 is a PROTOBUF schema; fleetstream reads only AVRO");
    }

    @Test
    void anUnreachableRegistrySaysWhereItLookedAndWhatToCheck() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient("http://127.0.0.1:" + closedPort, null, Duration.ofSeconds(2));

        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isZero())
                .hasMessageStartingWith("schema registry unreachable at http://127.0.0.1:" + closedPort)
                .hasMessageContaining("check that the registry is running");
    }

    @Test
    void aRegistryThatDoesNotAnswerInTimeFailsWithinTheTimeout() {
        registry.stubFor(get("/subjects").willReturn(json(200, "[]").withFixedDelay(3_000)));
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.baseUrl(), null, Duration.ofMillis(300));

        long started = System.nanoTime();
        assertThatThrownBy(client::subjects)
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage("schema registry " + registry.baseUrl() + " did not answer GET /subjects within 300 ms:"
                        + " check that it is running and not overloaded, or raise the request timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void basicAuthCredentialsAreSentButNeverShown() {
        String password = "pa55-w0rd-secret";
        String header = "Basic " + Base64.getEncoder().encodeToString(("fleet:" + password).getBytes(StandardCharsets.UTF_8));
        registry.stubFor(get("/subjects").withHeader("Authorization", equalTo(header)).willReturn(json(200, "[\"a-value\"]")));
        registry.stubFor(get("/subjects/x-value/versions").willReturn(json(401,
                error(40101, "Unauthorized: bad credentials for fleet:" + password))));
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.baseUrl(), "fleet:" + password, Duration.ofSeconds(5));

        assertThat(client.subjects()).containsExactly("a-value");
        assertThatThrownBy(() -> client.versions("x-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(password).doesNotContain(header.substring(6)));
        assertThat(client.toString()).doesNotContain(password).contains(registry.baseUrl());
    }

    @Test
    void credentialsInTheUrlAreUsedAndKeptOutOfMessages() throws IOException {
        String password = "url-secret-99";
        String header = "Basic " + Base64.getEncoder().encodeToString(("fleet:" + password).getBytes(StandardCharsets.UTF_8));
        registry.stubFor(get("/subjects").withHeader("Authorization", equalTo(header)).willReturn(json(200, "[]")));
        registry.stubFor(get("/subjects/x-value/versions").willReturn(json(404, error(40401, "Subject 'x-value' not found."))));
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(
                "http://fleet:" + password + "@localhost:" + registry.getPort() + "/", null, Duration.ofSeconds(5));

        assertThat(client.subjects()).isEmpty();
        assertThat(client.url()).isEqualTo("http://localhost:" + registry.getPort());
        assertThatThrownBy(() -> client.versions("x-value"))
                .hasMessage("schema registry http://localhost:" + registry.getPort() + ": subject 'x-value' not found (40401)");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpSchemaRegistryClient unreachable = new HttpSchemaRegistryClient("http://fleet:" + password + "@127.0.0.1:" + closedPort, null, Duration.ofSeconds(2));
        assertThatThrownBy(unreachable::subjects).satisfies(e -> assertThat(e.getMessage()).doesNotContain(password));
        assertThat(unreachable.toString()).doesNotContain(password);
    }

    @Test
    void aMalformedUrlIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("http://fleet:top secret@host:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("top secret").contains("http://localhost:8081"));
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://host:port");
    }

    @Test
    void subjectsAreEncodedIntoThePath() {
        registry.stubFor(get(urlPathEqualTo("/subjects/odd%20subject%2Fvalue/versions")).willReturn(json(200, "[1]")));

        assertThat(client().versions("odd subject/value")).containsExactly(1);
    }
}
