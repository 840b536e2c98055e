package io.fleetstream.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fleetstream.ingest.webhook.WebhookServer;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Posts to a webhook on this host the way the Data Streamer does: one JSON body, answered when Kafka acknowledged. */
public final class WebhookPoster {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WebhookPoster() {
    }

    public static HttpResponse<String> post(int port, byte[] body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Usage records the way a Data Streamer of type usage posts them: one JSON body to {@code /v1/usage}. */
    public static HttpResponse<String> postUsage(int port, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + WebhookServer.USAGE_PATH))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The events as one JSON array. */
    public static HttpResponse<String> post(int port, List<? extends JsonNode> events) throws IOException, InterruptedException {
        ArrayNode body = Json.mapper().createArrayNode().addAll(events);
        return post(port, Json.mapper().writeValueAsBytes(body));
    }
}
