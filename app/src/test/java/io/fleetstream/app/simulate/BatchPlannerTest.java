package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BatchPlannerTest {

    private static final Instant START = Instant.parse("2024-05-01T00:00:00Z");

    @Test
    void cutsBatchesOfAtMostTheBatchSizeWithoutLosingOrReorderingAnyDevicesEvents() {
        List<ObjectNode> due = new TrafficGenerator(TrafficProfile.of(30, 9, START).withDuplicateFraction(0.2))
                .advanceTo(START.plus(Duration.ofHours(2)));

        List<List<ObjectNode>> batches = new BatchPlanner(50, new SplittableRandom(1)).plan(due);

        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 50));
        List<ObjectNode> delivered = batches.stream().flatMap(List::stream).toList();
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(due);
        assertThat(byDevice(delivered)).isEqualTo(byDevice(due));
        assertThat(delivered).as("devices interleave differently").isNotEqualTo(due);
        assertThat(batches).allSatisfy(batch -> {
            Set<Long> ids = new HashSet<>();
            batch.forEach(event -> assertThat(ids.add(event.get("id").asLong())).isTrue());
        });
    }

    @Test
    void aReSendWaitsForTheNextBatchAndTheDevicesLaterEventsWaitWithIt() {
        ObjectNode original = event(1, 100);
        ObjectNode other = event(2, 200);
        ObjectNode resend = original.deepCopy();
        ObjectNode next = event(3, 100);
        ObjectNode otherNext = event(4, 200);

        List<List<ObjectNode>> batches = new BatchPlanner(500, new SplittableRandom(1))
                .plan(List.of(original, other, resend, next, otherNext));

        assertThat(batches).hasSize(2);
        assertThat(batches.get(0)).containsExactlyInAnyOrder(original, other, otherNext);
        assertThat(batches.get(0).indexOf(other)).isLessThan(batches.get(0).indexOf(otherNext));
        assertThat(batches.get(1)).containsExactly(resend, next);
    }

    @Test
    void organisationEventsAreKeyedByOrganisation() {
        ObjectNode organisationEvent = Json.mapper().createObjectNode();
        organisationEvent.put("id", 5);
        organisationEvent.putObject("organisation").put("id", 4732);
        assertThat(BatchPlanner.deviceKey(organisationEvent)).isEqualTo("org-4732");
        assertThat(BatchPlanner.deviceKey(event(6, 20200078))).isEqualTo("20200078");
    }

    private static ObjectNode event(long id, long endpointId) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("id", id);
        event.putObject("organisation").put("id", 1);
        event.putObject("endpoint").put("id", endpointId);
        return event;
    }

    private static Map<String, List<ObjectNode>> byDevice(List<ObjectNode> events) {
        Map<String, List<ObjectNode>> byDevice = new LinkedHashMap<>();
        for (ObjectNode event : events) {
            byDevice.computeIfAbsent(BatchPlanner.deviceKey(event), key -> new ArrayList<>()).add(event);
        }
        return Map.copyOf(byDevice);
    }
}
