package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageOperator;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.topology.testing.TestUsage;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The usage stores' values in the bytes the first format wrote (captured from that code, kept here as hex): a store
 * and its changelog outlive a build, so a new build must read them, and write the same bytes for the same sums.
 */
class UsageStoreValuesTest {

    private static final Instant END = Instant.parse("2025-03-01T10:15:00Z");

    static final String BUCKET =
            "010000000200000000000000000001000000000000000000000001000000010f00000000000000010100000001000000"
            + "01050000000a00000004499602d2000355534400000000000000030000000000000001000000060000000b0a364c9822"
            + "7eaa6afb3f4000000006000000030f424100000006000000030f42400000000a00000005fedbefef00";
    static final String EMPTY_BUCKET = "0100000000";
    static final String NAMED_DAY =
            "0101000b566f6461666f6e65204445000000890100000002000000000000000000010000000000000000000000010000"
            + "00010f0000000000000001010000000100000001050000000a00000004499602d2000355534400000000000000030000"
            + "000000000001000000060000000b0a364c98227eaa6afb3f4000000006000000030f424100000006000000030f424000"
            + "00000a00000005fedbefef00";
    static final String UNNAMED_DAY = "01000000000000050100000000";
    static final String SESSION =
            "010003732d310000019551330cd8000001955133bca001000000000000000401000754656c656b6f6d0000003e010000"
            + "000100000000000000000001000000000000000000000001000000010f00000000000000010100000001000000010500"
            + "00000a00000004499602d2";
    static final String SESSION_WITHOUT_OPERATOR =
            "010003732d32000001955133bca0000001955133bca000ffffffffffffffff0000000000003e01000000010003455552"
            + "000000000000000000000000000000000000000000000001000000000000000001000000000000000001000000000000"
            + "00000100";

    /** Two currencies (the empty one sorts first), negative, large and differently scaled decimals. */
    static UsageBucket bucket() {
        return new UsageBucket()
                .add(new UsageTotals("USD", 2, 1, new BigDecimal("12345678901234567890.123456"),
                        new BigDecimal("0.000001"), BigDecimal.ZERO, new BigDecimal("-0.5000000000")))
                .add(new UsageTotals("", 1, 0, new BigDecimal("1.5"), new BigDecimal("1"), new BigDecimal("0.5"),
                        new BigDecimal("0.1234567890")))
                .add(new UsageTotals("USD", 1, 0, new BigDecimal("2.000000"), new BigDecimal("1.000000"),
                        new BigDecimal("1.000000"), new BigDecimal("0.0100000000")));
    }

    static SessionUsage session() {
        UsageRecord usage = UsageRecord.newBuilder(TestUsage.data(1, 7, END, "EUR", "0.25", "3", "2", "1"))
                .setSessionId("s-1").setOperator(new UsageOperator(4L, "Telekom", "01", null)).build();
        return SessionUsage.empty("s-1").add(usage, bucket().totals().iterator().next());
    }

    static SessionUsage sessionWithoutOperator() {
        UsageRecord usage = UsageRecord.newBuilder(TestUsage.sms(2, 7, END, "EUR", "0.09")).setStartTimestamp(null)
                .setSessionId("s-2").setOperator(null).build();
        return SessionUsage.empty("s-2").add(usage, UsageTotals.none("EUR"));
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void aBucketIsWrittenAndReadInTheFirstFormat() {
        assertThat(hex(bucket().encode())).isEqualTo(BUCKET);
        assertThat(hex(new UsageBucket().encode())).isEqualTo(EMPTY_BUCKET);

        UsageBucket read = UsageBucket.decode(bytes(BUCKET));
        assertThat(read.totals()).containsExactly(
                new UsageTotals("", 1, 0, new BigDecimal("1.5"), new BigDecimal("1"), new BigDecimal("0.5"),
                        new BigDecimal("0.1234567890")),
                new UsageTotals("USD", 3, 1, new BigDecimal("12345678901234567892.123456"),
                        new BigDecimal("1.000001"), new BigDecimal("1.000000"), new BigDecimal("-0.4900000000")));
        assertThat(UsageBucket.decode(bytes(EMPTY_BUCKET)).isEmpty()).isTrue();
    }

    @Test
    void anOperatorDayIsWrittenAndReadInTheFirstFormat() {
        assertThat(hex(new OperatorDay("Vodafone DE", bucket()).encode())).isEqualTo(NAMED_DAY);
        assertThat(hex(new OperatorDay(null, new UsageBucket()).encode())).isEqualTo(UNNAMED_DAY);

        OperatorDay named = OperatorDay.decode(bytes(NAMED_DAY));
        assertThat(named.operatorName()).isEqualTo("Vodafone DE");
        assertThat(named.usage().totals()).isEqualTo(bucket().totals());
        OperatorDay unnamed = OperatorDay.decode(bytes(UNNAMED_DAY));
        assertThat(unnamed.operatorName()).isNull();
        assertThat(unnamed.usage().isEmpty()).isTrue();
    }

    @Test
    void aSessionIsWrittenAndReadInTheFirstFormat() {
        assertThat(hex(session().encode())).isEqualTo(SESSION);
        assertThat(hex(sessionWithoutOperator().encode())).isEqualTo(SESSION_WITHOUT_OPERATOR);

        SessionUsage read = SessionUsage.decode(bytes(SESSION));
        assertThat(read.sessionId()).isEqualTo("s-1");
        assertThat(read.firstStart()).isEqualTo(END.minusSeconds(45));
        assertThat(read.lastEnd()).isEqualTo(END);
        assertThat(read.operatorId()).isEqualTo(4L);
        assertThat(read.operatorName()).isEqualTo("Telekom");
        assertThat(read.usage().totals()).containsExactly(bucket().totals().iterator().next());

        SessionUsage bare = SessionUsage.decode(bytes(SESSION_WITHOUT_OPERATOR));
        assertThat(bare.sessionId()).isEqualTo("s-2");
        assertThat(bare.firstStart()).isEqualTo(END);
        assertThat(bare.lastEnd()).isEqualTo(END);
        assertThat(bare.operatorId()).isNull();
        assertThat(bare.operatorName()).isNull();
        assertThat(bare.usage().totals()).containsExactly(UsageTotals.none("EUR"));
    }

    @Test
    void aValueOfAnotherVersionOrCutShortIsRefused() {
        byte[] newer = bytes(NAMED_DAY);
        newer[0] = 2;
        assertThatThrownBy(() -> OperatorDay.decode(newer)).isInstanceOf(IllegalStateException.class)
                .hasMessage("operator usage store value of version 2, this build reads 1");
        byte[] newerBucket = bytes(BUCKET);
        newerBucket[0] = 2;
        assertThatThrownBy(() -> UsageBucket.decode(newerBucket)).isInstanceOf(IllegalStateException.class)
                .hasMessage("usage store value of version 2, this build reads 1");
        byte[] session = bytes(SESSION);
        assertThatThrownBy(() -> SessionUsage.decode(Arrays.copyOf(session, 12)))
                .isInstanceOf(UncheckedIOException.class).hasMessage("unreadable session usage store value");
    }
}
