package io.fleetstream.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fleetstream.http.HealthEndpoints;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.ingest.webhook.WebhookServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * {@code deploy/ingress}, where TLS ends: it renders, every host it serves is covered by its TLS Secret, it routes
 * only the API paths (the webhook's and the query API's) to Services and ports the production overlay has, and it
 * lets the webhook's largest body through. Without kubectl it is skipped (with {@code CI=true} it fails), as
 * {@link DeployManifestsTest} is.
 */
class DeployIngressTest {

    private static JsonNode ingress;
    /** Each Service of the production overlay with the names of its ports. */
    private static final Map<String, Set<String>> services = new HashMap<>();

    @BeforeAll
    static void render() throws IOException {
        List<JsonNode> rendered = kustomize("ingress");
        assertThat(rendered).singleElement().satisfies(resource -> {
            assertThat(resource.path("apiVersion").asText()).isEqualTo("networking.k8s.io/v1");
            assertThat(resource.path("kind").asText()).isEqualTo("Ingress");
        });
        ingress = rendered.get(0);
        for (JsonNode resource : kustomize("overlays/production")) {
            if (resource.path("kind").asText().equals("Service")) {
                Set<String> ports = new HashSet<>();
                resource.path("spec").path("ports").forEach(port -> ports.add(port.path("name").asText()));
                services.put(resource.path("metadata").path("name").asText(), ports);
            }
        }
    }

    @Test
    void itLivesInTheNamespaceOfTheOverlays() {
        assertThat(ingress.path("metadata").path("namespace").asText()).isEqualTo("fleetstream");
    }

    @Test
    void everyHostItServesIsCoveredByItsTlsSecretAndPlainHttpIsRedirected() {
        Set<String> tlsHosts = new HashSet<>();
        ingress.path("spec").path("tls").forEach(tls -> {
            assertThat(tls.path("secretName").asText()).isEqualTo("fleetstream-tls");
            tls.path("hosts").forEach(host -> tlsHosts.add(host.asText()));
        });
        List<String> hosts = new ArrayList<>();
        ingress.path("spec").path("rules").forEach(rule -> hosts.add(rule.path("host").asText()));

        assertThat(hosts).hasSize(2).allSatisfy(host -> assertThat(tlsHosts).contains(host));
        assertThat(ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/force-ssl-redirect").asText())
                .isEqualTo("true");
    }

    @Test
    void onlyTheApiPathsAreRoutedEachToAServiceAndPortThatExist() {
        Map<String, String> routes = new HashMap<>();
        ingress.path("spec").path("rules").forEach(rule -> rule.path("http").path("paths").forEach(path -> {
            JsonNode service = path.path("backend").path("service");
            String name = service.path("name").asText();
            assertThat(services).as("Service %s", name).containsKey(name);
            assertThat(services.get(name)).as("port of Service %s", name).contains(service.path("port").path("name").asText());
            routes.put(path.path("path").asText(), name);
        }));

        assertThat(routes).containsOnly(Map.entry(WebhookServer.EVENTS_PATH, "fleetstream-ingest"),
                Map.entry(WebhookServer.USAGE_PATH, "fleetstream-ingest"), Map.entry("/v1", "fleetstream-topology"));
        assertThat(routes.keySet()).noneMatch(path -> path.startsWith("/health") || path.startsWith("/metrics")
                || HealthEndpoints.READY_PATH.startsWith(path));
    }

    @Test
    void theWebhooksLargestBodyGetsThrough() {
        String size = ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/proxy-body-size").asText();

        assertThat(size).endsWith("m");
        assertThat(Long.parseLong(size.substring(0, size.length() - 1)) * 1024 * 1024)
                .isGreaterThanOrEqualTo(WebhookConfig.DEFAULT_MAX_BODY_BYTES);
    }

    private static List<JsonNode> kustomize(String directory) throws IOException {
        Path kubectl = DeployManifestsTest.kubectl().orElse(null);
        if (kubectl == null) {
            String reason = "kubectl is not on the PATH: cannot render deploy/" + directory;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + " (CI=true: the manifests must be checked)");
            }
            abort(reason);
        }
        File errors = File.createTempFile("kustomize", ".err");
        errors.deleteOnExit();
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize",
                DeployManifestsTest.repositoryRoot().resolve("deploy").resolve(directory).toString())
                .redirectError(errors).start();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("kubectl kustomize deploy/" + directory + " did not finish in 60s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(process.exitValue()).as("kubectl kustomize deploy/%s: %s", directory, Files.readString(errors.toPath()))
                .isZero();
        List<JsonNode> documents = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        try (var parser = yaml.getFactory().createParser(new String(output, StandardCharsets.UTF_8))) {
            yaml.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }
}
