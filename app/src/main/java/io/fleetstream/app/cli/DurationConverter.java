package io.fleetstream.app.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations as people write them: {@code 7d}, {@code 5m}, {@code 90s}, {@code 250ms}, {@code 2h}, or ISO-8601 {@code PT5M}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("((\\d+)\\s*(ms|s|m|h|d)\\s*)+");
    private static final Pattern PART = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** {@code 250ms}, {@code 90s}, {@code 5m}, {@code 2h30m}, {@code 7d}, or ISO-8601 ({@code PT5M}). */
    public static Duration parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.isEmpty() && SIMPLE.matcher(v).matches()) {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(v);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return total;
        }
        try {
            return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a duration: use e.g. 250ms, 90s, 5m, 2h30m, 7d or ISO-8601 PT5M");
        }
    }
}
