package io.fleetstream.topology.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * GET requests to other instances' query APIs. An instance that cannot be reached (refused,
 * timed out, reset) is an empty answer, so the caller can turn to a standby; any HTTP answer, error
 * or not, is returned as it came.
 */
final class PeerClient {

    /** What another instance answered. */
    record Reply(int status, Map<String, List<String>> headers, byte[] body) {

        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().get(0))
                    .findFirst();
        }
    }

    private final HttpClient client;
    private final Duration timeout;

    PeerClient(Duration timeout) {
        this.timeout = timeout;
        // HTTP/1.1: Jetty would otherwise be offered an h2c upgrade on every plain-text request
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    CompletableFuture<Optional<Reply>> get(Instance target, String pathAndQuery, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + pathAndQuery))
                .timeout(timeout)
                .GET();
        headers.forEach(request::header);
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> Optional.of(new Reply(r.statusCode(), r.headers().map(), r.body())))
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof IOException) {
                        return Optional.empty();
                    }
                    throw new CompletionException(cause);
                });
    }
}
