package io.fleetstream.app.cli;

import io.fleetstream.app.simulate.CarrierOutage;
import io.fleetstream.app.simulate.MobileOperator;
import picocli.CommandLine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a simulated carrier outage the way it is written on the command line: comma-separated
 * {@code key=value} pairs, {@code operator} required ({@code operator=Vodafone,share=0.6,after=10m,duration=10m}),
 * the others defaulting to {@link CarrierOutage}'s defaults. Every mistake is named, with what to write
 * instead; an unknown operator lists the simulated ones.
 */
public final class OutageConverter implements CommandLine.ITypeConverter<CarrierOutage> {

    static final String FORMAT = "operator=<name or id>[,share=0.6][,after=10m][,duration=10m]";

    @Override
    public CarrierOutage convert(String value) {
        return parse(value);
    }

    public static CarrierOutage parse(String value) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String part : value.split(",", -1)) {
            int equals = part.indexOf('=');
            if (equals < 0) {
                throw invalid("'" + part.trim() + "' is not a key=value pair");
            }
            String key = part.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            if (!key.equals("operator") && !key.equals("share") && !key.equals("after") && !key.equals("duration")) {
                throw invalid("unknown key '" + key + "'; the keys are operator, share, after and duration");
            }
            if (pairs.put(key, part.substring(equals + 1).trim()) != null) {
                throw invalid("'" + key + "' is given twice");
            }
        }
        if (!pairs.containsKey("operator")) {
            throw invalid("the operator is missing; the simulated ones are " + MobileOperator.known());
        }
        try {
            return new CarrierOutage(MobileOperator.byIdOrName(pairs.get("operator")),
                    pairs.containsKey("share") ? share(pairs.get("share")) : CarrierOutage.DEFAULT_SHARE,
                    pairs.containsKey("after") ? duration("after", pairs.get("after")) : CarrierOutage.DEFAULT_AFTER,
                    pairs.containsKey("duration") ? duration("duration", pairs.get("duration")) : CarrierOutage.DEFAULT_DURATION);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static double share(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw invalid("share '" + text + "' is not a number; write the part of the operator's devices, e.g. 0.6");
        }
    }

    private static Duration duration(String key, String text) {
        try {
            return DurationConverter.parse(text);
        } catch (CommandLine.TypeConversionException e) {
            throw invalid(key + ": " + e.getMessage());
        }
    }

    private static CommandLine.TypeConversionException invalid(String problem) {
        return new CommandLine.TypeConversionException(problem + " (write " + FORMAT + ")");
    }
}
