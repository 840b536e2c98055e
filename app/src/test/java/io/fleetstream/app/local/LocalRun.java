package io.fleetstream.app.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code local} mode as the end-to-end tests run it: the whole stack (embedded broker and registry, webhook, topology,
 * query API) in a fresh data directory, with three partitions, exactly-once and a 100 ms commit interval (so answers
 * follow the records within a test's patience), a reader of its topics, and its query API asked as a user asks it.
 * Closing it stops the stack and deletes the directory, so a run leaves nothing behind for the next.
 */
final class LocalRun implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final LocalStack stack;
    final TopicReader reader;
    private final Path dataDir;

    private LocalRun(Path dataDir, LocalStack stack) {
        this.dataDir = dataDir;
        this.stack = stack;
        this.reader = new TopicReader(stack.bootstrapServers(), stack.registryUrl());
    }

    /** @param name names the data directory, so a run's leftovers (a killed JVM) say whose they are */
    static LocalRun start(String name, TopologyConfig topology) throws IOException {
        Path dataDir = Files.createTempDirectory(name);
        try {
            LocalStack stack = LocalStack.start(new LocalStack.Settings(dataDir, LocalStack.Ports.any(),
                    topology.topics(), 3, topology, "exactly_once_v2", Duration.ofMillis(100), WebhookConfig.defaults()),
                    new SimpleMeterRegistry());
            return new LocalRun(dataDir, stack);
        } catch (RuntimeException e) {
            delete(dataDir);
            throw e;
        }
    }

    /** The query API's answer, whatever it is. */
    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.queryPort() + pathAndQuery))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The query API's answer, which must be a 200. */
    JsonNode query(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    @Override
    public void close() throws IOException {
        try {
            stack.close();
        } finally {
            delete(dataDir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
