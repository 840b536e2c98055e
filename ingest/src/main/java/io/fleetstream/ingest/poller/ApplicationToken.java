package io.fleetstream.ingest.poller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An emnify application token: the long-lived secret exchanged for a JWT at {@code POST /api/v1/authenticate}.
 * It never reaches a log, an error or a metric; {@link #toString()} says only that it is set.
 */
public final class ApplicationToken {

    private final String value;

    public ApplicationToken(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("the emnify application token is blank: create one in the emnify Portal"
                    + " and pass it with FLEETSTREAM_EMNIFY_TOKEN or --emnify-token");
        }
        this.value = value.strip();
    }

    /** The secret itself, for the authentication request only. */
    String value() {
        return value;
    }

    /**
     * A short, stable name for this token that reveals nothing about it (the first 64 bits of its SHA-256): used to
     * tell pollers of different tokens apart when no poller id is configured.
     */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApplicationToken that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "ApplicationToken[***]";
    }
}
