package io.fleetstream.ingest.webhook;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of the Data Streamer webhook receiver.
 *
 * @param host              address to bind, e.g. {@code 0.0.0.0}
 * @param port              port to bind; 0 picks a free one (see {@link WebhookServer#port()})
 * @param maxBodyBytes      largest request body accepted; larger ones are answered 413
 * @param maxEvents         most events per request; the Data Streamer sends at most 10,000
 * @param retryAfterSeconds the {@code Retry-After} of a 503 answer when Kafka is unavailable
 * @param ackTimeout        how long a request waits for Kafka to acknowledge its records
 * @param bearerToken       token expected as {@code Authorization: Bearer <token>}
 * @param basicCredential   credential expected as {@code Authorization: Basic ...}
 */
public record WebhookConfig(String host, int port, int maxBodyBytes, int maxEvents, int retryAfterSeconds,
                            Duration ackTimeout, Optional<String> bearerToken, Optional<BasicCredential> basicCredential) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
    public static final int DEFAULT_MAX_EVENTS = 10_000;
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 10;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);

    /** Java arrays hold at most about Integer.MAX_VALUE bytes; the body is read into one. */
    private static final int LARGEST_BODY = Integer.MAX_VALUE - 16;

    public WebhookConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(basicCredential, "basicCredential");
        if (host.isBlank()) {
            throw new IllegalArgumentException("webhook host must not be blank; use 0.0.0.0 to listen on every interface");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("webhook port must be 0-65535 (0 picks a free port), got " + port);
        }
        if (maxBodyBytes < 1 || maxBodyBytes > LARGEST_BODY) {
            throw new IllegalArgumentException("webhook maxBodyBytes must be 1-" + LARGEST_BODY + ", got " + maxBodyBytes);
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("webhook maxEvents must be at least 1, got " + maxEvents);
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("webhook retryAfterSeconds must not be negative, got " + retryAfterSeconds);
        }
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("webhook ackTimeout must be positive, got " + ackTimeout);
        }
        if (bearerToken.isPresent() && bearerToken.get().isBlank()) {
            throw new IllegalArgumentException("webhook bearer token must not be blank; leave it unset instead");
        }
    }

    /** Every default, no credential (loopback clients only). */
    public static WebhookConfig defaults() {
        return new WebhookConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENTS,
                DEFAULT_RETRY_AFTER_SECONDS, DEFAULT_ACK_TIMEOUT, Optional.empty(), Optional.empty());
    }

    public WebhookConfig withHost(String newHost) {
        return new WebhookConfig(newHost, port, maxBodyBytes, maxEvents, retryAfterSeconds, ackTimeout, bearerToken, basicCredential);
    }

    public WebhookConfig withPort(int newPort) {
        return new WebhookConfig(host, newPort, maxBodyBytes, maxEvents, retryAfterSeconds, ackTimeout, bearerToken, basicCredential);
    }

    public WebhookConfig withMaxBodyBytes(int newMaxBodyBytes) {
        return new WebhookConfig(host, port, newMaxBodyBytes, maxEvents, retryAfterSeconds, ackTimeout, bearerToken, basicCredential);
    }

    public WebhookConfig withMaxEvents(int newMaxEvents) {
        return new WebhookConfig(host, port, maxBodyBytes, newMaxEvents, retryAfterSeconds, ackTimeout, bearerToken, basicCredential);
    }

    public WebhookConfig withRetryAfterSeconds(int newRetryAfterSeconds) {
        return new WebhookConfig(host, port, maxBodyBytes, maxEvents, newRetryAfterSeconds, ackTimeout, bearerToken, basicCredential);
    }

    public WebhookConfig withAckTimeout(Duration newAckTimeout) {
        return new WebhookConfig(host, port, maxBodyBytes, maxEvents, retryAfterSeconds, newAckTimeout, bearerToken, basicCredential);
    }

    public WebhookConfig withBearerToken(String token) {
        return new WebhookConfig(host, port, maxBodyBytes, maxEvents, retryAfterSeconds, ackTimeout, Optional.of(token), basicCredential);
    }

    public WebhookConfig withBasicCredential(BasicCredential credential) {
        return new WebhookConfig(host, port, maxBodyBytes, maxEvents, retryAfterSeconds, ackTimeout, bearerToken, Optional.of(credential));
    }

    /** Whether callers must authenticate; without a credential only loopback clients are served. */
    public boolean hasCredential() {
        return bearerToken.isPresent() || basicCredential.isPresent();
    }

    /** Says whether secrets are set, never what they are. */
    @Override
    public String toString() {
        return "WebhookConfig[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes
                + ", maxEvents=" + maxEvents + ", retryAfterSeconds=" + retryAfterSeconds + ", ackTimeout=" + ackTimeout
                + ", bearerToken=" + (bearerToken.isPresent() ? "***" : "none")
                + ", basicCredential=" + (basicCredential.isPresent() ? "***" : "none") + "]";
    }
}
