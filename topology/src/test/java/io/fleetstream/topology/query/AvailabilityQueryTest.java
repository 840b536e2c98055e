package io.fleetstream.topology.query;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading an availability request's range and grouping against a fixed now and retention. */
class AvailabilityQueryTest {

    private static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(90);

    private static RequestParameters params(Map<String, String> values) {
        return new RequestParameters(values.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
    }

    private static AvailabilityQuery device(Map<String, String> values) {
        return AvailabilityQuery.parseDevice(params(values), NOW, RETENTION);
    }

    @Test
    void theDefaultRangeIsTheLast24HoursUpToNow() {
        AvailabilityQuery q = device(Map.of());
        assertThat(q.from()).isEqualTo(Instant.parse("2026-06-09T12:00:00Z"));
        assertThat(q.until()).isEqualTo(NOW);
        assertThat(q.notes()).isEmpty();
        assertThat(q.by()).isEmpty();

        assertThat(device(Map.of("until", "2026-06-01T00:00:00Z")).from()).isEqualTo(Instant.parse("2026-05-31T00:00:00Z"));
        assertThat(device(Map.of("from", "2026-06-10T00:00:00Z")).until()).isEqualTo(NOW);
    }

    @Test
    void aGivenRangeIsKeptAsGiven() {
        AvailabilityQuery q = device(Map.of("from", "2026-06-01T00:00:00Z", "until", "2026-06-02T06:30:00.250Z"));
        assertThat(q.from()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(q.until()).isEqualTo(Instant.parse("2026-06-02T06:30:00.250Z"));
    }

    @Test
    void emptyReversedAndUnreadableRangesAre400WithTheParameter() {
        assertThatThrownBy(() -> device(Map.of("from", "2026-06-01T00:00:00Z", "until", "2026-06-01T00:00:00Z")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.parameter()).isEqualTo("from");
                    assertThat(e.getMessage()).contains("positive length");
                });
        assertThatThrownBy(() -> device(Map.of("from", "2026-06-02T00:00:00Z", "until", "2026-06-01T00:00:00Z")))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> device(Map.of("from", "yesterday")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.parameter()).isEqualTo("from"));
        assertThatThrownBy(() -> device(Map.of("by", "operator")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.parameter()).isEqualTo("by"));
    }

    @Test
    void aRangeIsClippedToRetentionAndNowAndSaysSo() {
        AvailabilityQuery q = device(Map.of("from", "2025-01-01T00:00:00Z", "until", "2026-07-01T00:00:00Z"));
        assertThat(q.from()).isEqualTo(NOW.minus(RETENTION));
        assertThat(q.until()).isEqualTo(NOW);
        assertThat(q.notes()).hasSize(2).anySatisfy(n -> assertThat(n).contains("retention of 90 days"))
                .anySatisfy(n -> assertThat(n).contains("in the future"));
    }

    @Test
    void aRangeWhollyOutsideWhatIsKeptIs400() {
        assertThatThrownBy(() -> device(Map.of("from", "2026-07-01T00:00:00Z", "until", "2026-07-02T00:00:00Z")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("outside what is kept"));
        assertThatThrownBy(() -> device(Map.of("from", "2025-01-01T00:00:00Z", "until", "2025-01-02T00:00:00Z")))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void theFleetIsGroupedByOrganisationUnlessToldOtherwise() {
        assertThat(AvailabilityQuery.parseFleet(params(Map.of()), NOW, RETENTION, true).by())
                .contains(AvailabilityQuery.Grouping.ORGANISATION);
        assertThat(AvailabilityQuery.parseFleet(params(Map.of("by", "Country")), NOW, RETENTION, true).by())
                .contains(AvailabilityQuery.Grouping.COUNTRY);
        assertThat(AvailabilityQuery.parseFleet(params(Map.of("by", "tag")), NOW, RETENTION, true).by())
                .contains(AvailabilityQuery.Grouping.TAG);
        assertThatThrownBy(() -> AvailabilityQuery.parseFleet(params(Map.of("by", "tags")), NOW, RETENTION, true))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage())
                        .contains("organisation, operator, country, tag"));
        assertThatThrownBy(() -> AvailabilityQuery.parseFleet(params(Map.of("by", "planet")), NOW, RETENTION, true))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void anotherInstanceIsAskedForTheRangeSpelledOutAndAnswersForExactlyIt() {
        AvailabilityQuery q = AvailabilityQuery.parseFleet(params(Map.of("by", "operator")), NOW, RETENTION, true);
        String asked = q.pathAndQuery("/v1/fleet/availability");
        assertThat(asked).isEqualTo("/v1/fleet/availability?from=2026-06-09T12%3A00%3A00Z&until=2026-06-10T12%3A00%3A00Z&by=operator");

        // the other instance's clock is a second behind: it must not clip the range again
        AvailabilityQuery there = AvailabilityQuery.parseFleet(params(Map.of("from", q.from().toString(),
                "until", q.until().toString(), "by", "operator")), NOW.minusSeconds(1), RETENTION, false);
        assertThat(there.from()).isEqualTo(q.from());
        assertThat(there.until()).isEqualTo(q.until());
    }
}
