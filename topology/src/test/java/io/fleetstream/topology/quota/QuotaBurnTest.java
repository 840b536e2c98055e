package io.fleetstream.topology.quota;

import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.topology.QuotaForecasting;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The burn and its forecast as plain Java, on hand-computed figures. */
class QuotaBurnTest {

    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");
    private static final long MINUTE = 60_000;
    private static final QuotaForecasting SETTINGS = new QuotaForecasting(Duration.ofHours(24), Duration.ofHours(1),
            2, Duration.ofMinutes(10));

    private static EndpointQuota active(double remaining, Instant changedAt, Instant assignedAt) {
        return EndpointQuota.newBuilder().setStatus(QuotaStatus.ACTIVE).setRemainingVolume(remaining)
                .setChangedAt(changedAt).setAssignedAt(assignedAt).setEndpointQuotaId(9L).build();
    }

    private static long at(int minutes) {
        return T.toEpochMilli() + minutes * MINUTE;
    }

    @Test
    void recordsArrivingOutOfOrderGiveTheSameForecastAsInOrder() {
        QuotaBurn burn = QuotaBurn.of(active(30, T, T), 5L);
        burn.used(at(20), at(30), 2, SETTINGS);
        burn.used(at(0), at(10), 2, SETTINGS);
        burn.used(at(10), at(20), 2, SETTINGS);

        QuotaForecast f = burn.reforecast(SETTINGS);
        // 6 MB over 30 minutes: 12 MB/h; 24 MB left at T+30 min run out 2 h later
        assertThat(f.burnRateMbPerHour()).isCloseTo(12.0, within(1e-9));
        assertThat(f.remainingNowMb()).isCloseTo(24.0, within(1e-9));
        assertThat(f.projectedExhaustionAt()).isEqualTo(T.plus(Duration.ofMinutes(150)));
        assertThat(burn.window()).extracting(QuotaBurn.Usage::untilMillis).containsExactly(at(10), at(20), at(30));
    }

    @Test
    void theWindowKeepsOnlyRecordsEndingWithinItOfTheLatestButUsageSinceTheQuotaEventCountsAll() {
        QuotaBurn burn = QuotaBurn.of(active(100, T, T), null);
        for (int k = 1; k <= 12; k++) {
            burn.used(at(10 * (k - 1)), at(10 * k), 1, SETTINGS);
        }

        QuotaForecast f = burn.reforecast(SETTINGS);
        // the 1 h window ending at T+120 min holds the 6 records ending after T+60 min
        assertThat(f.records()).isEqualTo(6);
        assertThat(f.from()).isEqualTo(T.plus(Duration.ofMinutes(60)));
        assertThat(f.burnRateMbPerHour()).isCloseTo(6.0, within(1e-9));
        assertThat(f.remainingNowMb()).isCloseTo(88.0, within(1e-9));
    }

    @Test
    void nothingLeftProjectsExhaustionAtTheLatestRecordAndZeroUseProjectsNone() {
        QuotaBurn burn = QuotaBurn.of(active(1, T, T), null);
        burn.used(at(0), at(10), 1, SETTINGS);
        burn.used(at(10), at(20), 1, SETTINGS);
        assertThat(burn.reforecast(SETTINGS).projectedExhaustionAt()).isEqualTo(T.plus(Duration.ofMinutes(20)));
        assertThat(burn.reforecast(SETTINGS).remainingNowMb()).isCloseTo(-1.0, within(1e-9));

        QuotaBurn idle = QuotaBurn.of(active(10, T, T), null);
        idle.used(at(0), at(10), 0, SETTINGS);
        idle.used(at(10), at(20), 0, SETTINGS);
        QuotaForecast f = idle.reforecast(SETTINGS);
        assertThat(f.burnRateMbPerHour()).isZero();
        assertThat(f.projectedExhaustionAt()).isNull();
        assertThat(f.note()).contains("no exhaustion in sight");
    }

    @Test
    void aShortSpanGivesNoRate() {
        QuotaBurn burn = QuotaBurn.of(active(10, T, T), null);
        burn.used(at(0), at(4), 1, SETTINGS);
        burn.used(at(4), at(8), 1, SETTINGS);

        QuotaForecast f = burn.reforecast(SETTINGS);
        assertThat(f.burnRateMbPerHour()).isNull();
        assertThat(f.note()).contains("less than PT10M");
    }

