package io.fleetstream.ingest.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookConfigTest {

    @Test
    void defaultsMatchTheDataStreamer() {
        WebhookConfig config = WebhookConfig.defaults();

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.maxBodyBytes()).isEqualTo(64 * 1024 * 1024);
        assertThat(config.maxEvents()).isEqualTo(10_000);
        assertThat(config.retryAfterSeconds()).isEqualTo(10);
        assertThat(config.hasCredential()).isFalse();
    }

    @Test
    void toStringSaysWhetherSecretsAreSetButNotWhatTheyAre() {
        WebhookConfig config = WebhookConfig.defaults()
                .withBearerToken("tok-SECRET-123")
                .withBasicCredential(new BasicCredential("emnify", "pw-SECRET-456"));

        assertThat(config.toString())
                .doesNotContain("tok-SECRET-123")
                .doesNotContain("pw-SECRET-456")
                .contains("bearerToken=***", "basicCredential=***", "port=8080");
        assertThat(config.basicCredential().orElseThrow().toString()).doesNotContain("pw-SECRET-456");
        assertThat(WebhookConfig.defaults().toString()).contains("bearerToken=none");
    }

    @Test
    void refusesValuesThatCannotWork() {
        assertThatThrownBy(() -> WebhookConfig.defaults().withPort(70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port must be 0-65535");
        assertThatThrownBy(() -> WebhookConfig.defaults().withAckTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ackTimeout must be positive");
        assertThatThrownBy(() -> WebhookConfig.defaults().withBearerToken(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bearer token must not be blank");
        assertThatThrownBy(() -> WebhookConfig.defaults().withMaxEvents(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEvents must be at least 1");
    }

    @Test
    void aBasicCredentialIsParsedFromUserColonPassword() {
        assertThat(BasicCredential.parse("emnify:pa:ss")).isEqualTo(new BasicCredential("emnify", "pa:ss"));
        assertThatThrownBy(() -> BasicCredential.parse("no-colon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user:password");
    }
}
