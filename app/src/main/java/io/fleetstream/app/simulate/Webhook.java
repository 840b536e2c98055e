package io.fleetstream.app.simulate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The receiving end of the simulated Data Streamer: one POST of a JSON array per batch, with the
 * configured {@code Authorization} header, answered by a status code. Like the Data Streamer, it does
 * not follow redirects.
 */
final class Webhook {

    /** The webhook's answer; {@code retryAfter} as given with a 429 or 503. */
    record Answer(int status, Optional<Duration> retryAfter) {

        boolean acknowledged() {
            return status == 200;
        }
    }

    private final URI uri;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final HttpClient http;

    Webhook(URI uri, Optional<String> authorization, Duration requestTimeout) {
        this.uri = uri;
        this.authorization = authorization;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Answer post(byte[] jsonArray) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jsonArray));
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        return new Answer(response.statusCode(), response.headers().firstValue("Retry-After").flatMap(Webhook::retryAfter));
    }

    URI uri() {
        return uri;
    }

    /** {@code Retry-After} is either a number of seconds or an HTTP date. */
    static Optional<Duration> retryAfter(String value) {
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
