package io.fleetstream.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The path and query string of a request, as sent, read strictly. Percent-escapes must decode to UTF-8 and to no
 * control character: otherwise decoding quietly drops the parameter ({@code status=%zz} filtered nothing) or turns
 * it into U+FFFD, and an answer that looks right would be wrong. Jetty has refused a malformed escape or a NUL byte
 * in the path already; this adds the query string, invalid UTF-8 and control characters (a CR LF that could be
 * echoed into a log line).
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * @param rawPath  the path as sent, still percent-encoded
     * @param rawQuery the query string as sent, or null
     * @throws RequestRefused 400, naming the query parameter when one was wrong
     */
    static void check(String rawPath, String rawQuery) {
        if (rawPath != null) {
            String problem = problemOf(rawPath, false);
            if (problem != null) {
                throw new RequestRefused(400, "the path " + problem + ": percent-encode UTF-8 text, without control characters", null);
            }
        }
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            String nameProblem = problemOf(rawName, true);
            if (nameProblem != null) {
                throw new RequestRefused(400, "a query parameter name " + nameProblem
                        + ": percent-encode UTF-8 text, without control characters", null);
            }
            if (equals >= 0) {
                String valueProblem = problemOf(pair.substring(equals + 1), true);
                if (valueProblem != null) {
                    String name = decode(rawName, true);
                    throw new RequestRefused(400, "query parameter " + HttpEdge.quote(name) + " " + valueProblem
                            + ": percent-encode UTF-8 text, without control characters", name);
                }
            }
        }
    }

    /** What is wrong with one percent-encoded piece, or null. */
    private static String problemOf(String raw, boolean plusIsSpace) {
        String decoded;
        try {
            decoded = decode(raw, plusIsSpace);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return String.format("has a control character (U+%04X)", (int) c);
            }
        }
        return null;
    }

    private static String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (low < 0) {
                    throw new IllegalArgumentException("has a '%' that is not followed by two hex digits");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                int codePoint = raw.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("is not UTF-8 once percent-decoded");
        }
    }
}
