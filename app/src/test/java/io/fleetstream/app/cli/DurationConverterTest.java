package io.fleetstream.app.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {

    @Test
    void readsDurationsAsPeopleWriteThem() {
        assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationConverter.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(DurationConverter.parse("2h30m")).isEqualTo(Duration.ofMinutes(150));
        assertThat(DurationConverter.parse("1d 12h")).isEqualTo(Duration.ofHours(36));
        assertThat(DurationConverter.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
        assertThat(DurationConverter.parse("PT5M")).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void refusesWhatIsNotADurationAndSaysHowToWriteOne() {
        for (String bad : new String[] {"", "5", "5 minutes", "m5", "2h30"}) {
            assertThatThrownBy(() -> DurationConverter.parse(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("2h30m");
        }
    }
}
