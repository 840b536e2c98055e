package io.fleetstream.app.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Events that only move time forward: one Update location per partition of the raw topic, for made-up
 * endpoints (from {@code firstEndpoint} on) whose keys Kafka's default partitioner puts on each partition.
 * An end-to-end test sends them after a delivery so that every partition's event-time clock passes the
 * offlines due in it; the test leaves these endpoints out of its comparison.
 */
public final class ClockSentinels {

    /** Far from the simulator's endpoint ids (about 1e7) and event ids (about 1e12). */
    private static final long EVENT_ID_BASE = 9_990_000_000_000L;

    private ClockSentinels() {
    }

    /** One sentinel stamped {@code at} on each of the raw topic's {@code partitions}; event id = base + endpoint id. */
    public static List<ObjectNode> onEveryPartition(int partitions, long firstEndpoint, Instant at) {
        List<ObjectNode> events = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        for (long endpoint = firstEndpoint; covered.size() < partitions; endpoint++) {
            if (covered.add(partitionOf(endpoint, partitions))) {
                ObjectNode e = Json.mapper().createObjectNode();
                e.put("id", EVENT_ID_BASE + endpoint);
                e.put("timestamp", at.toString());
                e.putObject("event_type").put("id", 1).put("description", "Update location");
                e.putObject("event_source").put("id", 0).put("description", "Network");
                e.putObject("event_severity").put("id", 0).put("description", "Info");
                e.put("alert", false);
                e.put("description", "clock sentinel");
                e.putObject("organisation").put("id", 1).put("name", "sentinels");
                e.putObject("endpoint").put("id", endpoint).put("name", "sentinel");
                events.add(e);
            }
        }
        return events;
    }

    /**
     * Posts sentinels stamped {@code at} to the webhook on {@code ingestPort}, waits for a {@code lateness} of arrival,
     * and posts a second round a second later: the first round is then in every partition's watermark, and each
     * partition's clock is at {@code at}. Returns both rounds.
     */
    public static List<ObjectNode> postAndSettle(int ingestPort, int partitions, Instant at, Duration lateness)
            throws IOException, InterruptedException {
        List<ObjectNode> first = onEveryPartition(partitions, 990_000_001L, at);
        post(ingestPort, first);
        Thread.sleep(lateness.plusSeconds(1).toMillis());
        List<ObjectNode> second = onEveryPartition(partitions, 990_100_001L, at.plusSeconds(1));
        post(ingestPort, second);
        List<ObjectNode> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static void post(int ingestPort, List<ObjectNode> events) throws IOException, InterruptedException {
        HttpResponse<String> answer = WebhookPoster.post(ingestPort, events);
        if (answer.statusCode() != 200) {
            throw new AssertionError("the webhook refused the clock sentinels: " + answer.statusCode() + " " + answer.body());
        }
    }

    /** The partition ingest's producer gives an endpoint's events (key: the endpoint id as text). */
    public static int partitionOf(long endpoint, int partitions) {
        return Utils.toPositive(Utils.murmur2(Long.toString(endpoint).getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
