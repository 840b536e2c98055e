package io.fleetstream.ingest.poller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * emnify's REST API as the poller sees it, on a WireMock server: {@code POST /api/v1/authenticate} exchanges the
 * application token for a JWT whose payload carries {@code exp}; {@code GET /api/v1/event} needs a current JWT
 * (else 401), filters by {@code q=from:…,until:…} (both inclusive), sorts by {@code sort} (id ascending by default),
 * caps {@code per_page} silently, sends {@code Link}, {@code X-Count-Per-Page}, {@code X-Current-Page},
 * {@code X-Total-Count} and {@code X-Total-Pages}, and answers a page past the end with the last page again.
 * Faults (429 with {@code Retry-After}, 500) can be queued for the next event requests. Every exchange is recorded
 * with the time it was answered.
 */
public final class FakeEmnifyApi implements AutoCloseable {

    /** One answered request. */
    public record Served(String call, int status, Instant at, int page, int perPage, String q, String authorization) {
        public boolean isEvents() {
            return call.equals("events");
        }

        public boolean isAuthentication() {
            return call.equals("authenticate");
        }
    }

    private record Fault(int status, String retryAfter) {
    }

    private record Jwt(Instant expiry, boolean revoked) {
    }

    private final String applicationToken;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final WireMockServer server;
    private final List<ObjectNode> events = new ArrayList<>();
    private final Map<String, Jwt> issued = new LinkedHashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<Served> served = new ArrayList<>();
    private Duration jwtLifetime = Duration.ofHours(1);
    private int maxPerPage = 1000;

    public FakeEmnifyApi(String applicationToken) {
        this(applicationToken, Clock.systemUTC());
    }

    public FakeEmnifyApi(String applicationToken, Clock clock) {
        this.applicationToken = Objects.requireNonNull(applicationToken, "applicationToken");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.server = new WireMockServer(options().dynamicPort().extensions(new Emnify()));
        server.start();
        server.stubFor(post(urlPathEqualTo(EmnifyClient.AUTHENTICATE_PATH)).willReturn(
                ResponseDefinitionBuilder.responseDefinition().withTransformers(Emnify.NAME)));
        server.stubFor(get(urlPathEqualTo(EmnifyClient.EVENTS_PATH)).willReturn(
                ResponseDefinitionBuilder.responseDefinition().withTransformers(Emnify.NAME)));
    }

    public URI baseUrl() {
        return URI.create("http://localhost:" + server.port());
    }

    /** Events that emnify now lists (late arrivals included: the timestamp is whatever the event says). */
    public synchronized FakeEmnifyApi add(List<ObjectNode> more) {
        for (ObjectNode event : more) {
            events.add(event.deepCopy());
        }
        return this;
    }

    /** How long JWTs issued from now on are valid ({@code exp} is whole seconds, as in a real JWT). */
    public synchronized FakeEmnifyApi jwtLifetime(Duration lifetime) {
        this.jwtLifetime = lifetime;
        return this;
    }

    /** The most events per page; a larger {@code per_page} is capped silently, as emnify does. */
    public synchronized FakeEmnifyApi maxPerPage(int max) {
        this.maxPerPage = max;
        return this;
    }

    /** Every JWT issued so far stops working, as after a key rotation: the next event request gets 401. */
    public synchronized void revokeIssuedJwts() {
        issued.replaceAll((jwt, state) -> new Jwt(state.expiry(), true));
    }

    /** The next {@code count} event requests are answered {@code status}, with {@code retryAfter} if not null. */
    public synchronized void failNextEventRequests(int count, int status, String retryAfter) {
        for (int i = 0; i < count; i++) {
            faults.add(new Fault(status, retryAfter));
        }
    }

    /** Every JWT issued, in order. */
    public synchronized List<String> issuedJwts() {
        return List.copyOf(issued.keySet());
    }

    public synchronized List<Served> served() {
        return List.copyOf(served);
    }

    public List<Served> eventRequests() {
        return served().stream().filter(Served::isEvents).toList();
    }

