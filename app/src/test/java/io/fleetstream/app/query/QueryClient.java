package io.fleetstream.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** What a user's tool sees of an instance's query API. */
final class QueryClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    record Answer(String path, int status, HttpResponse<String> response) {

        JsonNode json() {
            try {
                return Json.mapper().readTree(response.body());
            } catch (IOException e) {
                throw new AssertionError(path + " answered " + status + " with a body that is not JSON: " + response.body(), e);
            }
        }

        String body() {
            return response.body();
        }

        Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        boolean stale() {
            return header("X-Fleetstream-Stale").isPresent();
        }

        /** The JSON without the stale marker a standby adds, to compare with the active owner's answer. */
        JsonNode withoutStale() {
            JsonNode json = json();
            if (json instanceof ObjectNode object) {
                object.remove("stale");
            }
            return json;
        }
    }

    private final int port;

    QueryClient(int port) {
        this.port = port;
    }

    Answer get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(path, response.statusCode(), response);
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " on port " + port + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
