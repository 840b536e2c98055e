package io.fleetstream.app.cli;

import picocli.CommandLine;

import java.time.Duration;

/** {@code --status-interval}: a duration ({@code 5s}, {@code 1m}), or {@code 0} for no status line. */
public final class StatusIntervalConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return value.trim().equals("0") ? Duration.ZERO : DurationConverter.parse(value);
    }
}