    public List<Served> authentications() {
        return served().stream().filter(Served::isAuthentication).toList();
    }

    @Override
    public void close() {
        server.stop();
    }

    /**
     * An event as the REST API lists it (absent objects omitted): a Create PDP Context of an endpoint, or with
     * {@code endpointId} 0 an organisation-level Data quota enabled.
     */
    public static ObjectNode event(long id, Instant timestamp, long endpointId) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("id", id);
        event.put("timestamp", timestamp.toString());
        event.put("alert", false);
        ObjectNode source = event.putObject("event_source");
        source.put("id", 0);
        source.put("description", "Network");
        ObjectNode severity = event.putObject("event_severity");
        severity.put("id", 0);
        severity.put("description", "Info");
        ObjectNode organisation = event.putObject("organisation");
        organisation.put("id", 1825);
        organisation.put("name", "Test Org");
        ObjectNode type = event.putObject("event_type");
        if (endpointId == 0) {
            type.put("id", 52);
            type.put("description", "Data quota enabled");
            event.put("description", "Data quota enabled for service profile 7");
            return event;
        }
        type.put("id", 3);
        type.put("description", "Create PDP Context");
        event.put("description", "New PDP Context successfully activated");
        ObjectNode endpoint = event.putObject("endpoint");
        endpoint.put("id", endpointId);
        endpoint.put("name", "device " + endpointId);
        ObjectNode detail = event.putObject("detail");
        detail.put("session_id", "00000000-0000-0000-0000-" + String.format("%012d", id % 1_000_000_000_000L));
        detail.putObject("pdp_context").put("apn", "em").put("rat_type", 6);
        return event;
    }

    /** {@code count} events of a few endpoints, ids from {@code firstId} on, spread evenly over [from, until). */
    public static List<ObjectNode> spread(long firstId, int count, Instant from, Instant until) {
        List<ObjectNode> out = new ArrayList<>(count);
        long step = Duration.between(from, until).toMillis() / count;
        for (int i = 0; i < count; i++) {
            out.add(event(firstId + i, from.plusMillis(step * i), 20_000_000L + i % 7));
        }
        return out;
    }

    private synchronized ResponseDefinition answer(Request request) {
        Instant now = clock.instant();
        String path = URI.create(request.getUrl()).getPath();
        if (path.equals(EmnifyClient.AUTHENTICATE_PATH)) {
            return record("authenticate", now, 0, 0, null, null, authenticate(request, now));
        }
        String authorization = request.getHeader("Authorization");
        int page = intParam(request, "page", 1);
        int perPage = intParam(request, "per_page", 100);
        String q = param(request, "q").orElse(null);
        Fault fault = faults.poll();
        if (fault != null) {
            ResponseDefinitionBuilder answer = ResponseDefinitionBuilder.responseDefinition().withStatus(fault.status())
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"error_code\": " + fault.status() + ", \"message\": \"injected fault\"}");
            if (fault.retryAfter() != null) {
                answer.withHeader("Retry-After", fault.retryAfter());
            }
            return record("events", now, page, perPage, q, authorization, answer.build());
        }
        return record("events", now, page, perPage, q, authorization, listEvents(request, now, authorization, page, perPage, q));
    }

    private ResponseDefinition record(String call, Instant now, int page, int perPage, String q, String authorization,
                                      ResponseDefinition answer) {
        served.add(new Served(call, answer.getStatus(), now, page, perPage, q, authorization));
        return answer;
    }

    private ResponseDefinition authenticate(Request request, Instant now) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(request.getBody());
        } catch (IOException e) {
            return error(400, "body is not JSON");
        }
        JsonNode token = body == null ? null : body.get("application_token");
        if (token == null || !applicationToken.equals(token.asText())) {
            return error(401, "Invalid application token");
        }
        long exp = now.plus(jwtLifetime).getEpochSecond();
        String jwt = base64(Json.mapper().createObjectNode().put("alg", "HS512").put("typ", "JWT").toString()) + "."
                + base64(Json.mapper().createObjectNode().put("sub", "app-token").put("iat", now.getEpochSecond())
                .put("exp", exp).put("esc.org", 1825).toString()) + "." + signature();
        issued.put(jwt, new Jwt(Instant.ofEpochSecond(exp), false));
        return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(Json.mapper().createObjectNode().put("auth_token", jwt).toString())
                .build();
    }

    private ResponseDefinition listEvents(Request request, Instant now, String authorization, int page, int perPage,
                                          String q) {
        Jwt jwt = authorization != null && authorization.startsWith("Bearer ")
                ? issued.get(authorization.substring("Bearer ".length())) : null;
        if (jwt == null || jwt.revoked() || !now.isBefore(jwt.expiry())) {
            return error(401, "Invalid or expired token");
        }
        Instant from = null;
        Instant until = null;
        if (q != null) {
            for (String term : q.split(",")) {
                int colon = term.indexOf(':');
                String field = colon < 0 ? term : term.substring(0, colon);
                String value = colon < 0 ? "" : term.substring(colon + 1);
                try {
                    if (field.equals("from")) {
                        from = Instant.parse(value);
                    } else if (field.equals("until")) {
                        until = Instant.parse(value);
                    }
                } catch (DateTimeParseException e) {
                    return error(422, "invalid time " + value);
                }
            }
        }
        if ((from == null) != (until == null)) {
            return error(422, "from and until must be given together");
        }
        Instant lower = from;
        Instant upper = until;
        Comparator<ObjectNode> order = switch (param(request, "sort").orElse("id")) {
            case "-id" -> Comparator.comparingLong((ObjectNode e) -> e.get("id").asLong()).reversed();
            case "timestamp" -> Comparator.comparing((ObjectNode e) -> Instant.parse(e.get("timestamp").asText()));
            default -> Comparator.comparingLong((ObjectNode e) -> e.get("id").asLong());
        };
        List<ObjectNode> matching = events.stream()
                .filter(e -> lower == null || inRange(Instant.parse(e.get("timestamp").asText()), lower, upper))
                .sorted(order)
                .toList();
        int size = Math.max(1, Math.min(perPage, maxPerPage));
        int totalPages = (matching.size() + size - 1) / size;
        // past the end, emnify answers with the last page again
        int shown = totalPages == 0 ? 1 : Math.min(Math.max(page, 1), totalPages);
        ArrayNode body = Json.mapper().createArrayNode();
        matching.stream().skip((long) (shown - 1) * size).limit(size).forEach(body::add);
        ResponseDefinitionBuilder answer = ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("X-Count-Per-Page", Integer.toString(size))
                .withHeader("X-Current-Page", Integer.toString(shown))
                .withHeader("X-Total-Count", Integer.toString(matching.size()))
                .withHeader("X-Total-Pages", Integer.toString(totalPages))
                .withBody(body.toString());
        if (shown < totalPages) {
            answer.withHeader("Link", "<" + EmnifyClient.EVENTS_PATH + "?page=" + (shown + 1) + "&per_page=" + size
                    + ">; rel=\"next\"");
        }
        return answer.build();
    }

    private static boolean inRange(Instant timestamp, Instant from, Instant until) {
        return !timestamp.isBefore(from) && !timestamp.isAfter(until);
    }

    private static ResponseDefinition error(int status, String message) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(Json.mapper().createObjectNode().put("error_code", status).put("message", message).toString())
                .build();
    }

    private static Optional<String> param(Request request, String name) {
        QueryParameter parameter = request.queryParameter(name);
        return parameter != null && parameter.isPresent() ? Optional.of(parameter.firstValue()) : Optional.empty();
    }

    private static int intParam(Request request, String name, int otherwise) {
        try {
            return param(request, name).map(Integer::parseInt).orElse(otherwise);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private String signature() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Routes both endpoints to the fake's state. */
    private final class Emnify implements ResponseDefinitionTransformerV2 {
        static final String NAME = "fake-emnify";

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            return answer(serveEvent.getRequest());
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }
}
