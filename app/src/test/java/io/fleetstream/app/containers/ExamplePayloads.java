package io.fleetstream.app.containers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.json.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** emnify's own example events as one Data Streamer batch, and what the category topics must hold after it. */
final class ExamplePayloads {

    /** One made-up event with no timestamp: dead-lettered by ingest, with its bytes. */
    static final String MALFORMED = "{\"id\": 99, \"event_type\": {\"id\": 1, \"description\": \"Update location\"}}";
    /** A device in the examples (Create PDP Context accepted) and the event the query API must list for it. */
    static final long DEVICE = 20200078L;
    static final long DEVICE_EVENT = 31877325941L;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String DEVICE_EXAMPLE = "006-3-create-pdp-accepted-docs.json";

    private ExamplePayloads() {
    }

    /**
     * Every example, once, then the malformed record: a JSON array as the Data Streamer posts it. The device's
     * example is stamped with the time of the call: history keeps 90 days counted from each event's own time, and
     * the examples are years old.
     */
    static byte[] batch() {
        String body = Examples.names().stream()
                .map(name -> name.equals(DEVICE_EXAMPLE) ? stampedNow(name) : new String(Examples.bytes(name), StandardCharsets.UTF_8))
                .collect(Collectors.joining(",\n", "[", ",\n" + MALFORMED + "]"));
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static String stampedNow(String name) {
        ObjectNode event = (ObjectNode) Examples.json(name).deepCopy();
        event.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            return Json.mapper().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static int size() {
        return Examples.names().size();
    }

    /** Each example's id with the category its type belongs to. */
    static Map<Long, EventCategory> expectedCategories() {
        EventCatalog catalog = EventCatalog.standard();
        Map<Long, EventCategory> expected = new HashMap<>();
        for (String name : Examples.names()) {
            JsonNode json = Examples.json(name);
            expected.put(json.get("id").asLong(), catalog.categoryOf(json.get("event_type").get("id").asInt()));
        }
        return expected;
    }

    /** Reads every category topic and checks each example is there once, on the topic of its type. */
    static void assertRoutedOnce(TopicReader reader, Topics topics) {
        Map<Long, EventCategory> routed = new HashMap<>();
        for (EventCategory category : EventCategory.values()) {
            List<EmnifyEvent> events = reader.values(topics.category(category), EmnifyEvent.class);
            for (EmnifyEvent e : events) {
                assertThat(routed.put(e.getId(), category)).as("event %d routed twice", e.getId()).isNull();
            }
        }
        assertThat(routed).isEqualTo(expectedCategories());
    }

    /**
     * Waits (up to 90 s) until the query API at {@code queryUrl} lists the device's example event in its history and
     * answers the device ONLINE.
     */
    static void awaitTheDeviceInTheQueryApi(String queryUrl) {
        await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode events = get(queryUrl + "/v1/devices/" + DEVICE + "/events");
            assertThat(StreamSupport.stream(events.spliterator(), false).map(e -> e.get("id").asLong()))
                    .containsExactly(DEVICE_EVENT);
            assertThat(get(queryUrl + "/v1/devices/" + DEVICE).get("status").asText()).isEqualTo("ONLINE");
        });
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }
}
