package io.fleetstream.app.outage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What the outage tests share: batches of real example payloads, the category topics' contents, a topology instance. */
final class OutageFixtures {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OutageFixtures() {
    }

    /**
     * {@code count} events, each one of emnify's example payloads in turn with its own id from {@code firstId} on:
     * every category the examples cover, and ids no other batch shares.
     */
    static List<ObjectNode> batch(long firstId, int count) {
        List<String> names = Examples.names();
        List<ObjectNode> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ObjectNode event = (ObjectNode) Examples.json(names.get(i % names.size())).deepCopy();
            event.put("id", firstId + i);
            events.add(event);
        }
        return events;
    }

    static Set<Long> ids(List<ObjectNode> events) {
        return events.stream().map(e -> e.get("id").asLong()).collect(Collectors.toSet());
    }

    /** How often each event id appears across all category topics (read committed, as any consumer reads them). */
    static Map<Long, Long> routedCounts(TopicReader reader, Topics topics) {
        Map<Long, Long> counts = new HashMap<>();
        for (EventCategory category : EventCategory.values()) {
            for (EmnifyEvent event : reader.values(topics.category(category), EmnifyEvent.class)) {
                counts.merge(event.getId(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Each of {@code ids} exactly once: what the category topics must hold. */
    static Map<Long, Long> once(Set<Long> ids) {
        return ids.stream().collect(Collectors.toMap(Function.identity(), id -> 1L));
    }

    /**
     * One topology instance for tests: exactly-once, one thread, a short commit interval, query API on a free port, a
     * static member id, so that an instance restarted on the same state takes its tasks at once, and a group session
     * timeout of 10 s instead of 45 s, so that a stream thread replaced after a failure takes over its tasks sooner.
     */
    static TopologyService.Settings topology(String bootstrapServers, String registryUrl, Topics topics, Path stateDir) {
        return new TopologyService.Settings(bootstrapServers, Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000"),
                registryUrl, null, true, "fleetstream-outage",
                stateDir, "exactly_once_v2", 0, 1, 1, Duration.ofMillis(100), "127.0.0.1", 0, "127.0.0.1",
                "fleetstream-outage-0", TopologyConfig.defaults(topics));
    }

    /** GET {@code path} on this host. */
    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
