package io.fleetstream.app.observability;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, found by a small tokenizer rather than a full parser: enough to check
 * that a dashboard or an alert rule asks only for series a role exports.
 *
 * <p>A metric name is an identifier that is not a function or aggregation (followed by {@code (}, or one of the
 * aggregation operators, which may take {@code by (...)} before their argument), not a keyword ({@code by, without,
 * on, ignoring, group_left, group_right, bool, offset, and, or, unless, atan2}) nor a number ({@code Inf}, {@code NaN}).
 * Skipped whole: label matchers {@code {...}} (but a {@code __name__="x"} matcher there names a metric), label lists
 * after {@code by/without/on/ignoring/group_left/group_right}, ranges and subqueries {@code [...]}, string literals,
 * numbers and durations, comments, and Grafana's variables ({@code $var}, {@code ${var}}, {@code [[var]]}).
 */
final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "and", "or", "unless", "atan2", "inf", "nan");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Grafana's {@code label_values(<selector>, <label>)} variable query; {@code label_values(<label>)} names none. */
    private static final Pattern LABEL_VALUES = Pattern.compile("\\s*label_values\\s*\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*",
            Pattern.DOTALL);
    private static final Pattern NAME_MATCHER = Pattern.compile("__name__\\s*=\\s*\"([a-zA-Z_:][a-zA-Z0-9_:]*)\"");

    private final String text;
    private int at;
    private final Set<String> names = new LinkedHashSet<>();

    private PromQl(String text) {
        this.text = text;
    }

    /** The metric names {@code expression} selects, in order of first appearance. */
    static Set<String> metricNames(String expression) {
        PromQl tokenizer = new PromQl(expression);
        tokenizer.scan();
        return tokenizer.names;
    }

    /**
     * The metric names of a Grafana Prometheus variable query: {@code label_values(<selector>, <label>)}, or
     * {@code query_result(<expression>)}, or a plain expression; {@code label_values(<label>)} and
     * {@code label_names()} name none.
     */
    static Set<String> metricNamesOfVariableQuery(String query) {
        Matcher labelValues = LABEL_VALUES.matcher(query);
        if (labelValues.matches()) {
            return metricNames(labelValues.group(1));
        }
        String trimmed = query.strip();
        if (trimmed.matches("label_values\\s*\\(\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)") || trimmed.matches("label_names\\s*\\(\\s*\\)")) {
            return Set.of();
        }
        if (trimmed.startsWith("query_result")) {
            return metricNames(trimmed.substring("query_result".length()));
        }
        return metricNames(trimmed);
    }

    private void scan() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isWhitespace(c)) {
                at++;
            } else if (c == '#') {
                skipTo('\n');
            } else if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
            } else if (c == '{') {
                labelMatchers();
            } else if (c == '[') {
                skipGroup('[', ']');
            } else if (c == '$') {
                skipVariable();
            } else if (Character.isDigit(c) || (c == '.' && at + 1 < text.length() && Character.isDigit(text.charAt(at + 1)))) {
                skipNumberOrDuration();
            } else if (isIdentifierStart(c)) {
                identifier();
            } else if (c == '}' || c == ']') {
                throw new IllegalArgumentException("unbalanced '" + c + "' at " + at + " in: " + text);
            } else {
                at++;
            }
        }
    }

    private void identifier() {
        int start = at;
        while (at < text.length() && isIdentifierPart(text.charAt(at))) {
            at++;
        }
        String word = text.substring(start, at);
        String lower = word.toLowerCase(Locale.ROOT);
        int next = nextNonSpace();
        if (LABEL_LIST_KEYWORDS.contains(lower)) {
            if (next < text.length() && text.charAt(next) == '(') {
                at = next;
                skipGroup('(', ')');
            }
        } else if (KEYWORDS.contains(lower) || AGGREGATIONS.contains(lower)) {
            // an operator; an aggregation's argument follows, after an optional by/without clause
        } else if (next < text.length() && text.charAt(next) == '(') {
            // a function call: its arguments are scanned as they come
        } else {
            names.add(word);
        }
    }

    /** {@code {label op "value", ...}}: label names and values are not metric names, except a __name__ matcher's value. */
    private void labelMatchers() {
        int start = at;
        skipGroup('{', '}');
        Matcher name = NAME_MATCHER.matcher(text.substring(start, at));
        while (name.find()) {
            names.add(name.group(1));
        }
    }

    /** From an opening bracket to its closing one, minding strings and nested brackets of the same kind. */
    private void skipGroup(char open, char close) {
        int depth = 0;
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
                continue;
            }
            at++;
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return;
            }
        }
        throw new IllegalArgumentException("'" + open + "' at " + start + " is never closed in: " + text);
    }

    private void skipString(char quote) {
        int start = at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '\\' && quote != '`') {
                at++;
            } else if (c == quote) {
                return;
            }
        }
        throw new IllegalArgumentException("string at " + start + " is never closed in: " + text);
    }

    /** {@code $name}, {@code ${name}} or {@code ${name:format}}. */
    private void skipVariable() {
        at++;
        if (at < text.length() && text.charAt(at) == '{') {
            skipGroup('{', '}');
            return;
        }
        while (at < text.length() && isIdentifierPart(text.charAt(at))) {
            at++;
        }
    }

    /** {@code 0.99}, {@code 1e3}, {@code 0x1f}, {@code 5m}, {@code 1h30m}: digits run into letters in durations. */
    private void skipNumberOrDuration() {
        while (at < text.length()) {
            char c = text.charAt(at);
            boolean exponentSign = (c == '+' || c == '-') && (text.charAt(at - 1) == 'e' || text.charAt(at - 1) == 'E');
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign) {
                at++;
            } else {
                return;
            }
        }
    }

    private void skipTo(char end) {
        while (at < text.length() && text.charAt(at) != end) {
            at++;
        }
    }

    private int nextNonSpace() {
        int i = at;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9');
    }
}
