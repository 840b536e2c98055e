package io.fleetstream.topology.history;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryKeysTest {

    private static final HistoryScope DEVICE = HistoryScope.device(42);

    @Test
    void byteOrderIsScopeThenTimeThenIdAcrossSignsAndMagnitudes() {
        long[] times = {Long.MIN_VALUE, -1, 0, 1, 255, 256, 1_700_000_000_000L, Long.MAX_VALUE};
        for (int i = 1; i < times.length; i++) {
            assertThat(HistoryKeys.entry(DEVICE, times[i - 1], 5).compareTo(HistoryKeys.entry(DEVICE, times[i], 5)))
                    .as("%d before %d", times[i - 1], times[i]).isNegative();
        }
        assertThat(HistoryKeys.entry(DEVICE, 1000, 9).compareTo(HistoryKeys.entry(DEVICE, 1000, 10))).isNegative();
        assertThat(HistoryKeys.entry(DEVICE, 1000, 10_000_000_000_000_000L).compareTo(HistoryKeys.entry(DEVICE, 1001, 1)))
                .isNegative();
        assertThat(HistoryKeys.entry(HistoryScope.device(41), Long.MAX_VALUE, Long.MAX_VALUE)
                .compareTo(HistoryKeys.entry(DEVICE, Long.MIN_VALUE, Long.MIN_VALUE))).isNegative();
    }

    @Test
    void aDeviceAndAnOrganisationWithTheSameIdHaveSeparateRanges() {
        Bytes deviceKey = HistoryKeys.entry(HistoryScope.device(7), 1000, 1);
        Bytes orgKey = HistoryKeys.entry(HistoryScope.organisation(7), 1000, 1);
        assertThat(deviceKey).isNotEqualTo(orgKey);
        assertThat(orgKey.compareTo(HistoryKeys.lowerBound(HistoryScope.device(7), Long.MIN_VALUE)) < 0
                || orgKey.compareTo(HistoryKeys.upperBound(HistoryScope.device(7), Long.MAX_VALUE)) > 0).isTrue();
    }

    @Test
    void boundsEncloseEveryEventOfTheirMillisecondsAndNothingOutside() {
        Bytes lower = HistoryKeys.lowerBound(DEVICE, 1000);
        Bytes upper = HistoryKeys.upperBound(DEVICE, 2000);
        assertThat(HistoryKeys.entry(DEVICE, 1000, 0).compareTo(lower)).isPositive();
        assertThat(HistoryKeys.entry(DEVICE, 2000, Long.MAX_VALUE - 1).compareTo(upper)).isNegative();
        assertThat(HistoryKeys.entry(DEVICE, 999, Long.MAX_VALUE).compareTo(lower)).isNegative();
        assertThat(HistoryKeys.entry(DEVICE, 2001, 0).compareTo(upper)).isPositive();
    }

    @Test
    void timeAndIdReadBackFromKeys() {
        byte[] key = HistoryKeys.entry(DEVICE, -5, 10_000_000_000_000_000L).get();
        assertThat(HistoryKeys.timeMillis(key)).isEqualTo(-5);
        assertThat(HistoryKeys.eventId(key)).isEqualTo(10_000_000_000_000_000L);
    }
}
