package io.fleetstream.ingest.webhook;

import io.fleetstream.ingest.webhook.CallerAuthentication.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CallerAuthenticationTest {

    private static final String TOKEN = "streamer-token-0123456789";
    private static final BasicCredential BASIC = new BasicCredential("emnify", "p@ss:word");

    private final CallerAuthentication bearer = new CallerAuthentication(Optional.of(TOKEN), Optional.empty());
    private final CallerAuthentication basic = new CallerAuthentication(Optional.empty(), Optional.of(BASIC));
    private final CallerAuthentication none = new CallerAuthentication(Optional.empty(), Optional.empty());

    @Test
    void theConfiguredBearerTokenIsAllowedInAnyCaseOfTheScheme() {
        assertThat(bearer.check("Bearer " + TOKEN, "203.0.113.7")).isEqualTo(Outcome.ALLOWED);
        assertThat(bearer.check("bearer  " + TOKEN + " ", "203.0.113.7")).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void anyOtherBearerTokenIsWrong() {
        assertThat(bearer.check("Bearer " + TOKEN + "x", "203.0.113.7")).isEqualTo(Outcome.WRONG);
        assertThat(bearer.check("Bearer " + TOKEN.substring(1), "203.0.113.7")).isEqualTo(Outcome.WRONG);
        assertThat(bearer.check("Bearer", "203.0.113.7")).isEqualTo(Outcome.WRONG);
        assertThat(bearer.check("Basic " + encode("emnify:" + TOKEN), "203.0.113.7")).isEqualTo(Outcome.WRONG);
    }

    @Test
    void noHeaderIsMissingEvenFromLoopbackWhenACredentialIsConfigured() {
        assertThat(bearer.check(null, "127.0.0.1")).isEqualTo(Outcome.MISSING);
        assertThat(bearer.check("  ", "127.0.0.1")).isEqualTo(Outcome.MISSING);
    }

    @Test
    void theConfiguredBasicCredentialIsAllowedAndOthersAreWrong() {
        assertThat(basic.check("Basic " + encode("emnify:p@ss:word"), "203.0.113.7")).isEqualTo(Outcome.ALLOWED);
        assertThat(basic.check("Basic " + encode("emnify:p@ss:wordx"), "203.0.113.7")).isEqualTo(Outcome.WRONG);
        assertThat(basic.check("Basic " + encode("other:p@ss:word"), "203.0.113.7")).isEqualTo(Outcome.WRONG);
        assertThat(basic.check("Basic not-base64!", "203.0.113.7")).isEqualTo(Outcome.WRONG);
    }

    @Test
    void bothSchemesWorkWhenBothAreConfigured() {
        CallerAuthentication both = new CallerAuthentication(Optional.of(TOKEN), Optional.of(BASIC));

        assertThat(both.check("Bearer " + TOKEN, "203.0.113.7")).isEqualTo(Outcome.ALLOWED);
        assertThat(both.check("Basic " + encode("emnify:p@ss:word"), "203.0.113.7")).isEqualTo(Outcome.ALLOWED);
        assertThat(both.challenges()).containsExactly("Bearer realm=\"fleetstream ingest\"",
                "Basic realm=\"fleetstream ingest\", charset=\"UTF-8\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "[0:0:0:0:0:0:0:1]"})
    void withoutCredentialLoopbackClientsAreAllowed(String address) {
        assertThat(none.check(null, address)).isEqualTo(Outcome.ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5", "203.0.113.7", "2001:db8::1", "localhost", "", "fe80::1%eth0"})
    void withoutCredentialOtherClientsAreNotServedWhateverTheySend(String address) {
        assertThat(none.check("Bearer anything", address)).isEqualTo(Outcome.NOT_LOOPBACK);
    }

    private static String encode(String userColonPassword) {
        return Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }
}
