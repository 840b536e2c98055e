package io.fleetstream.topology.query;

import io.fleetstream.topology.history.HistoryOrder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventQueryTest {

    private static EventQuery parse(Map<String, List<String>> parameters) {
        return EventQuery.parse(new RequestParameters(parameters));
    }

    private static void refused(Map<String, List<String>> parameters, String parameter, String message) {
        assertThatThrownBy(() -> parse(parameters))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.parameter()).isEqualTo(parameter))
                .hasMessageContaining(message);
    }

    @Test
    void withoutParametersItIsTheFirstHundredNewestFirstUnfiltered() {
        EventQuery query = parse(Map.of());
        assertThat(query.order()).isEqualTo(HistoryOrder.NEWEST_FIRST);
        assertThat(query.page()).isEqualTo(1);
        assertThat(query.perPage()).isEqualTo(100);
        assertThat(query.offset()).isZero();
        assertThat(query.filter().types()).isEmpty();
        assertThat(query.filter().from()).isNull();
        assertThat(query.filter().alert()).isNull();
    }

    @Test
    void filtersAreReadFromParametersAndFromEmnifysQ() {
        EventQuery direct = parse(Map.of("type", List.of("3,5", "1"), "severity", List.of("warn"),
                "source", List.of("0"), "alert", List.of("1"), "from", List.of("2024-01-01T00:00:00Z"),
                "until", List.of("2024-01-31 23:59:59"), "sort", List.of("id"), "page", List.of("3"),
                "per_page", List.of("20")));
        assertThat(direct.filter().types()).containsExactlyInAnyOrder(1, 3, 5);
        assertThat(direct.filter().severities()).containsExactly(1);
        assertThat(direct.filter().sources()).containsExactly(0);
        assertThat(direct.filter().alert()).isTrue();
        assertThat(direct.filter().from()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(direct.filter().until()).isEqualTo(Instant.parse("2024-01-31T23:59:59Z"));
        assertThat(direct.order()).isEqualTo(HistoryOrder.ID_ASCENDING);
        assertThat(direct.offset()).isEqualTo(40);

        EventQuery inQ = parse(Map.of("q", List.of("type:3,type:5,severity:1,from:2024-01-01T00:00:00Z,until:2024-01-31T23:59:59Z"),
                "alert", List.of("false")));
        assertThat(inQ.filter().types()).containsExactlyInAnyOrder(3, 5);
        assertThat(inQ.filter().severities()).containsExactly(1);
        assertThat(inQ.filter().alert()).isFalse();
        assertThat(inQ.filter().from()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void badValuesAreRefusedNamingTheParameter() {
        refused(Map.of("type", List.of("x")), "type", "not a whole number");
        refused(Map.of("severity", List.of("debug")), "severity", "0 (Info), 1 (Warn), 2 (Critical)");
        refused(Map.of("source", List.of("3")), "source", "0 (Network)");
        refused(Map.of("alert", List.of("yes")), "alert", "true or false");
        refused(Map.of("from", List.of("2024-13-01")), "from", "ISO-8601");
        refused(Map.of("from", List.of("2024-02-01T00:00:00Z"), "until", List.of("2024-01-01T00:00:00Z")), "from", "after");
        refused(Map.of("sort", List.of("-name")), "sort", "-timestamp, timestamp, -id, id");
        refused(Map.of("per_page", List.of("5000")), "per_page", "1 to 1000");
        refused(Map.of("page", List.of("-1")), "page", "out of range");
        refused(Map.of("page", List.of("")), "page", "empty");
        refused(Map.of("types", List.of("3")), "types", "unknown query parameter");
        refused(Map.of("q", List.of("imsi:123")), "q", "not supported");
        refused(Map.of("q", List.of("severity:debug")), "q", "severity 'debug'");
        refused(Map.of("q", List.of("type:3"), "type", List.of("5")), "q", "both");
        refused(Map.of("q", List.of("from:2024-02-01T00:00:00Z"), "until", List.of("2024-01-01T00:00:00Z")), "from", "after");
    }

    @Test
    void instancesGatheringFromEachOtherMayAskForMoreThanAPage() {
        EventQuery internal = EventQuery.parse(new RequestParameters(Map.of("per_page", List.of("5000"))), Integer.MAX_VALUE);
        assertThat(internal.perPage()).isEqualTo(5000);
    }
}
