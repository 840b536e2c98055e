package io.fleetstream.http;

import io.fleetstream.http.CallerAuthentication.Outcome;
import io.fleetstream.http.CallerAuthentication.WithoutCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CallerAuthenticationTest {

    private static final String TOKEN = "streamer-token-0123456789";
    private static final String BASIC = "emnify:p@ss:word";
    private static final String REALM = "fleetstream ingest";

    private final CallerAuthentication bearer = new CallerAuthentication(REALM, Optional.of(TOKEN), Optional.empty(),
            WithoutCredential.LOOPBACK_ONLY);
    private final CallerAuthentication basic = new CallerAuthentication(REALM, Optional.empty(), Optional.of(BASIC),
            WithoutCredential.LOOPBACK_ONLY);
    private final CallerAuthentication none = new CallerAuthentication(REALM, Optional.empty(), Optional.empty(),
            WithoutCredential.LOOPBACK_ONLY);

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
        CallerAuthentication both = new CallerAuthentication(REALM, Optional.of(TOKEN), Optional.of(BASIC),
                WithoutCredential.LOOPBACK_ONLY);

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

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5", "203.0.113.7", "2001:db8::1", "127.0.0.1"})
    void withoutCredentialAnOpenServerServesEveryClient(String address) {
        CallerAuthentication open = new CallerAuthentication(REALM, Optional.empty(), Optional.empty(), WithoutCredential.ANYONE);

        assertThat(open.check(null, address)).isEqualTo(Outcome.ALLOWED);
        assertThat(open.challenges()).isEmpty();
    }

    @Test
    void aConfiguredCredentialIsRequiredWhateverWouldBeServedWithoutOne() {
        CallerAuthentication open = new CallerAuthentication(REALM, Optional.of(TOKEN), Optional.empty(), WithoutCredential.ANYONE);

        assertThat(open.check(null, "203.0.113.7")).isEqualTo(Outcome.MISSING);
        assertThat(open.check("Bearer nope", "127.0.0.1")).isEqualTo(Outcome.WRONG);
        assertThat(open.check("Bearer " + TOKEN, "203.0.113.7")).isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void itsTextNamesTheSchemesButNeverTheSecrets() {
        CallerAuthentication both = new CallerAuthentication(REALM, Optional.of(TOKEN), Optional.of(BASIC),
                WithoutCredential.LOOPBACK_ONLY);

        assertThat(both.toString()).contains("bearer=***", "basic=***").doesNotContain(TOKEN, "p@ss", encode(BASIC));
    }
}
