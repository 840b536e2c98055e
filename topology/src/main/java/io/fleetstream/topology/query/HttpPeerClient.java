package io.fleetstream.topology.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link PeerClient} over the JDK's HTTP client. With a query token, every request carries it as
 * {@code Authorization: Bearer <token>}: instances of one application share the token, so a question forwarded or
 * gathered on a client's behalf is answered as the client's own would be.
 */
final class HttpPeerClient implements PeerClient {

    private final HttpClient client;
    private final Duration timeout;
    private final Optional<String> authorization;

    HttpPeerClient(Duration timeout, Optional<String> token) {
        this.timeout = timeout;
        this.authorization = token.map(t -> "Bearer " + t);
        // HTTP/1.1: Jetty would otherwise be offered an h2c upgrade on every plain-text request
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String toString() {
        return "HttpPeerClient[timeout=" + timeout + ", token=" + (authorization.isPresent() ? "***" : "none") + "]";
    }

    @Override
    public CompletableFuture<Optional<Reply>> get(Instance target, String pathAndQuery, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + pathAndQuery))
                .timeout(timeout)
                .GET();
        headers.forEach(request::header);
        authorization.ifPresent(value -> request.header("Authorization", value));
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
