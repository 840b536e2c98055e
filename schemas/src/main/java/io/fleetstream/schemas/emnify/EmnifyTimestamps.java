package io.fleetstream.schemas.emnify;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The time formats emnify sends, and the one fleetstream writes back.
 *
 * <p>emnify writes the same instant in several shapes depending on source and API version:
 * {@code 2021-10-27T11:59:29.000Z}, {@code 2022-03-27T23:20:49.298Z},
 * {@code 2017-10-26T07:28:00.000+0000}, {@code 2021-10-27T15:17:23Z}, {@code +00:00} offsets, and the
 * legacy {@code 2021-10-06 10:42:58} with a space and no zone. A time without a zone (also
 * {@code pdp_context.tunnel_created}) is UTC. Parsing is hand-written because it runs for every event of
 * 10,000-event batches: no regex, no exception for a malformed value, millisecond precision (the Avro
 * fields are timestamp-millis, so finer digits would not survive serialisation anyway).
 */
public final class EmnifyTimestamps {

    /** An example of the canonical form, for error messages. */
    public static final String EXAMPLE = "2021-10-27T11:59:29.000Z";

    private static final DateTimeFormatter CANONICAL =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static final long INVALID = Long.MIN_VALUE;

    private EmnifyTimestamps() {
    }

    /** The instant a time string stands for, or empty when it is not one of the shapes emnify sends. */
    public static Optional<Instant> parse(CharSequence text) {
        long millis = parseEpochMillis(text);
        return millis == INVALID ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    /** The canonical form fleetstream writes: ISO-8601, UTC, milliseconds, {@code Z}. */
    public static String format(Instant instant) {
        return CANONICAL.format(instant);
    }

    /** Epoch milliseconds, or {@link #INVALID}. */
    static long parseEpochMillis(CharSequence raw) {
        if (raw == null) {
            return INVALID;
        }
        int start = 0;
        int end = raw.length();
        while (start < end && Character.isWhitespace(raw.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(raw.charAt(end - 1))) {
            end--;
        }
        // shortest accepted shape: yyyy-MM-ddTHH:mm:ss (19 characters)
        if (end - start < 19) {
            return INVALID;
        }
        int year = digits(raw, start, 4);
        int month = digits(raw, start + 5, 2);
        int day = digits(raw, start + 8, 2);
        int hour = digits(raw, start + 11, 2);
        int minute = digits(raw, start + 14, 2);
        int second = digits(raw, start + 17, 2);
        char separator = raw.charAt(start + 10);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59
                || raw.charAt(start + 4) != '-' || raw.charAt(start + 7) != '-'
                || (separator != 'T' && separator != 't' && separator != ' ')
                || raw.charAt(start + 13) != ':' || raw.charAt(start + 16) != ':'
                || day > Month.of(month).length(Year.isLeap(year))) {
            return INVALID;
        }
        int pos = start + 19;
        int millis = 0;
        if (pos < end && (raw.charAt(pos) == '.' || raw.charAt(pos) == ',')) {
            pos++;
            int fractionDigits = 0;
            while (pos < end && isDigit(raw.charAt(pos))) {
                if (fractionDigits < 3) {
                    millis = millis * 10 + (raw.charAt(pos) - '0');
                }
                fractionDigits++;
                pos++;
            }
            if (fractionDigits == 0 || fractionDigits > 9) {
                return INVALID;
            }
            for (int i = fractionDigits; i < 3; i++) {
                millis *= 10;
            }
        }
        int offsetSeconds = 0;
        if (pos < end) {
            char zone = raw.charAt(pos);
            if ((zone == 'Z' || zone == 'z') && pos + 1 == end) {
                pos++;
            } else if (zone == '+' || zone == '-') {
                int sign = zone == '+' ? 1 : -1;
                int offsetHours = digits(raw, pos + 1, 2);
                if (offsetHours < 0 || offsetHours > 18) {
                    return INVALID;
                }
                pos += 3;
                int offsetMinutes = 0;
                if (pos < end) {
                    if (raw.charAt(pos) == ':') {
                        pos++;
                    }
                    offsetMinutes = digits(raw, pos, 2);
                    if (offsetMinutes < 0 || offsetMinutes > 59) {
                        return INVALID;
                    }
                    pos += 2;
                }
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60);
            } else {
                return INVALID;
            }
        }
        if (pos != end) {
            return INVALID;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        long epochSecond = epochDay * 86_400L + hour * 3_600L + minute * 60L + second - offsetSeconds;
        return epochSecond * 1_000L + millis;
    }

    /** The value of {@code count} decimal digits at {@code from}, or -1 when they are not all digits. */
    private static int digits(CharSequence text, int from, int count) {
        if (from + count > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
