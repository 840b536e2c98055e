package io.fleetstream.app.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fleetstream.app.net.FreePort;
import io.fleetstream.app.testing.RoleProcess;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.ingest.poller.FakeEmnifyApi;
import io.fleetstream.schemas.emnify.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code deploy/observability/} ask only for series the roles
 * export: every PromQL expression in them is tokenized ({@link PromQl}) and each metric name it selects is looked up
 * in the {@code /metrics} scrapes of a real {@code fleetstream local} (the ingest port and the query port, i.e. both
 * roles) after real traffic: the example payloads with a malformed record (a dead letter), duplicates, a late event, an
 * event too large for Kafka (a produce error), a body that is not JSON, and the emnify poller pulling from a fake of emnify's API. Series that exist only once
 * something happened are made to happen, or listed in {@link #NOT_EXPORTED_BY_FLEETSTREAM} with the reason. Names are compared exactly as exported, so a query on
 * {@code x_bucket} needs a real histogram, not just a timer's {@code x_count}.
 *
 * <p>Also checked without a running role: the dashboard's shape (datasource variable, rows, namespace/instance
 * filters), and that every alert has a duration, a severity, a summary, a description and a runbook section in
 * {@code docs/operations.md}.
 */
class ObservabilityAssetsTest {

    private static final Path ROOT = ObservabilityRulesTest.repositoryRoot();
    private static final Path DASHBOARD = ROOT.resolve("deploy/observability/grafana-dashboard.json");
    private static final Path RULES = ROOT.resolve("deploy/observability/alert-rules.yaml");
    private static final Path RUNBOOK = ROOT.resolve("docs/operations.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Names the assets may use although no fleetstream role exports them, each with the reason. Kept honest:
     * {@link #everyAcceptedAbsentNameIsStillUsed} fails when one is no longer used.
     */
    static final Map<String, String> NOT_EXPORTED_BY_FLEETSTREAM = Map.of(
            "up", "Prometheus writes `up` itself for every scrape target",
            "kube_pod_status_ready", "kube-state-metrics exports the pods' readiness, not fleetstream");

    /**
     * Kafka's client and Streams meters reach Micrometer through KafkaMetrics, which looks for new Kafka metrics
     * every 60 s: task, processor-node and per-partition metrics appear only after the first look once tasks exist.
     */
    private static final Duration SCRAPE_DEADLINE = Duration.ofSeconds(100);
    /** The topology's default lateness bound (--event-lateness, 30 s) and some. */
    private static final Duration LATE_AFTER = Duration.ofSeconds(35);
    private static final String TOKEN = "observability-assets-app-token";
    private static final String MALFORMED = "{\"id\": 99, \"event_type\": {\"id\": 1, \"description\": \"Update location\"}}";

    @TempDir
    Path dataDir;

    // ---------------------------------------------------------------------------------------------- without a role

    @Test
    void theDashboardIsAGrafanaDashboardOnAPrometheusDatasourceVariable() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(dashboard.path("uid").asText()).isEqualTo("fleetstream");
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
        assertThat(variables).containsKeys("datasource", "namespace", "instance");
        assertThat(variables.get("datasource").path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get("datasource").path("query").asText()).isEqualTo("prometheus");

        List<String> rows = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s is unique", panel.path("id")).isTrue();
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                continue;
            }
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(panel.path("targets").size()).as("%s has queries", title).isPositive();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(PromQl.metricNames(expr)).as("%s: %s selects a metric", title, expr).isNotEmpty();
                assertThat(expr).as("%s filters by the dashboard's namespace and instance", title)
                        .contains("namespace=~\"$namespace\"").contains("instance=~\"$instance\"");
            }
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("%s fits the 24-column grid", title)
                    .isLessThanOrEqualTo(24);
        }
        assertThat(rows).containsExactly("Ingest", "Topology", "Fleet", "JVM");
    }

    @Test
    void everyAlertHasADurationASeverityAndARunbookSection() throws IOException {
        Set<String> anchors = runbookAnchors();
        Set<String> names = new HashSet<>();
        List<JsonNode> rules = alertRules();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            assertThat(alert).matches("Fleetstream[A-Za-z]+");
            assertThat(names.add(alert)).as("%s is defined once", alert).isTrue();
            assertThat(rule.path("for").asText()).as("%s waits before firing", alert).matches("[0-9]+[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("warning", "critical");
            JsonNode annotations = rule.path("annotations");
            assertThat(annotations.path("summary").asText()).as(alert).isNotBlank();
            assertThat(annotations.path("description").asText()).as(alert).isNotBlank();
            String runbook = annotations.path("runbook_url").asText();
            assertThat(runbook).as(alert).isEqualTo("docs/operations.md#" + alert.toLowerCase(Locale.ROOT));
            assertThat(anchors).as("docs/operations.md has a section %s", alert)
                    .contains(alert.toLowerCase(Locale.ROOT));
        }
        assertThat(names).as("the alerts issue 14 asks for").contains("FleetstreamConsumerLagGrowing",
                "FleetstreamIngestDeadLetters", "FleetstreamTopologyDeadLetters", "FleetstreamStreamsNotRunning",
                "FleetstreamIngestServerErrors", "FleetstreamPollerBehind", "FleetstreamRestoreTakingLong");
    }

    @Test
    void everyAcceptedAbsentNameIsStillUsed() throws IOException {
        assertThat(usedNames().keySet()).containsAll(NOT_EXPORTED_BY_FLEETSTREAM.keySet());
    }

    // ---------------------------------------------------------------------------------------------- against a scrape

    @Test
    void everyMetricTheDashboardAndTheRulesUseIsExportedByARunningRole() throws Exception {
        Map<String, Set<String>> used = usedNames();
        Set<String> wanted = new TreeSet<>(used.keySet());
        wanted.removeAll(NOT_EXPORTED_BY_FLEETSTREAM.keySet());

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (FakeEmnifyApi api = new FakeEmnifyApi(TOKEN)
                .add(FakeEmnifyApi.spread(880_000_001L, 30, now.minus(Duration.ofMinutes(50)), now.minus(Duration.ofMinutes(5))))) {
            int kafka = FreePort.on("127.0.0.1");
            int registry = FreePort.on("127.0.0.1");
            int ingest = FreePort.on("127.0.0.1");
            int query = FreePort.on("127.0.0.1");
            Instant started = Instant.now();
            try (RoleProcess local = RoleProcess.start(List.of("-Xmx512m"), List.of("local",
                    "--data-dir", dataDir.resolve("data").toString(),
                    "--kafka-port", Integer.toString(kafka), "--registry-port", Integer.toString(registry),
                    "--ingest-host", "127.0.0.1", "--ingest-port", Integer.toString(ingest),
                    "--query-host", "127.0.0.1", "--query-port", Integer.toString(query),
                    "--poll", "--emnify-token", TOKEN, "--emnify-url", api.baseUrl().toString(),
                    "--backfill-since", "1h", "--poll-interval", "2s"), dataDir.resolve("local.log"))) {
                awaitReady(local, ingest, "ingest");
                awaitReady(local, query, "query");
                postTraffic(ingest);
                Instant posted = Instant.now();
                boolean latePosted = false;

                Map<String, Scrape> scrapes = new TreeMap<>();
                Set<String> missing;
                do {
                    Thread.sleep(3_000);
                    local.requireAlive("fleetstream local");
                    if (!latePosted && Duration.between(posted, Instant.now()).compareTo(LATE_AFTER) > 0) {
                        postLateEvent(ingest);
                        latePosted = true;
                    }
                    scrapes.put("ingest port", scrape(ingest));
                    scrapes.put("query port", scrape(query));
                    Set<String> exported = scrapes.values().stream().flatMap(s -> s.names().stream()).collect(Collectors.toSet());
                    missing = new TreeSet<>(wanted);
                    missing.removeAll(exported);
                } while (!missing.isEmpty() && Duration.between(started, Instant.now()).compareTo(SCRAPE_DEADLINE) < 0);

                if (!missing.isEmpty()) {
                    fail(report(missing, used, scrapes));
                }
            }
        }
    }

    private static String report(Set<String> missing, Map<String, Set<String>> used, Map<String, Scrape> scrapes) {
        StringBuilder message = new StringBuilder()
                .append(missing.size()).append(" metric name(s) used by deploy/observability are not exported by a running")
                .append(" `fleetstream local` (ingest and query ports) after traffic and ").append(SCRAPE_DEADLINE.toSeconds())
                .append(" s:\n");
        for (String name : missing) {
            message.append("  ").append(name).append("    used in: ").append(String.join("; ", used.get(name))).append('\n');
        }
        scrapes.forEach((port, scrape) -> message.append("/metrics on the ").append(port).append(": HTTP ")
                .append(scrape.status()).append(", ").append(scrape.names().size()).append(" series names\n"));
        return message.toString();
    }

    // ---------------------------------------------------------------------------------------------- the assets

    /** Every metric name used, with where: dashboard panels and variables, alert and recording rules. */
    static Map<String, Set<String>> usedNames() throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            List<JsonNode> panels = new ArrayList<>(List.of(panel));
            panel.path("panels").forEach(panels::add); // a collapsed row keeps its panels inside
            for (JsonNode p : panels) {
                for (JsonNode target : p.path("targets")) {
                    for (String name : PromQl.metricNames(target.path("expr").asText())) {
                        used.computeIfAbsent(name, n -> new TreeSet<>()).add("dashboard panel \"" + p.path("title").asText() + "\"");
                    }
                }
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                JsonNode query = variable.path("query");
                String text = query.isObject() ? query.path("query").asText() : query.asText();
                for (String name : PromQl.metricNamesOfVariableQuery(text)) {
                    used.computeIfAbsent(name, n -> new TreeSet<>()).add("dashboard variable $" + variable.path("name").asText());
                }
            }
        }
        for (JsonNode rule : allRules()) {
            String label = rule.has("alert") ? "alert " + rule.path("alert").asText() : "record " + rule.path("record").asText();
            for (String name : PromQl.metricNames(rule.path("expr").asText())) {
                used.computeIfAbsent(name, n -> new TreeSet<>()).add(label);
            }
        }
        // a recording rule's output is made by Prometheus from the names it uses, which are checked themselves
        for (JsonNode rule : allRules()) {
            if (rule.has("record")) {
                used.remove(rule.path("record").asText());
            }
        }
        return used;
    }

    private static List<JsonNode> allRules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        JsonNode file = YAML.readTree(RULES.toFile());
        assertThat(file.path("groups").isArray()).as("a Prometheus rule file: groups").isTrue();
        for (JsonNode group : file.path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    private static List<JsonNode> alertRules() throws IOException {
        return allRules().stream().filter(r -> r.has("alert")).toList();
    }

    /** GitHub's heading anchors of docs/operations.md. */
    private static Set<String> runbookAnchors() throws IOException {
        Set<String> anchors = new HashSet<>();
        for (String line : Files.readAllLines(RUNBOOK)) {
            Matcher heading = Pattern.compile("^#{1,6}\\s+(.*?)\\s*$").matcher(line);
            if (heading.matches()) {
                anchors.add(heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    // ---------------------------------------------------------------------------------------------- the running role

    private static void awaitReady(RoleProcess local, int port, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        int status = -1;
        while (Instant.now().isBefore(deadline)) {
            local.requireAlive("fleetstream local");
            status = get(port, "/health/ready").status();
            if (status == 200) {
                return;
            }
            Thread.sleep(500);
        }
        fail("the " + what + " port's /health/ready answered " + status + " after 60 s; the log ends:\n" + local.tail(40));
    }

    /**
     * The example payloads and a malformed record (a dead letter); two of them again (duplicates); an event larger
     * than the producer's max.request.size (1 MiB), which the producer refuses: a produce error, whose counter exists
     * only once one happened (its tag is the exception's class); a body that is not JSON (400).
     */
    private static void postTraffic(int ingest) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("[".getBytes(StandardCharsets.UTF_8));
        for (String name : Examples.names()) {
            body.writeBytes(Examples.bytes(name));
            body.writeBytes(",\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes((MALFORMED + "]").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> batch = WebhookPoster.post(ingest, body.toByteArray());
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        assertThat(batch.body()).contains("\"dead_lettered\":1");
        HttpResponse<String> again = WebhookPoster.post(ingest, List.of(Examples.json("006-3-create-pdp-accepted-docs.json"),
                Examples.json("008-5-delete-pdp-docs.json")));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        ObjectNode huge = ((ObjectNode) Examples.json("004-1-update-location-docs.json")).deepCopy();
        huge.put("id", 880_800_001L).put("description", "d".repeat(4 * 1024 * 1024));
        HttpResponse<String> tooLarge = WebhookPoster.post(ingest, List.of(huge));
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(200);
        assertThat(tooLarge.body()).contains("\"dead_lettered\":1");
        HttpResponse<String> notJson = WebhookPoster.post(ingest, "{\"id\": 1,".getBytes(StandardCharsets.UTF_8));
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    /**
     * A session end a week older than the example's own, of the same device (so on its partition), posted more than
     * the lateness bound (in arrival time) after the example: a late event.
     */
    private static void postLateEvent(int ingest) throws Exception {
        ObjectNode late = ((ObjectNode) Examples.json("008-5-delete-pdp-docs.json")).deepCopy();
        late.put("id", 880_900_001L);
        late.put("timestamp", "2021-10-20T08:40:10.000Z");
        HttpResponse<String> answer = WebhookPoster.post(ingest, List.of(late));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    record Scrape(int status, Set<String> names) {
    }

    /** The series names of a Prometheus text scrape (404 or no answer: none). */
    static Scrape scrape(int port) {
        Answer answer = get(port, "/metrics");
        if (answer.status() != 200) {
            return new Scrape(answer.status(), Set.of());
        }
        return new Scrape(200, seriesNames(answer.body()));
    }

    static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private record Answer(int status, String body) {
    }

    /** A refused connection or a timeout reads as status -1 (not up yet). */
    private static Answer get(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
