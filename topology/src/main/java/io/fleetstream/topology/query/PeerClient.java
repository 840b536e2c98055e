package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * GET requests to other instances' query APIs. An instance that cannot be reached (refused,
 * timed out, reset) is an empty answer, so the caller can turn to a standby; any HTTP answer, error
 * or not, is returned as it came.
 */
interface PeerClient {

    /** What another instance answered. */
    record Reply(int status, Map<String, List<String>> headers, byte[] body) {

        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().get(0))
                    .findFirst();
        }

        /** The body as JSON; a body that is not JSON is another instance's failure (502). */
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new PeerFailureException(502, "another instance answered with a body that is not JSON: " + e.getMessage());
            }
        }
    }

    CompletableFuture<Optional<Reply>> get(Instance target, String pathAndQuery, Map<String, String> headers);
}
