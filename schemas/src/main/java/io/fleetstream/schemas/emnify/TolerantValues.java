package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;

/**
 * Reads one JSON value as the type fleetstream models, accepting the spellings emnify uses for it:
 * numbers written as strings ({@code "operator_id": "3"}, {@code "volume": "1.000000"}), booleans as
 * {@code 1}/{@code 0} or strings, identifiers (ICCID, IMSI, MSISDN, IMEI) as numbers. Every method returns
 * {@code null} when the value cannot be read as that type; callers tell "absent" from "unusable" with
 * {@link #isAbsent(JsonNode)} first. No exceptions on the way: these run for every field of every event.
 */
final class TolerantValues {

    private static final int MAX_DESCRIBED_LENGTH = 100;

    private TolerantValues() {
    }

    /** A missing key and an explicit {@code null} mean the same: emnify's REST API omits, its streamer writes null. */
    static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static Long asLong(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return node.canConvertToExactIntegral() && node.canConvertToLong() ? node.longValue() : null;
        }
        if (node.isTextual()) {
            return parseLong(node.textValue());
        }
        return null;
    }

    static Integer asInt(JsonNode node) {
        Long value = asLong(node);
        return value != null && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? value.intValue() : null;
    }

    static Double asDouble(JsonNode node) {
        if (node == null) {
            return null;
        }
        double value;
        if (node.isNumber()) {
            value = node.doubleValue();
        } else if (node.isTextual()) {
            String text = node.textValue().trim();
            if (!looksNumeric(text)) {
                return null;
            }
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(value) ? value : null;
    }

    /**
     * An exact decimal from a JSON number or a numeric string ({@code 0.00188512}, {@code "0.219933"}), never through a
     * double: money and volumes keep every digit emnify sent. Callers bound its digits before scaling it: a value such
     * as {@code 1E+999999} is returned as it is, a few bytes, and only becomes a billion digits when rescaled.
     */
    static BigDecimal asDecimal(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                return null;
            }
            return node.decimalValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            if (text.length() > MAX_DESCRIBED_LENGTH || !looksNumeric(text)) {
                return null;
            }
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** {@code true}/{@code false}, {@code 1}/{@code 0}, and the same as strings, in any case. */
    static Boolean asBoolean(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            if (node.canConvertToExactIntegral() && node.canConvertToLong()) {
                long value = node.longValue();
                return value == 1 ? Boolean.TRUE : value == 0 ? Boolean.FALSE : null;
            }
            return null;
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            if (text.equalsIgnoreCase("true") || text.equals("1")) {
                return Boolean.TRUE;
            }
            if (text.equalsIgnoreCase("false") || text.equals("0")) {
                return Boolean.FALSE;
            }
        }
        return null;
    }

    /**
     * A string, or the exact text of a number or boolean: ICCIDs have 19-20 digits and overflow a long, so
     * a number is rendered from its exact value, never through a double.
     */
    static String asText(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber()) {
            return numberText(node);
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? "true" : "false";
        }
        return null;
    }

    /**
     * A decimal number as text: plain ({@code 0.5}, {@code 1500}) when that is short, scientific ({@code 1E+400})
     * otherwise, so that a number like {@code 1e999999999} sent where text belongs costs a few bytes, not a billion
     * digits; a double that is not finite (what {@code 1e400} becomes without exact decimals) as Java writes it.
     */
    private static String numberText(JsonNode node) {
        if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            return Double.toString(node.doubleValue());
        }
        java.math.BigDecimal value = node.decimalValue();
        long digitsBeforePoint = (long) value.precision() - value.scale();
        return value.scale() > 64 || digitsBeforePoint > 64 ? value.toString() : value.toPlainString();
    }

    /** A value for an error message: quoted if a string, JSON otherwise, cut to about 100 characters. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "(missing)";
        }
        String text = node.isTextual() ? "'" + node.textValue() + "'" : node.toString();
        return text.length() <= MAX_DESCRIBED_LENGTH ? text : text.substring(0, MAX_DESCRIBED_LENGTH) + "…";
    }

    /** The JSON type of a value, for error messages: "a number", "an array". */
    static String kindOf(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY -> "binary data";
            case MISSING -> "missing";
        };
    }

    private static Long parseLong(String raw) {
        String text = raw.trim();
        int length = text.length();
        if (length == 0 || length > 20) {
            return null;
        }
        boolean negative = text.charAt(0) == '-';
        int first = negative ? 1 : 0;
        if (first == length) {
            return null;
        }
        long value = 0;
        for (int i = first; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            int digit = c - '0';
            // accumulate negatively so Long.MIN_VALUE fits, then check for overflow before each step
            if (value < (Long.MIN_VALUE + digit) / 10) {
                return null;
            }
            value = value * 10 - digit;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return null;
            }
            value = -value;
        }
        return value;
    }

    private static boolean looksNumeric(String text) {
        if (text.isEmpty()) {
            return false;
        }
        boolean sawDigit = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                sawDigit = true;
            } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return sawDigit;
    }
}
