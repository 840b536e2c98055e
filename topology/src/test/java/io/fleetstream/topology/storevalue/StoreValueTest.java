package io.fleetstream.topology.storevalue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store values' shared form: every field reads back as written, and what another build wrote is refused. */
class StoreValueTest {

    private static final byte VERSION = 3;

    /** All the shared field kinds, each present and absent. */
    private record Sample(String name, Long id, String nickname, Long count, BigDecimal amount, byte[] nested) {
    }

    private static byte[] write(Sample s) {
        return StoreValue.write(VERSION, out -> {
            out.writeUTF(s.name());
            out.writeOptionalLong(s.id());
            out.writeOptionalUtf(s.nickname());
            out.writeOptionalLong(s.count());
            out.writeDecimal(s.amount());
            out.writeNested(s.nested());
        });
    }

    private static Sample read(byte[] value) {
        return StoreValue.read(value, VERSION, "sample store value", in -> new Sample(in.readUTF(),
                in.readOptionalLong(), in.readOptionalUtf(), in.readOptionalLong(), in.readDecimal(), in.readNested()));
    }

    @Test
    void everyFieldReadsBackAsWritten() {
        Sample sample = new Sample("s", -1L, null, null, new BigDecimal("-12.3400"), new byte[] {1, 2, 3});
        Sample read = read(write(sample));

        assertThat(read.name()).isEqualTo("s");
        assertThat(read.id()).isEqualTo(-1L);
        assertThat(read.nickname()).isNull();
        assertThat(read.count()).isNull();
        assertThat(read.amount()).isEqualTo(new BigDecimal("-12.3400"));
        assertThat(read.nested()).containsExactly(1, 2, 3);

        Sample other = read(write(new Sample("", 7L, "", 0L, BigDecimal.ZERO, new byte[0])));
        assertThat(other.nickname()).isEmpty();
        assertThat(other.id()).isEqualTo(7L);
        assertThat(other.count()).isZero();
        assertThat(other.nested()).isEmpty();
    }

    @Test
    void fieldsAreLaidOutAfterTheVersionByteInDataOutputForm() {
        byte[] value = StoreValue.write(VERSION, out -> {
            out.writeOptionalUtf(null);
            out.writeOptionalLong(5L);
            out.writeDecimal(new BigDecimal("-0.5"));
            out.writeNested(new byte[] {9});
        });

        assertThat(HexFormat.of().formatHex(value)).isEqualTo("03" + "00" + "0000" + "01" + "0000000000000005"
                + "00000001" + "00000001" + "fb" + "00000001" + "09");
    }

    @Property
    void aDecimalReadsBackWithItsScale(@ForAll BigInteger unscaled, @ForAll @IntRange(min = -40, max = 40) int scale) {
        BigDecimal decimal = new BigDecimal(unscaled, scale);
        byte[] value = StoreValue.write(VERSION, out -> out.writeDecimal(decimal));

        BigDecimal read = StoreValue.read(value, VERSION, "decimal", StoreValue.In::readDecimal);
        assertThat(read.scale()).isEqualTo(scale);
        assertThat(read.unscaledValue()).isEqualTo(unscaled);
    }

    @Test
    void aValueOfAnotherVersionIsRefused() {
        byte[] value = write(new Sample("s", null, null, null, BigDecimal.ONE, new byte[0]));
        value[0] = 4;

        assertThatThrownBy(() -> read(value)).isInstanceOf(IllegalStateException.class)
                .hasMessage("sample store value of version 4, this build reads 3");
    }

    @Test
    void aValueCutShortIsUnreadable() {
        byte[] value = write(new Sample("session", 1L, "n", 2L, BigDecimal.ONE, new byte[] {1}));

        for (int length : List.of(0, 1, 5, 12)) {
            assertThatThrownBy(() -> read(Arrays.copyOf(value, length))).isInstanceOf(UncheckedIOException.class)
                    .hasMessage("unreadable sample store value");
        }
    }
}
