package io.fleetstream.app.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizeConverterTest {

    @Test
    void sizesAreReadInBinaryUnitsWhateverTheSpelling() {
        assertThat(ByteSizeConverter.parse("128MiB")).isEqualTo(128L << 20);
        assertThat(ByteSizeConverter.parse("128m")).isEqualTo(128L << 20);
        assertThat(ByteSizeConverter.parse(" 1 GiB ")).isEqualTo(1L << 30);
        assertThat(ByteSizeConverter.parse("512KB")).isEqualTo(512L << 10);
        assertThat(ByteSizeConverter.parse("268435456")).isEqualTo(268_435_456L);
    }

    @Test
    void anythingElseIsRefusedWithAnExample() {
        assertThatThrownBy(() -> ByteSizeConverter.parse("lots")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("128MiB");
        assertThatThrownBy(() -> ByteSizeConverter.parse("-5m")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> ByteSizeConverter.parse("99999999999999GiB")).hasMessageContaining("too large");
    }
}
