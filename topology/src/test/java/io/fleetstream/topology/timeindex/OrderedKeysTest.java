package io.fleetstream.topology.timeindex;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class OrderedKeysTest {

    @Test
    void keysSortAsTheirNumbersDoIncludingNegativesAndExtremes() {
        long[] ascending = {Long.MIN_VALUE, -1_000, -1, 0, 1, 1_700_000_000_000L, Long.MAX_VALUE};
        for (int i = 1; i < ascending.length; i++) {
            assertThat(key(ascending[i - 1]).compareTo(key(ascending[i]))).as("%d < %d", ascending[i - 1], ascending[i])
                    .isNegative();
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long a = random.nextLong();
            long b = random.nextLong();
            assertThat(Integer.signum(key(a).compareTo(key(b)))).isEqualTo(Long.signum(Long.compare(a, b)));
        }
    }

    @Test
    void theLayoutIsBigEndianWithTheSignBitFlippedAsStoresOnDiskAlreadyHoldIt() {
        assertThat(key(0).get()).containsExactly(0x80, 0, 0, 0, 0, 0, 0, 0);
        assertThat(key(-1).get()).containsExactly(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
        assertThat(key(258).get()).containsExactly(0x80, 0, 0, 0, 0, 0, 1, 2);
    }

    @Test
    void aLongReadsBackFromItsOffset() {
        ByteBuffer buffer = ByteBuffer.allocate(1 + 2 * Long.BYTES).put((byte) 9);
        OrderedKeys.putLong(buffer, -5);
        OrderedKeys.putLong(buffer, Long.MAX_VALUE);

        assertThat(OrderedKeys.getLong(buffer.array(), 1)).isEqualTo(-5);
        assertThat(OrderedKeys.getLong(buffer.array(), 1 + Long.BYTES)).isEqualTo(Long.MAX_VALUE);
    }

    private static Bytes key(long value) {
        return Bytes.wrap(OrderedKeys.putLong(ByteBuffer.allocate(Long.BYTES), value).array());
    }
}