    @Test
    void theAlertIsDueOncePerAssignmentAndAThresholdEventDoesNotReArmIt() {
        QuotaBurn burn = QuotaBurn.of(active(10, T, T), null);
        burn.used(at(0), at(30), 5, SETTINGS);
        burn.used(at(30), at(60), 4, SETTINGS);
        burn.reforecast(SETTINGS);
        assertThat(burn.alertDue(Duration.ofHours(24))).isTrue();
        assertThat(burn.alertDue(Duration.ofHours(24))).isFalse();

        burn.quotaChanged(active(2, T.plus(Duration.ofMinutes(50)), T), null);
        burn.reforecast(SETTINGS);
        assertThat(burn.alertDue(Duration.ofHours(24))).isFalse();

        burn.quotaChanged(active(100, T.plus(Duration.ofMinutes(70)), T.plus(Duration.ofMinutes(70))), null);
        burn.reforecast(SETTINGS);
        assertThat(burn.alerted()).isFalse();
        assertThat(burn.alertDue(Duration.ofHours(24))).isTrue();
    }

    @Test
    void aQuotaEventUsesOnlyTheUsageEndingAfterIt() {
        QuotaBurn burn = QuotaBurn.of(active(10, T, T), null);
        burn.used(at(0), at(30), 3, SETTINGS);
        burn.used(at(30), at(60), 3, SETTINGS);
        burn.quotaChanged(active(6, T.plus(Duration.ofMinutes(30)), T), null);

        assertThat(burn.usedSinceChange()).isCloseTo(3.0, within(1e-9));
        assertThat(burn.reforecast(SETTINGS).remainingNowMb()).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void aStoredBurnReadsBackAsItWas() {
        QuotaBurn burn = QuotaBurn.of(EndpointQuota.newBuilder(active(10, T, T)).setExpiry(T.plus(Duration.ofDays(30)))
                .build(), 77L);
        burn.used(at(0), at(30), 3, SETTINGS);
        burn.used(at(30), at(60), 3, SETTINGS);
        QuotaForecast f = burn.reforecast(SETTINGS);
        burn.alertDue(Duration.ofHours(24));

        QuotaBurn read = QuotaBurn.decode(burn.encode());
        assertThat(read.forecast()).isEqualTo(f);
        assertThat(read.forecast().expiry()).isEqualTo(T.plus(Duration.ofDays(30)));
        assertThat(read.window()).isEqualTo(burn.window());
        assertThat(read.organisationId()).contains(77L);
        assertThat(read.endpointQuotaId()).contains(9L);
        assertThat(read.assignedAt()).contains(T);
        assertThat(read.changedAt()).isEqualTo(T);
        assertThat(read.usedSinceChange()).isEqualTo(6.0);
        assertThat(read.alerted()).isTrue();

        QuotaBurn fresh = QuotaBurn.of(active(10, T, null), null);
        fresh.reforecast(SETTINGS);
        QuotaBurn freshRead = QuotaBurn.decode(fresh.encode());
        assertThat(freshRead.forecast()).isEqualTo(fresh.forecast());
        assertThat(freshRead.assignedAt()).isEmpty();
        assertThat(freshRead.organisationId()).isEmpty();
    }

    @Test
    void theWindowIsCapped() {
        QuotaForecasting wide = new QuotaForecasting(Duration.ofHours(24), Duration.ofDays(30));
        QuotaBurn burn = QuotaBurn.of(active(1e9, T, T), null);
        for (int k = 0; k < QuotaBurn.MAX_RECORDS + 10; k++) {
            burn.used(at(k), at(k + 1), 1, wide);
        }
        assertThat(burn.window()).hasSize(QuotaBurn.MAX_RECORDS);
        assertThat(burn.window().get(0).untilMillis()).isEqualTo(at(11));
        assertThat(burn.usedSinceChange()).isEqualTo(QuotaBurn.MAX_RECORDS + 10.0);
    }

    @Test
    void onlyAnActiveDataQuotaWithARemainingVolumeIsForecast() {
        assertThat(QuotaBurn.forecastable(active(1, T, T))).isTrue();
        assertThat(QuotaBurn.forecastable(EndpointQuota.newBuilder(active(1, T, T)).setStatus(QuotaStatus.EXHAUSTED).build()))
                .isFalse();
        assertThat(QuotaBurn.forecastable(EndpointQuota.newBuilder(active(1, T, T)).setRemainingVolume(null).build()))
                .isFalse();
        assertThatThrownBy(() -> QuotaBurn.of(EndpointQuota.newBuilder(active(1, T, T)).setStatus(QuotaStatus.DELETED).build(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
