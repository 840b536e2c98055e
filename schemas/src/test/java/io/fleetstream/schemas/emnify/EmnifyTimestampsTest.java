package io.fleetstream.schemas.emnify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EmnifyTimestampsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2021-10-27T11:59:29.000Z      | 2021-10-27T11:59:29Z",
            "2022-03-27T23:20:49.298Z      | 2022-03-27T23:20:49.298Z",
            "2017-10-26T07:28:00.000+0000  | 2017-10-26T07:28:00Z",
            "2021-10-27T15:17:23Z          | 2021-10-27T15:17:23Z",
            "2021-10-06 10:42:58           | 2021-10-06T10:42:58Z",
            "2021-10-27T08:38:02           | 2021-10-27T08:38:02Z",
            "2021-10-27T08:38:02+00:00     | 2021-10-27T08:38:02Z",
            "2021-10-27T10:38:02+02:00     | 2021-10-27T08:38:02Z",
            "2021-10-27T03:08:02.5-0530    | 2021-10-27T08:38:02.500Z",
            "2021-10-27T08:38:02.123456789Z | 2021-10-27T08:38:02.123Z",
            "2021-10-27T08:38:02.12+01     | 2021-10-27T07:38:02.120Z",
            "2024-02-29T00:00:00Z          | 2024-02-29T00:00:00Z",
    })
    void readsEveryFormatEmnifySends(String text, String expected) {
        assertThat(EmnifyTimestamps.parse(text)).contains(Instant.parse(expected));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "yesterday", "2021-10-27", "2021-10-27T08:38", "2021-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z", "2021-10-27T24:00:00Z", "2021-10-27T08:38:02.Z", "2021-10-27T08:38:02ZZ",
            "2021-10-27T08:38:02+1900", "2021-10-27X08:38:02Z", "1635335969000", "2021-10-27T08:38:02 UTC"})
    void refusesWhatIsNotATime(String text) {
        assertThat(EmnifyTimestamps.parse(text)).isEmpty();
    }

    @Test
    void writesIsoUtcWithMilliseconds() {
        assertThat(EmnifyTimestamps.format(Instant.parse("2021-10-06T10:42:58Z"))).isEqualTo("2021-10-06T10:42:58.000Z");
        assertThat(EmnifyTimestamps.format(Instant.parse("2022-03-27T23:20:49.298Z"))).isEqualTo("2022-03-27T23:20:49.298Z");
    }
}
