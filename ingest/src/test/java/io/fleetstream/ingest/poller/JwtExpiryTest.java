package io.fleetstream.ingest.poller;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class JwtExpiryTest {

    private static String part(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String jwt(String payload) {
        return part("{\"alg\":\"HS512\",\"typ\":\"JWT\"}") + "." + part(payload) + ".c2lnbmF0dXJl";
    }

    @Test
    void readsTheExpClaimOfThePayload() {
        assertThat(JwtExpiry.of(jwt("{\"sub\":\"x\",\"esc.org\":1825,\"exp\":1735689600}")))
                .contains(Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void readsPayloadsWithBase64PaddingToo() {
        String padded = Base64.getUrlEncoder().encodeToString("{\"exp\": 1735689600}".getBytes(StandardCharsets.UTF_8));

        assertThat(padded).endsWith("=");
        assertThat(JwtExpiry.of("e30." + padded + ".c2ln")).contains(Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void isEmptyWhenThereIsNoUsableExp() {
        assertThat(JwtExpiry.of(jwt("{\"sub\":\"x\"}"))).isEmpty();
        assertThat(JwtExpiry.of(jwt("{\"exp\":\"tomorrow\"}"))).isEmpty();
        assertThat(JwtExpiry.of(jwt("[1,2]"))).isEmpty();
        assertThat(JwtExpiry.of("not-a-jwt")).isEmpty();
        assertThat(JwtExpiry.of("a.%%%.c")).isEmpty();
        assertThat(JwtExpiry.of("a." + part("{not json") + ".c")).isEmpty();
        assertThat(JwtExpiry.of(null)).isEmpty();
    }
}
