package io.fleetstream.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a caller may use an API: with the configured bearer token or basic credential in its
 * {@code Authorization} header, or, when none is configured, as {@link WithoutCredential} says (only from this host,
 * or anyone). Every role that asks for a credential asks through this class: the webhook and the query API.
 *
 * <p>Secrets are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing about
 * how much of a guess was right, not even its length. Only the digests are kept; {@link #toString()} says which
 * schemes are configured, never what they hold.
 */
public final class CallerAuthentication {

    public enum Outcome {
        ALLOWED,
        /** no Authorization header */
        MISSING,
        /** a credential that does not match, or a scheme this server is not configured for */
        WRONG,
        /** no credential configured and the caller is not on this host */
        NOT_LOOPBACK
    }

    /** Whom a server without a configured credential serves. */
    public enum WithoutCredential {
        /** clients on this host only: anyone who can reach the port from elsewhere is refused */
        LOOPBACK_ONLY,
        /** anyone who can reach the port: for a role whose network is the access control (a cluster-internal Service) */
        ANYONE
    }

    private final String realm;
    private final byte[] bearerDigest;
    private final byte[] basicDigest;
    private final WithoutCredential withoutCredential;

    /**
     * @param realm             named in the {@code WWW-Authenticate} challenges, e.g. {@code fleetstream ingest}
     * @param bearerToken       the token expected as {@code Authorization: Bearer <token>}
     * @param basicUserInfo     {@code user:password} expected as {@code Authorization: Basic ...}
     * @param withoutCredential whom to serve when neither is configured
     */
    public CallerAuthentication(String realm, Optional<String> bearerToken, Optional<String> basicUserInfo,
                                WithoutCredential withoutCredential) {
        this.realm = Objects.requireNonNull(realm, "realm");
        this.withoutCredential = Objects.requireNonNull(withoutCredential, "withoutCredential");
        this.bearerDigest = bearerToken.map(token -> sha256(token.getBytes(StandardCharsets.UTF_8))).orElse(null);
        this.basicDigest = basicUserInfo.map(userInfo -> sha256(userInfo.getBytes(StandardCharsets.UTF_8))).orElse(null);
    }

    public boolean requiresCredential() {
        return bearerDigest != null || basicDigest != null;
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @param remoteAddress the caller's IP address as text
     */
    public Outcome check(String authorization, String remoteAddress) {
        if (!requiresCredential()) {
            return withoutCredential == WithoutCredential.ANYONE || isLoopback(remoteAddress)
                    ? Outcome.ALLOWED : Outcome.NOT_LOOPBACK;
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
    public List<String> challenges() {
        List<String> challenges = new ArrayList<>(2);
        if (bearerDigest != null) {
            challenges.add("Bearer realm=\"" + realm + "\"");
        }
        if (basicDigest != null) {
            challenges.add("Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        }
        return challenges;
    }

    private static boolean matches(byte[] expectedDigest, byte[] presented) {
        return MessageDigest.isEqual(expectedDigest, sha256(presented));
    }

    /** Only IP literals are considered (Jetty gives addresses, not names), so this never asks DNS. */
    public static boolean isLoopback(String remoteAddress) {
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

    @Override
    public String toString() {
        return "CallerAuthentication[realm=" + realm + ", bearer=" + (bearerDigest != null ? "***" : "none")
                + ", basic=" + (basicDigest != null ? "***" : "none") + ", withoutCredential=" + withoutCredential + "]";
    }
}
