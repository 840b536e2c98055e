package io.fleetstream.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.app.Main;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every benchmark at a tiny size, so the command cannot rot: it runs to the end and writes well-formed figures. It
 * checks the shape of the output, never the speed (a test that asserted speed would fail on a busy machine).
 */
class BenchSmokeTest {

    @TempDir
    Path work;

    @Test
    void everyScenarioRunsAtATinySizeAndWritesItsFigures() throws Exception {
        Path output = work.resolve("out");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = Main.commandLine().execute("bench", "--scenario", "all", "--reader-events", "2000",
                    "--ingest-events", "2000", "--ingest-batch", "100", "--ingest-clients", "2",
                    "--query-devices", "200", "--query-clients", "2", "--query-duration", "1s",
                    "--latency-rate", "500", "--latency-duration", "1s", "--events", "3000",
                    "--topology-devices", "300", "--partitions", "2", "--ceiling-passes", "1", "--guarantee", "at_least_once",
                    "--commit-interval", "200ms", "--state-devices", "300", "--state-heap", "256m",
                    "--scale-out-events", "2000", "--scale-out-instances", "1,2", "--work-dir", work.resolve("state").toString(),
                    "--output", output.toString());
        } finally {
            System.setOut(console);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("== ingest reader", "== ingest vs a plain producer", "== topology vs pass-through ceiling",
                "== end-to-end latency", "== query API",
                "== state:", "== scale-out:");

        JsonNode topology = read(output.resolve("topology.json"));
        assertThat(topology.get("benchmark").asText()).isEqualTo("topology");
        assertThat(topology.get("machine").get("cores").asInt()).isPositive();
        JsonNode atLeastOnce = topology.get("figures").get("guarantees").get("at_least_once");
        assertThat(atLeastOnce.get("ceiling_events_per_s").asDouble()).isPositive();
        assertThat(atLeastOnce.get("topology_events_per_s").asDouble()).isPositive();
        assertThat(atLeastOnce.get("ratio").isNumber()).isTrue();
        assertThat(topology.get("figures").get("events").asLong()).isEqualTo(3000);

        JsonNode ingest = read(output.resolve("ingest.json")).get("figures");
        assertThat(ingest.get("events").asInt()).isEqualTo(2000);
        assertThat(ingest.get("webhook_events_per_s").asDouble()).isPositive();
        assertThat(ingest.get("ceiling_events_per_s").asDouble()).isPositive();
        assertThat(ingest.get("latency_ms_p99").asDouble()).isGreaterThanOrEqualTo(ingest.get("latency_ms_p50").asDouble());

        JsonNode query = read(output.resolve("query.json")).get("figures");
        assertThat(query.get("devices").asInt()).isPositive();
        assertThat(query.get("lookups_per_s").asDouble()).isPositive();
        assertThat(query.get("ceiling_requests_per_s").asDouble()).isPositive();

        JsonNode latency = read(output.resolve("latency.json")).get("figures");
        for (String guarantee : new String[]{"at_least_once", "exactly_once_v2"}) {
            assertThat(latency.get(guarantee).get("events").asInt()).as(guarantee).isEqualTo(500);
            assertThat(latency.get(guarantee).get("read_in_topic").asInt()).as(guarantee).isEqualTo(500);
            assertThat(latency.get(guarantee).get("topic_ms_p99").asDouble()).as(guarantee)
                    .isGreaterThanOrEqualTo(latency.get(guarantee).get("topic_ms_p50").asDouble());
        }

        JsonNode state = read(output.resolve("state.json")).get("figures");
        assertThat(state.get("devices").asInt()).isEqualTo(300);
        assertThat(state.get("devices_in_state").asLong()).isEqualTo(300);
        assertThat(state.get("state_dir_bytes").asLong()).isPositive();
        assertThat(state.get("changelog_records").asLong()).isPositive();
        assertThat(state.get("fresh_start_to_ready_s").asDouble()).isPositive();
        assertThat(state.get("kept_state_start_to_ready_s").asDouble()).isPositive();
        assertThat(state.get("rss_bytes").asLong()).isPositive();
        assertThat(state.get("heap_after_gc_bytes").asLong()).isPositive();

        JsonNode scaleOut = read(output.resolve("scale-out.json")).get("figures");
        assertThat(scaleOut.get("events").asLong()).isEqualTo(2000);
        assertThat(scaleOut.get("instances").get("1").get("events_per_s").asDouble()).isPositive();
        assertThat(scaleOut.get("instances").get("2").get("events_per_s").asDouble()).isPositive();

        JsonNode reader = read(output.resolve("reader.json"));
        assertThat(reader.get("printed").get("events parsed and normalised").get("count").asLong()).isEqualTo(2000);
    }

    private static JsonNode read(Path file) throws Exception {
        assertThat(file).exists();
        return Json.mapper().readTree(Files.readAllBytes(file));
    }
}
