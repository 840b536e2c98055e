package io.fleetstream.app.cli;

import io.fleetstream.ingest.webhook.BasicCredential;
import io.fleetstream.ingest.webhook.WebhookConfig;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** The Data Streamer webhook of the ingest role. */
public final class WebhookOptions {

    @Option(names = "--ingest-port", defaultValue = "8080", description = "port of the webhook (default: ${DEFAULT-VALUE})")
    public int port;

    @Option(names = "--ingest-host", defaultValue = WebhookConfig.DEFAULT_HOST,
            description = "address the webhook binds to (default: ${DEFAULT-VALUE})")
    public String host;

    @Option(names = "--webhook-token",
            description = "bearer token the Data Streamer must send (Authorization: Bearer <token>); never logged")
    public String bearerToken;

    @Option(names = "--webhook-basic-auth", paramLabel = "USER:PASSWORD",
            description = "basic credential the Data Streamer must send instead of a token; never logged")
    public String basicAuth;

    @Option(names = "--max-body-bytes", defaultValue = "67108864",
            description = "largest request body accepted, larger ones get 413 (default: ${DEFAULT-VALUE})")
    public int maxBodyBytes;

    @Option(names = "--ack-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "how long a request waits for Kafka's acknowledgement before answering 503 (default: ${DEFAULT-VALUE})")
    public Duration ackTimeout;

    @Option(names = "--retry-after", defaultValue = "10",
            description = "seconds in the Retry-After header of a 503 (default: ${DEFAULT-VALUE})")
    public int retryAfterSeconds;

    public WebhookConfig config() {
        return new WebhookConfig(host, port, maxBodyBytes, WebhookConfig.DEFAULT_MAX_EVENTS, retryAfterSeconds,
                ackTimeout, Optional.ofNullable(bearerToken).filter(t -> !t.isBlank()),
                Optional.ofNullable(basicAuth).filter(t -> !t.isBlank()).map(BasicCredential::parse));
    }

    /** The Authorization header value a client of this webhook sends, if a credential is configured. */
    public Optional<String> authorizationHeader() {
        return authorizationHeader(bearerToken, basicAuth);
    }

    /** {@code Bearer <token>} or {@code Basic <base64(user:password)>}, whichever is given. */
    static Optional<String> authorizationHeader(String bearerToken, String basicAuth) {
        if (bearerToken != null && !bearerToken.isBlank()) {
            return Optional.of("Bearer " + bearerToken);
        }
        if (basicAuth != null && !basicAuth.isBlank()) {
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }
}
