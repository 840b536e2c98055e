package io.fleetstream.ingest.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a caller may post events: with the configured bearer token or basic credential in its
 * {@code Authorization} header, or, when none is configured, only from this host. Secrets are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing about how much of a
 * guess was right, not even its length.
 */
final class CallerAuthentication {

    static final String REALM = "fleetstream ingest";

    enum Outcome {
        ALLOWED,
        /** no Authorization header */
        MISSING,
        /** a credential that does not match, or a scheme this receiver is not configured for */
        WRONG,
        /** no credential configured and the caller is not on this host */
        NOT_LOOPBACK
    }

    private final byte[] bearerDigest;
    private final byte[] basicDigest;

    CallerAuthentication(Optional<String> bearerToken, Optional<BasicCredential> basicCredential) {
        this.bearerDigest = bearerToken.map(token -> sha256(token.getBytes(StandardCharsets.UTF_8))).orElse(null);
        this.basicDigest = basicCredential
                .map(credential -> sha256((credential.username() + ":" + credential.password()).getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
    }

    boolean requiresCredential() {
        return bearerDigest != null || basicDigest != null;
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @param remoteAddress the caller's IP address as text
     */
    Outcome check(String authorization, String remoteAddress) {
        if (!requiresCredential()) {
            return isLoopback(remoteAddress) ? Outcome.ALLOWED : Outcome.NOT_LOOPBACK;
        }
        if (authorization == null || authorization.isBlank()) {
            return Outcome.MISSING;
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        if (space < 0) {
            return Outcome.WRONG;
        }
        String scheme = header.substring(0, space);
        String value = header.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer") && bearerDigest != null) {
            return matches(bearerDigest, value.getBytes(StandardCharsets.UTF_8)) ? Outcome.ALLOWED : Outcome.WRONG;
        }
        if (scheme.equalsIgnoreCase("Basic") && basicDigest != null) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                return Outcome.WRONG;
            }
            return matches(basicDigest, decoded) ? Outcome.ALLOWED : Outcome.WRONG;
        }
        return Outcome.WRONG;
    }

    /** The {@code WWW-Authenticate} challenges for a 401, one per configured scheme. */
    List<String> challenges() {
        List<String> challenges = new ArrayList<>(2);
        if (bearerDigest != null) {
            challenges.add("Bearer realm=\"" + REALM + "\"");
        }
        if (basicDigest != null) {
            challenges.add("Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        }
        return challenges;
    }

    private static boolean matches(byte[] expectedDigest, byte[] presented) {
        return MessageDigest.isEqual(expectedDigest, sha256(presented));
    }

    /** Only IP literals are considered (Jetty gives addresses, not names), so this never asks DNS. */
    static boolean isLoopback(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isEmpty()) {
            return false;
        }
        String address = remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
                ? remoteAddress.substring(1, remoteAddress.length() - 1)
                : remoteAddress;
        boolean ipv6 = address.indexOf(':') >= 0;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            boolean literal = ipv6
                    ? Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%'
                    : (c >= '0' && c <= '9') || c == '.';
            if (!literal) {
                return false;
            }
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
