package io.fleetstream.topology.quota;

import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.topology.QuotaForecasting;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forecast store's burns in the bytes the first format wrote (captured from that code, kept here as hex): the
 * store and its changelog outlive a build, so a new build must read them, and write the same bytes for the same burn.
 */
class QuotaBurnStoredFormatTest {

    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");
    private static final QuotaForecasting SETTINGS = new QuotaForecasting(Duration.ofHours(24), Duration.ofHours(1),
            2, Duration.ofMinutes(10));

    static final String ALERTED =
            "01000000000000004d000000000000000900000195512601004024000000000000000001955126010040160000000000"
            + "000100000002000001955126010000000195514178404008000000000000000001955141784000000195515cef804004"
            + "00000000000040120000000000004016000000000000000001955189e12f00000002000001955126010000000195515c"
            + "ef80000000000195eba4c900";
    static final String FRESH =
            "018000000000000000000000000000000980000000000000004024000000000000000001955126010000000000000000"
            + "00000000000040240000000000007ff80000000000008000000000000000000000008000000000000000800000000000"
            + "0000002f6e6f206461746120757361676520696e20746865206c6173742050543148206f66207573616765207265636f"
            + "7264738000000000000000";

    /** With an organisation, an expiry, a window of records out of order, a forecast and its alert. */
    static QuotaBurn alerted() {
        QuotaBurn burn = QuotaBurn.of(quota(T).setExpiry(T.plus(Duration.ofDays(30))).build(), 77L);
        burn.used(at(30), at(60), 2.5, SETTINGS);
        burn.used(at(0), at(30), 3, SETTINGS);
        burn.reforecast(SETTINGS);
        burn.alertDue(Duration.ofHours(24));
        return burn;
    }

    /** No organisation, assignment or usage: a forecast with no rate and a note. */
    static QuotaBurn fresh() {
        QuotaBurn burn = QuotaBurn.of(quota(null).build(), null);
        burn.reforecast(SETTINGS);
        return burn;
    }

    private static EndpointQuota.Builder quota(Instant assignedAt) {
        return EndpointQuota.newBuilder().setStatus(QuotaStatus.ACTIVE).setRemainingVolume(10.0).setChangedAt(T)
                .setAssignedAt(assignedAt).setEndpointQuotaId(9L);
    }

    private static long at(int minutes) {
        return T.plusSeconds(60L * minutes).toEpochMilli();
    }

    @Test
    void aBurnIsWrittenInTheFirstFormat() {
        assertThat(HexFormat.of().formatHex(alerted().encode())).isEqualTo(ALERTED);
        assertThat(HexFormat.of().formatHex(fresh().encode())).isEqualTo(FRESH);
    }

    @Test
    void aBurnOfTheFirstFormatReadsBack() {
        QuotaBurn read = QuotaBurn.decode(HexFormat.of().parseHex(ALERTED));
        QuotaBurn expected = alerted();
        assertThat(read.forecast()).isEqualTo(expected.forecast());
        assertThat(read.forecast().expiry()).isEqualTo(T.plus(Duration.ofDays(30)));
        assertThat(read.window()).isEqualTo(expected.window());
        assertThat(read.organisationId()).contains(77L);
        assertThat(read.endpointQuotaId()).contains(9L);
        assertThat(read.assignedAt()).contains(T);
        assertThat(read.remainingVolume()).isEqualTo(10.0);
        assertThat(read.changedAt()).isEqualTo(T);
        assertThat(read.usedSinceChange()).isEqualTo(5.5);
        assertThat(read.alerted()).isTrue();

        QuotaBurn fresh = QuotaBurn.decode(HexFormat.of().parseHex(FRESH));
        assertThat(fresh.forecast()).isEqualTo(fresh().forecast());
        assertThat(fresh.forecast().burnRateMbPerHour()).isNull();
        assertThat(fresh.forecast().note()).isNotNull();
        assertThat(fresh.window()).isEmpty();
        assertThat(fresh.organisationId()).isEmpty();
        assertThat(fresh.assignedAt()).isEmpty();
        assertThat(fresh.alerted()).isFalse();
    }
}
