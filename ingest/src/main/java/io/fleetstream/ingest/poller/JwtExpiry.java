package io.fleetstream.ingest.poller;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * When a JWT expires, read from the {@code exp} claim of its payload. emnify gives application tokens no refresh
 * token: the poller authenticates again before this time. The signature is not checked (emnify checks it); the
 * JWT itself never appears in a message of this class.
 */
public final class JwtExpiry {

    private JwtExpiry() {
    }

    /** The {@code exp} claim, or empty when the JWT has none or cannot be read (then only a 401 triggers renewal). */
    public static Optional<Instant> of(String jwt) {
        if (jwt == null) {
            return Optional.empty();
        }
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode payload = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode exp = payload == null ? null : payload.get("exp");
            if (exp == null || !exp.isNumber()) {
                return Optional.empty();
            }
            return Optional.of(Instant.ofEpochSecond(exp.longValue()));
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }
}
