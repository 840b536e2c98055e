package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The served OpenAPI document describes exactly the routes the server registers, with their parameters. */
class OpenApiDocumentTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    @TempDir
    static Path stateDir;
    static PartitionedFleet fleet;
    static TestInstance instance;
    static JsonNode document;

    @BeforeAll
    static void served() throws IOException {
        fleet = new PartitionedFleet(1, stateDir, T0);
        instance = TestInstance.alone(fleet);
        Http.Response response = Http.get(instance.port(), "/openapi.yaml");
        assertThat(response.status()).isEqualTo(200);
        document = new YAMLMapper().readTree(response.body());
    }

    @AfterAll
    static void stop() {
        instance.close();
        fleet.close();
    }

    private static Map<String, QueryServer.Route> registered() {
        Map<String, QueryServer.Route> routes = new HashMap<>();
        instance.server().routes().forEach(r -> routes.put(r.method() + " " + r.path(), r));
        return routes;
    }

    private static Map<String, JsonNode> documented() {
        Map<String, JsonNode> operations = new HashMap<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                operations.put(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
            }
        }));
        return operations;
    }

    /** Follows a local $ref such as #/components/parameters/Page. */
    private static JsonNode resolve(JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        JsonNode target = document;
        for (String part : node.get("$ref").asText().substring(2).split("/")) {
            target = target.get(part);
        }
        assertThat(target).as(node.get("$ref").asText()).isNotNull();
        return target;
    }

    private static Set<String> parameters(JsonNode operation, String in) {
        Set<String> names = new TreeSet<>();
        operation.path("parameters").forEach(p -> {
            JsonNode parameter = resolve(p);
            if (parameter.get("in").asText().equals(in)) {
                names.add(parameter.get("name").asText());
            }
        });
        return names;
    }

    @Test
    void isOpenApi3() {
        assertThat(document.get("openapi").asText()).startsWith("3.");
        assertThat(document.get("info").get("title").asText()).isNotBlank();
    }

    @Test
    void documentsEveryRegisteredRouteAndNoOther() {
        assertThat(registered()).hasSizeGreaterThanOrEqualTo(13);
        assertThat(documented().keySet()).containsExactlyInAnyOrderElementsOf(registered().keySet());
    }

    @Test
    void documentsExactlyTheQueryParametersEachRouteAccepts() {
        registered().forEach((key, route) -> assertThat(parameters(documented().get(key), "query"))
                .as(key).containsExactlyInAnyOrderElementsOf(route.queryParameters()));
    }

    @Test
    void documentsThePathParametersOfEachPath() {
        registered().forEach((key, route) -> {
            Set<String> inPath = new TreeSet<>();
            Matcher m = PATH_PARAMETER.matcher(route.path());
            while (m.find()) {
                inPath.add(m.group(1));
            }
            assertThat(parameters(documented().get(key), "path")).as(key).isEqualTo(inPath);
        });
    }

    @Test
    void documentsExactlyTheGroupingsTheFleetAvailabilityAccepts() {
        List<String> accepted = java.util.Arrays.stream(AvailabilityQuery.Grouping.values())
                .map(AvailabilityQuery.Grouping::parameter).toList();
        JsonNode components = document.get("components");
        assertThat(components.get("parameters").get("AvailabilityBy").get("schema").get("enum"))
                .extracting(JsonNode::asText).containsExactlyElementsOf(accepted);
        assertThat(components.get("schemas").get("FleetAvailability").get("properties").get("by").get("enum"))
                .extracting(JsonNode::asText).containsExactlyElementsOf(accepted);
    }

    @Test
    void everyReferenceResolvesAndEveryStateRouteDocumentsItsUnavailableAnswer() {
        List<String> stateRoutes = List.of("GET /v1/devices", "GET /v1/devices/{endpoint_id}", "GET /v1/devices/{endpoint_id}/quota",
                "GET /v1/devices/{endpoint_id}/events", "GET /v1/organisations/{organisation_id}/quota-management",
                "GET /v1/organisations/{organisation_id}/events", "GET /v1/fleet/summary",
                "GET /v1/devices/{endpoint_id}/availability", "GET /v1/fleet/availability");
        for (String route : stateRoutes) {
            JsonNode responses = documented().get(route).get("responses");
            assertThat(responses.has("503")).as(route).isTrue();
            assertThat(responses.has("400")).as(route).isTrue();
            responses.forEach(OpenApiDocumentTest::resolve);
        }
        assertAllReferencesResolve(document);
    }

    private static void assertAllReferencesResolve(JsonNode node) {
        if (node.isObject()) {
            if (node.has("$ref")) {
                resolve(node);
            }
            node.forEach(OpenApiDocumentTest::assertAllReferencesResolve);
        } else if (node.isArray()) {
            node.forEach(OpenApiDocumentTest::assertAllReferencesResolve);
        }
    }
}
