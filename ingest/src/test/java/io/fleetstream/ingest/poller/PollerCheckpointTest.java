package io.fleetstream.ingest.poller;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollerCheckpointTest {

    private static final Instant END = Instant.parse("2025-03-10T12:00:00Z");

    @Test
    void survivesTheTripThroughItsJson() {
        PollerCheckpoint checkpoint = PollerCheckpoint.of(END, Set.of(31877325941L, 7L, 1_000_000_000_000_000L));

        byte[] json = checkpoint.toJson();

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
                "{\"version\":1,\"window_end\":\"2025-03-10T12:00:00Z\",\"edge_ids\":[7,31877325941,1000000000000000]}");
        assertThat(PollerCheckpoint.fromJson(json)).isEqualTo(checkpoint);
    }

    @Test
    void tooManyEdgeIdsAreDroppedRatherThanMakingTheRecordHuge() {
        Set<Long> many = LongStream.rangeClosed(1, PollerCheckpoint.MAX_EDGE_IDS + 1).boxed().collect(Collectors.toSet());
        Set<Long> enough = LongStream.rangeClosed(1, PollerCheckpoint.MAX_EDGE_IDS).boxed().collect(Collectors.toSet());

        assertThat(PollerCheckpoint.of(END, many).edgeIds()).isEmpty();
        assertThat(PollerCheckpoint.of(END, enough).edgeIds()).hasSize(PollerCheckpoint.MAX_EDGE_IDS);
        assertThat(PollerCheckpoint.of(END, enough).toJson().length).isLessThan(500_000);
    }

    @Test
    void unreadableRecordsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> PollerCheckpoint.fromJson("{\"version\":1,".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("checkpoint is not JSON");
        assertThatThrownBy(() -> PollerCheckpoint.fromJson("{\"version\":2,\"window_end\":\"2025-03-10T12:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8)))
                .hasMessage("checkpoint has version 2; this fleetstream reads version 1");
        assertThatThrownBy(() -> PollerCheckpoint.fromJson("{\"version\":1,\"window_end\":\"noon\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("checkpoint window_end \"noon\" is not an ISO-8601 instant");
        assertThatThrownBy(() -> PollerCheckpoint.fromJson(
                "{\"version\":1,\"window_end\":\"2025-03-10T12:00:00Z\",\"edge_ids\":[\"x\"]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("checkpoint edge_ids holds \"x\", not an event id");
    }

    @Test
    void toStringCountsTheIdsInsteadOfListingThem() {
        assertThat(PollerCheckpoint.of(END, Set.of(1L, 2L))).hasToString("PollerCheckpoint[windowEnd=2025-03-10T12:00:00Z, edgeIds=2]");
    }
}
