package io.fleetstream.topology.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.http.CallerAuthentication;
import io.fleetstream.http.Health;
import io.fleetstream.http.HealthEndpoints;
import io.fleetstream.http.MetricsEndpoint;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.topology.HistoryRetention;
import io.fleetstream.topology.availability.AvailabilityProcessor;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.history.EventHistoryProcessor;
import io.fleetstream.topology.history.EventHistoryReader;
import io.fleetstream.topology.history.HistoryScope;
import io.fleetstream.topology.incident.IncidentTopology;
import io.fleetstream.topology.query.QueryRouter.Answer;
import io.fleetstream.topology.query.QueryRouter.Gathered;
import io.fleetstream.topology.quota.QuotaBurn;
import io.fleetstream.topology.quota.QuotaForecastProcessor;
import io.fleetstream.topology.quota.QuotaManagementProcessor;
import io.fleetstream.topology.quota.QuotaStateProcessor;
import io.fleetstream.topology.usage.OperatorUsageProcessor;
import io.fleetstream.topology.usage.SessionUsageProcessor;
import io.fleetstream.topology.usage.UsageTotalsProcessor;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The HTTP API of a topology instance. Any instance answers for any key: a key owned by another
 * instance is forwarded to it, a question about the whole fleet is gathered from every instance.
 * Which copy answers what is {@link QueryRouter}'s business; this class parses parameters, asks the
 * router with a function that answers from this instance's stores, and renders.
 *
 * <p>Whenever Kafka Streams cannot answer truthfully (starting, rebalancing, restoring, owner and
 * standbys unreachable) the answer is 503 with Retry-After and a JSON error: never a wrong 404 or
 * an empty list. An answer from a standby copy says it may be stale ({@value #STALE_HEADER} and, in
 * JSON objects, {@code "stale": true}).
 */
public final class QueryServer implements AutoCloseable {

    /** Partitions (comma-separated) a request between instances asks this instance to answer for. */
    public static final String PARTITIONS_HEADER = QueryRouter.PARTITIONS_HEADER;
    /** On a request between instances: a standby copy may answer. */
    public static final String ACCEPT_STALE_HEADER = QueryRouter.ACCEPT_STALE_HEADER;
    /** On an answer: it came from a standby copy and may lag behind the active one. */
    public static final String STALE_HEADER = QueryRouter.STALE_HEADER;
    /**
     * On a fleet summary: when the oldest partition count in it was taken (ISO-8601). Counts are kept
     * up to {@link PartitionCounts#MAX_AGE}, so it is at most that old when the answer is made.
     */
    public static final String AS_OF_HEADER = "X-Fleetstream-As-Of";
    static final int RETRY_AFTER_SECONDS = 2;
    static final String JSON = "application/json";
    private static final String OPENAPI = "/io/fleetstream/topology/query/openapi.yaml";
    /** Headers of another instance's answer that are part of the answer itself. */
    private static final List<String> RELAYED_HEADERS = List.of("Content-Type", "Retry-After", "Link", "X-Total-Count",
            "X-Total-Pages", "X-Current-Page", "X-Count-Per-Page", STALE_HEADER);

    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);

    /**
     * @param peerTimeout how long to wait for another instance (connect and answer) before treating
     *                    it as unreachable
     * @param retention   how far back presence changes and usage are kept (the history retention): availability and
     *                    usage ranges are clipped to it
     */
    public record Config(String host, int port, Duration peerTimeout, QueryAccess access, Duration retention) {
        public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(5);

        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(peerTimeout, "peerTimeout");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(retention, "retention");
        }

        /** With the default history retention. */
        public Config(String host, int port, Duration peerTimeout, QueryAccess access) {
            this(host, port, peerTimeout, access, HistoryRetention.DEFAULT_RETENTION);
        }

        /** Open to anyone who reaches the port. */
        public Config(String host, int port, Duration peerTimeout) {
            this(host, port, peerTimeout, QueryAccess.open());
        }

        public Config(String host, int port) {
            this(host, port, DEFAULT_PEER_TIMEOUT);
        }

        public Config withAccess(QueryAccess newAccess) {
            return new Config(host, port, peerTimeout, newAccess, retention);
        }

        public Config withRetention(Duration newRetention) {
            return new Config(host, port, peerTimeout, access, newRetention);
        }
    }

    /**
     * What anyone may ask, token or not: probes (Kubernetes sends no credential), Prometheus' scrape (route templates,
     * counts and timings; no device data and no secret), and the API's description.
     */
    public static final Set<String> OPEN_PATHS = Set.of(HealthEndpoints.LIVE_PATH, HealthEndpoints.READY_PATH, "/metrics",
            "/openapi.yaml");

    /** A route as registered, with the query parameters it accepts: what the OpenAPI document must describe. */
    public record Route(String method, String path, Set<String> queryParameters) {
    }

    private final Cluster cluster;
    private final LocalQueries local;
    private final EventCatalog catalog;
    private final PrometheusMeterRegistry meters;
    private final QueryRouter router;
    private final InstanceHealth health;
    private final QueryAccess access;
    private final CallerAuthentication authentication;
    private final byte[] openApi;
    private final Duration retention;
    private final Clock clock = Clock.systemUTC();
    /** Every GET route Javalin registered (also one added without {@link #get}), in order. */
    private final List<String> registered = new CopyOnWriteArrayList<>();
    private final Map<String, Set<String>> queryParameters = new ConcurrentHashMap<>();
    private final Javalin app;

    /** With the health the cluster tells ({@link #clusterHealth}): always live, ready while Kafka Streams runs. */
    public QueryServer(Config config, Cluster cluster, LocalStores stores, EventHistoryReader history,
                       EventCatalog catalog, PrometheusMeterRegistry meters) {
        this(config, cluster, stores, history, catalog, meters, null);
    }

    /** @param health what the health endpoints answer; null for {@link #clusterHealth} */
    public QueryServer(Config config, Cluster cluster, LocalStores stores, EventHistoryReader history,
                       EventCatalog catalog, PrometheusMeterRegistry meters, InstanceHealth health) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.health = health != null ? health : clusterHealth(cluster);
        Objects.requireNonNull(stores, "stores");
        this.local = new LocalQueries(stores, history, new PartitionCounts(stores, Clock.systemUTC(), PartitionCounts.MAX_AGE));
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.access = config.access();
        this.retention = config.retention();
        this.authentication = access.authentication();
        // other instances are asked with this instance's token: every instance of an application shares it
        this.router = new QueryRouter(cluster, new HttpPeerClient(config.peerTimeout(), access.token()), meters);
        this.openApi = resource(OPENAPI);
        this.app = HttpEdge.create(new HttpEdge.Config(config.host(), config.port())
                        .withRequestObserver((ctx, ms) -> requestTimer(ctx).record(Duration.ofNanos((long) (ms * 1_000_000)))),
                c -> c.events(events -> events.handlerAdded(h -> {
                    if (h.getHttpMethod() == HandlerType.GET) {
                        registered.add(h.getPath());
                    }
                })));

        // both answer 503 with Retry-After and the reason when down, 200 when up
        HealthEndpoints liveness = new HealthEndpoints(this.health::liveness, RETRY_AFTER_SECONDS);
        HealthEndpoints readiness = new HealthEndpoints(this.health::readiness, RETRY_AFTER_SECONDS);
        get(HealthEndpoints.LIVE_PATH, Set.of(), liveness::ready);
        get(HealthEndpoints.READY_PATH, Set.of(), readiness::ready);
        get(MetricsEndpoint.PATH, Set.of(), new MetricsEndpoint(meters));
        get("/openapi.yaml", Set.of(), ctx -> ctx.contentType("application/yaml").result(openApi));
        get("/v1/event-types", Set.of(), this::eventTypes);
        get("/v1/instances", Set.of(), this::instances);
        get("/v1/devices", DeviceQuery.PARAMETERS, this::devices);
        get("/v1/devices/{endpoint_id}", Set.of(), this::device);
        get("/v1/devices/{endpoint_id}/quota", Set.of(), this::quota);
        get("/v1/devices/{endpoint_id}/quota/forecast", Set.of(), this::quotaForecast);
        get("/v1/devices/{endpoint_id}/events", EventQuery.PARAMETERS, this::deviceEvents);
        get("/v1/devices/{endpoint_id}/availability", AvailabilityQuery.DEVICE_PARAMETERS, this::deviceAvailability);
        get("/v1/devices/{endpoint_id}/usage", UsageQuery.PARAMETERS, this::deviceUsage);
        get("/v1/devices/{endpoint_id}/sessions", AvailabilityQuery.DEVICE_PARAMETERS, this::deviceSessions);
        get("/v1/devices/{endpoint_id}/sessions/{session_id}", Set.of(), this::deviceSession);
        get("/v1/organisations/{organisation_id}/quota-management", Set.of(), this::quotaManagement);
        get("/v1/organisations/{organisation_id}/events", EventQuery.PARAMETERS, this::organisationEvents);
        get("/v1/fleet/summary", Set.of(), this::summary);
        get("/v1/fleet/availability", AvailabilityQuery.FLEET_PARAMETERS, this::fleetAvailability);
        get("/v1/fleet/incidents", IncidentQuery.PARAMETERS, this::fleetIncidents);
        get("/v1/fleet/usage", FleetUsageQuery.PARAMETERS, this::fleetUsage);

        app.exception(NotAuthenticatedException.class, (e, ctx) -> refuse(ctx, e.outcome()));
        app.exception(BadRequestException.class, (e, ctx) -> error(ctx, 400, e.getMessage(), e.parameter()));
        app.exception(NotQueryableException.class, (e, ctx) -> unavailable(ctx, e.getMessage()));
        app.exception(InvalidStateStoreException.class, (e, ctx) -> unavailable(ctx,
                "state moved while it was read (rebalancing): " + e.getMessage()));
        app.exception(SchemaRegistryException.class, (e, ctx) -> unavailable(ctx,
                "the schema registry did not answer, so stored events cannot be decoded: " + e.getMessage()));
        app.exception(PeerFailureException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), null));
        app.exception(Exception.class, (e, ctx) -> {
            log.atError().addKeyValue(LogFields.METHOD, ctx.method().name()).addKeyValue(LogFields.PATH, ctx.path())
                    .setCause(e).log("unexpected failure answering {} {}", ctx.method(), ctx.path());
            error(ctx, 500, "the query failed unexpectedly (" + e.getClass().getSimpleName() + "); see this instance's log", null);
        });
        app.exception(EndpointNotFound.class, (e, ctx) -> error(ctx, 404,
                "no such endpoint: " + ctx.method() + " " + HttpEdge.echo(ctx.path()) + "; see /openapi.yaml", null));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                e.getMessage() + " (" + ctx.method() + " " + HttpEdge.echo(ctx.path()) + "); see /openapi.yaml", null));
    }

    public QueryServer start() {
        app.start();
        log.info("query API listening on port {} ({})", port(), access);
        if (access.token().isEmpty() && !access.loopbackOnly()) {
            log.warn("the query API has no token: anyone who reaches port {} can read device state and history;"
                    + " set --query-token (FLEETSTREAM_QUERY_TOKEN) unless the network restricts who reaches it", port());
        }
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The meters this server serves on /metrics. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Every route this server answers, as Javalin registered it, with the query parameters it accepts. */
    public List<Route> routes() {
        return registered.stream()
                .map(path -> new Route("GET", path, queryParameters.getOrDefault(path, Set.of())))
                .toList();
    }

    @Override
    public void close() {
        app.stop();
    }

    /** Registers a GET route that refuses any query parameter it does not name. */
    private void get(String path, Set<String> queryParameters, Handler handler) {
        Set<String> accepted = Set.copyOf(queryParameters);
        this.queryParameters.put(path, accepted);
        boolean open = OPEN_PATHS.contains(path);
        app.get(path, ctx -> {
            if (!open) {
                authenticate(ctx);
            }
            parameters(ctx).acceptOnly(accepted);
            handler.handle(ctx);
        });
    }

    // ---- access

    /** A caller this server does not serve: answered 401 (with the challenge) or 403 by {@link #refuse}. */
    private static final class NotAuthenticatedException extends RuntimeException {
        private final CallerAuthentication.Outcome outcome;

        NotAuthenticatedException(CallerAuthentication.Outcome outcome) {
            super(outcome.name(), null, false, false);
            this.outcome = outcome;
        }

        CallerAuthentication.Outcome outcome() {
            return outcome;
        }
    }

    private void authenticate(Context ctx) {
        CallerAuthentication.Outcome outcome = authentication.check(ctx.header("Authorization"), ctx.req().getRemoteAddr());
        if (outcome != CallerAuthentication.Outcome.ALLOWED) {
            throw new NotAuthenticatedException(outcome);
        }
    }

    /** The caller's address and the outcome are logged; what it sent never is. */
    private void refuse(Context ctx, CallerAuthentication.Outcome outcome) {
        String remote = ctx.req().getRemoteAddr();
        if (outcome == CallerAuthentication.Outcome.NOT_LOOPBACK) {
            log.info("refused a query from {}: no query token is configured, so only this host is served", remote);
            error(ctx, 403, "this query API has no token configured, so it serves only clients on its own host;"
                    + " set --query-token (FLEETSTREAM_QUERY_TOKEN) to serve others, who then send it as"
                    + " Authorization: Bearer <token>", null);
            return;
        }
        log.info("refused a query from {}: {} token", remote, outcome == CallerAuthentication.Outcome.MISSING ? "missing" : "wrong");
        authentication.challenges().forEach(challenge -> ctx.res().addHeader("WWW-Authenticate", challenge));
        error(ctx, 401, outcome == CallerAuthentication.Outcome.MISSING
                ? "missing Authorization header: send Authorization: Bearer <token> with the query token this instance"
                        + " is configured with (--query-token)"
                : "the Authorization header does not match the query token this instance is configured with;"
                        + " send Authorization: Bearer <token>", null);
    }

    // ---- handlers: parse, route, render

    /**
     * Always live (answering is the proof); ready while Kafka Streams is RUNNING and nothing is awaited: a paused Kafka
     * Streams (waiting for the schema registry) is RUNNING but processes nothing. {@code streams} is its state, which
     * {@code /v1/instances} shows for peers.
     */
    public static InstanceHealth clusterHealth(Cluster cluster) {
        return new InstanceHealth() {
            @Override
            public Health liveness() {
                return Health.up();
            }

            @Override
            public Health readiness() {
                Optional<String> waitingFor = cluster.waitingFor();
                return Health.check("kafka_streams", cluster.running() && waitingFor.isEmpty(),
                                waitingFor.orElse("Kafka Streams is " + cluster.state() + ", not RUNNING"))
                        .with("streams", cluster.state());
            }
        };
    }

    private void eventTypes(Context ctx) {
        ArrayNode types = Json.mapper().createArrayNode();
        catalog.all().forEach(t -> types.addObject()
                .put("id", t.id())
                .put("description", t.name())
                .put("category", t.category().slug()));
        json(ctx, 200, types);
    }

    private void instances(Context ctx) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (QueryRouter.Member member : router.members()) {
            InstanceMembership m = member.membership();
            ObjectNode node = list.addObject()
                    .put("host", m.instance().host())
                    .put("port", m.instance().port())
                    .put("self", member.self())
                    .put("state", member.state());
            m.activePartitions().forEach(node.putArray("active_partitions")::add);
            m.standbyPartitions().forEach(node.putArray("standby_partitions")::add);
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.set("instances", list);
        json(ctx, 200, body);
    }

    /**
     * The device's state, its open and last session each with the {@code usage} counted for it: the usage stores are
     * in another subtopology, possibly on another instance, so the entry instance joins them by {@code session_id},
     * each routed to its own owner. Another instance asking is answered the state alone.
     */
    private void device(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        String key = EventKeys.ofEndpoint(id);
        QueryRouter.Request request = request(ctx);
        QueryRouter.Routed routed = router.keyed(request, DeviceStateProcessor.STATE_STORE, key, read -> {
            DeviceState state = local.device(key, read);
            return state == null
                    ? Answer.error(404, "no device with endpoint_id " + id + " has been seen")
                    : Answer.ok(DeviceStateJson.of(state));
        });
        if (request.internal()) {
            render(ctx, routed);
            return;
        }
        Keyed state = Keyed.of(routed);
        if (state.status() != 200 || !(state.body() instanceof ObjectNode body)) {
            render(ctx, routed);
            return;
        }
        boolean stale = state.stale();
        for (String field : List.of("session", "last_session")) {
            if (body.get(field) instanceof ObjectNode session && session.path("session_id").isTextual()) {
                stale |= joinSessionUsage(id, key, session);
            }
        }
        body.remove("stale");
        send(ctx, Answer.ok(body), stale);
    }

    /** Sets a session's {@code usage} (null when none of its records is kept); true when it came from a standby. */
    private boolean joinSessionUsage(long id, String key, ObjectNode session) {
        String sessionId = session.get("session_id").textValue();
        String path = "/v1/devices/" + id + "/sessions/"
                + URLEncoder.encode(sessionId, StandardCharsets.UTF_8).replace("+", "%20");
        Keyed usage = Keyed.of(router.keyed(QueryRouter.Request.fromClient(path), SessionUsageProcessor.STORE, key,
                read -> sessionAnswer(id, sessionId, read)));
        if (usage.status() == 404) {
            session.putNull("usage");
        } else if (usage.status() == 503) {
            throw new NotQueryableException("the usage of session " + HttpEdge.quote(sessionId) + " cannot be read: "
                    + usage.body().path("error").asText());
        } else if (usage.status() != 200 || !(usage.body() instanceof ObjectNode found)) {
            throw new PeerFailureException(502, "the usage of session " + HttpEdge.quote(sessionId) + " could not be read ("
                    + usage.status() + "): " + usage.body().path("error").asText());
        } else {
            found.remove(List.of("endpoint_id", "session_id", "stale"));
            session.set("usage", found);
        }
        return usage.stale();
    }

    private Answer sessionAnswer(long id, String sessionId, PartitionRead read) {
        return local.session(id, sessionId, read)
                .map(s -> Answer.ok(SessionUsageJson.one(id, s)))
                .orElseGet(() -> Answer.error(404, "no usage record of session " + HttpEdge.quote(sessionId)
                        + " of endpoint_id " + id + " is kept"));
    }

    private void deviceSession(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        String sessionId = ctx.pathParam("session_id");
        keyed(ctx, SessionUsageProcessor.STORE, EventKeys.ofEndpoint(id), read -> sessionAnswer(id, sessionId, read));
    }

    private void deviceSessions(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        AvailabilityQuery range = AvailabilityQuery.parseDevice(parameters(ctx), clock.instant(), retention);
        keyed(ctx, SessionUsageProcessor.STORE, EventKeys.ofEndpoint(id),
                read -> Answer.ok(SessionUsageJson.ledger(id, range, local.sessions(id, range, read))));
    }

    private void fleetUsage(Context ctx) {
        QueryRouter.Request asked = request(ctx);
        FleetUsageQuery query = FleetUsageQuery.parse(ctx.queryParamMap(), clock.instant(), retention, !asked.internal());
        // the other instances are asked for exactly these days, whatever their own clocks say
        QueryRouter.Request request = asked.internal() ? asked : QueryRouter.Request.fromClient(query.pathAndQuery(ctx.path()));
        Gathered<FleetUsage> gathered = router.gather(request, OperatorUsageProcessor.STORE,
                reads -> local.fleetUsage(query, reads), reply -> FleetUsage.fromJson(reply.json()));
        FleetUsage total = new FleetUsage();
        gathered.parts().forEach(total::add);
        send(ctx, Answer.ok(total.toJson(query)), gathered.stale());
    }

    /**
     * The quota state, and for an ACTIVE data quota its forecast under {@code data.forecast} (null when none is kept).
     * The forecast lives in the usage sub-topology's tasks, which Kafka Streams may assign to another instance than
     * the quota state's, so it is a second keyed question; another instance asking for the state gets the state
     * alone (the instance the client asked adds the forecast).
     */
    private void quota(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        String key = EventKeys.ofEndpoint(id);
        QueryRouter.Request request = request(ctx);
        QueryRouter.Routed state = router.keyed(request, QuotaStateProcessor.STATE_STORE, key, read -> {
            QuotaState s = local.quota(key, read);
            return s == null
                    ? Answer.error(404, "no quota event has been seen for endpoint_id " + id)
                    : Answer.ok(QuotaJson.of(s));
        });
        Keyed quota = Keyed.of(state);
        if (request.internal() || quota.status() != 200
                || !"ACTIVE".equals(quota.body().path("data").path("status").asText())) {
            render(ctx, state);
            return;
        }
        QueryRouter.Routed forecastRouted = router.keyed(QueryRouter.Request.fromClient(forecastPath(id)),
                QuotaForecastProcessor.STORE, key, read -> forecastAnswer(id, key, read));
        Keyed forecast = Keyed.of(forecastRouted);
        if (forecast.status() != 200 && forecast.status() != 404) {
            render(ctx, forecastRouted);
            return;
        }
        ObjectNode body = ((ObjectNode) quota.body()).deepCopy();
        ObjectNode data = (ObjectNode) body.get("data");
        if (forecast.status() == 200) {
            ObjectNode f = ((ObjectNode) forecast.body()).deepCopy();
            f.remove(List.of("endpoint_id", "stale"));
            data.set("forecast", f);
        } else {
            data.putNull("forecast");
        }
        send(ctx, Answer.ok(body), quota.stale() || forecast.stale());
    }

    private static String forecastPath(long endpointId) {
        return "/v1/devices/" + endpointId + "/quota/forecast";
    }

    private void quotaForecast(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        String key = EventKeys.ofEndpoint(id);
        keyed(ctx, QuotaForecastProcessor.STORE, key, read -> forecastAnswer(id, key, read));
    }

    private Answer forecastAnswer(long id, String key, PartitionRead read) {
        QuotaBurn burn = local.forecast(key, read);
        if (burn == null) {
            return Answer.error(404, "no data quota of endpoint_id " + id + " is being forecast: none is ACTIVE (never"
                    + " assigned, or exhausted, expired or deleted), or its assignment has not reached the forecast yet");
        }
        ObjectNode body = Json.mapper().createObjectNode().put("endpoint_id", id);
        body.setAll(QuotaJson.forecast(burn));
        return Answer.ok(body);
    }

    private void quotaManagement(Context ctx) {
        long id = RequestParameters.id("organisation_id", ctx.pathParam("organisation_id"));
        String key = QuotaManagementProcessor.storeKey(id);
        keyed(ctx, QuotaManagementProcessor.MANAGEMENT_STORE, key, read -> {
            QuotaManagementState state = local.quotaManagement(key, read);
            return state == null
                    ? Answer.error(404, "no quota management event has been seen for organisation_id " + id)
                    : Answer.ok(QuotaJson.of(state));
        });
    }

    private void deviceEvents(Context ctx) {
        EventQuery query = EventQuery.parse(parameters(ctx));
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        keyed(ctx, EventHistoryProcessor.HISTORY_STORE, EventKeys.ofEndpoint(id), read -> {
            EventSlice page = local.page(HistoryScope.device(id), query, read);
            Paging paging = Paging.served(query.page(), page.total(), query.perPage());
            return new Answer(200, page.toJson(), paging.headers(ctx.path(), ctx.queryParamMap()));
        });
    }

    private void organisationEvents(Context ctx) {
        QueryRouter.Request request = request(ctx);
        // instances gathering from each other ask for everything up to the end of the page
        EventQuery query = EventQuery.parse(parameters(ctx), request.internal() ? Integer.MAX_VALUE : EventQuery.MAX_PER_PAGE);
        HistoryScope scope = HistoryScope.organisation(RequestParameters.id("organisation_id", ctx.pathParam("organisation_id")));
        long upToEndOfPage = query.offset() + query.perPage();
        Gathered<EventSlice> gathered = router.gather(request,
                reads -> local.first(scope, query.filter(), query.order(), upToEndOfPage, reads),
                reply -> EventSlice.fromJson(reply.body(), reply.header("X-Total-Count").map(Long::parseLong).orElse(0L)));
        EventSlice merged = EventSlice.merge(gathered.parts(), query.order(), upToEndOfPage);
        if (request.internal()) {
            send(ctx, new Answer(200, merged.toJson(), Map.of("X-Total-Count", Long.toString(merged.total()))),
                    gathered.stale());
            return;
        }
        Paging paging = Paging.served(query.page(), merged.total(), query.perPage());
        send(ctx, new Answer(200, merged.slice(paging.offset(), query.perPage()).toJson(),
                paging.headers(ctx.path(), ctx.queryParamMap())), gathered.stale());
    }

    private void devices(Context ctx) {
        DeviceQuery query = DeviceQuery.parse(parameters(ctx));
        Gathered<DevicePage> gathered = router.gather(request(ctx), reads -> local.devices(query, reads),
                reply -> DevicePage.fromJson(reply.body()));
        send(ctx, Answer.ok(DevicePage.merge(gathered.parts(), query.limit()).toJson()), gathered.stale());
    }

    private void summary(Context ctx) {
        Gathered<FleetSummary> gathered = router.gather(request(ctx), local::summary, reply -> FleetSummary.fromJson(reply.json())
                .asOf(reply.header(AS_OF_HEADER).map(Instant::parse).orElse(null)));
        FleetSummary total = new FleetSummary();
        gathered.parts().forEach(total::add);
        Map<String, String> headers = total.asOf().map(t -> Map.of(AS_OF_HEADER, t.toString())).orElse(Map.of());
        send(ctx, new Answer(200, total.toJson(), headers), gathered.stale());
    }

    private void deviceAvailability(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        AvailabilityQuery query = AvailabilityQuery.parseDevice(parameters(ctx), clock.instant(), retention);
        keyed(ctx, AvailabilityProcessor.STORE, EventKeys.ofEndpoint(id), read -> local.availability(id, query, read)
                .map(report -> Answer.ok(AvailabilityJson.device(id, query, report)))
                .orElseGet(() -> Answer.error(404, "no presence change of endpoint_id " + id + " has been recorded (a device"
                        + " that never went online has none)")));
    }

    private void deviceUsage(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        UsageQuery query = UsageQuery.parse(ctx.queryParamMap(), clock.instant(), retention);
        keyed(ctx, UsageTotalsProcessor.STORE, EventKeys.ofEndpoint(id),
                read -> Answer.ok(UsageJson.device(id, query, local.usage(id, query, read))));
    }

    private void fleetAvailability(Context ctx) {
        QueryRouter.Request asked = request(ctx);
        AvailabilityQuery query = AvailabilityQuery.parseFleet(parameters(ctx), clock.instant(), retention, !asked.internal());
        // the other instances are asked for exactly this range, whatever their own clocks say
        QueryRouter.Request request = asked.internal() ? asked : QueryRouter.Request.fromClient(query.pathAndQuery(ctx.path()));
        AvailabilityQuery.Grouping by = query.by().orElseThrow();
        Gathered<FleetAvailability> gathered = router.gather(request, reads -> local.fleetAvailability(query, reads),
                reply -> FleetAvailability.fromJson(reply.json(), by));
        FleetAvailability total = new FleetAvailability(by);
        gathered.parts().forEach(total::add);
        send(ctx, Answer.ok(asked.internal() ? total.toJson() : total.toJson(query)), gathered.stale());
    }

    private void fleetIncidents(Context ctx) {
        QueryRouter.Request asked = request(ctx);
        IncidentQuery query = IncidentQuery.parse(parameters(ctx), clock.instant());
        // the other instances are asked for exactly this range, whatever their own clocks say
        QueryRouter.Request request = asked.internal() ? asked : QueryRouter.Request.fromClient(query.pathAndQuery(ctx.path()));
        Gathered<List<JsonNode>> gathered = router.gather(request, IncidentTopology.STORE,
                reads -> local.incidents(query, reads).stream().<JsonNode>map(IncidentJson::of).toList(),
                reply -> IncidentJson.items(reply.json()));
        send(ctx, Answer.ok(asked.internal() ? IncidentJson.part(gathered.parts().get(0))
                : IncidentJson.answer(query, gathered.parts())), gathered.stale());
    }

    /** Answers a question about one key, here or relayed from the instance that holds it. */
    private void keyed(Context ctx, String store, String key, Function<PartitionRead, Answer> answer) {
        render(ctx, router.keyed(request(ctx), store, key, answer));
    }

    /**
     * A keyed answer as JSON, wherever it was answered: for an answer joined from several stores (a device and its
     * sessions' usage, a quota and its forecast).
     */
    private record Keyed(int status, JsonNode body, boolean stale) {
        /** Decimals read as written ({@code 3600.0} stays so): the joined answer is the same from any instance. */
        private static final ObjectReader AS_SENT = Json.mapper().reader()
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

        static Keyed of(QueryRouter.Routed routed) {
            if (routed instanceof QueryRouter.Relayed relayed) {
                PeerClient.Reply reply = relayed.reply();
                JsonNode body;
                try {
                    body = AS_SENT.readTree(reply.body());
                } catch (IOException e) {
                    throw new PeerFailureException(502, "another instance answered with a body that is not JSON: "
                            + e.getMessage());
                }
                return new Keyed(reply.status(), body, reply.header(STALE_HEADER).isPresent());
            }
            QueryRouter.Here here = (QueryRouter.Here) routed;
            return new Keyed(here.answer().status(), here.answer().body(), here.stale());
        }
    }

    private static void render(Context ctx, QueryRouter.Routed routed) {
        if (routed instanceof QueryRouter.Relayed relayed) {
            relay(ctx, relayed.reply());
        } else if (routed instanceof QueryRouter.Here here) {
            send(ctx, here.answer(), here.stale());
        }
    }

    // ---- rendering

    private static QueryRouter.Request request(Context ctx) {
        return QueryRouter.Request.of(ctx.path(), ctx.queryString(), ctx::header);
    }

    private static RequestParameters parameters(Context ctx) {
        return new RequestParameters(ctx.queryParamMap());
    }

    private static void relay(Context ctx, PeerClient.Reply reply) {
        for (String name : RELAYED_HEADERS) {
            reply.header(name).ifPresent(value -> ctx.header(name, value));
        }
        ctx.status(reply.status()).result(reply.body());
    }

    private static void send(Context ctx, Answer answer, boolean stale) {
        answer.headers().forEach(ctx::header);
        JsonNode body = answer.body();
        if (stale && answer.status() == 200) {
            ctx.header(STALE_HEADER, "true");
            if (body instanceof ObjectNode object) {
                object.put("stale", true);
            }
        }
        json(ctx, answer.status(), body);
    }

    private static void json(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType(JSON).result(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void error(Context ctx, int status, String message, String parameter) {
        json(ctx, status, Answer.errorBody(status, message, parameter));
    }

    private static void unavailable(Context ctx, String message) {
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        error(ctx, 503, message, null);
    }

    // ---- metrics

    /**
     * In Prometheus: {@code fleetstream_query_requests_seconds{route, method, status, internal}}, a histogram
     * ({@code _bucket{le}}, {@code _count}, {@code _sum}) and {@code fleetstream_query_requests_seconds_max}.
     */
    public static final String REQUESTS_TIMER = "fleetstream.query.requests";
    private static final Duration[] REQUEST_BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    private Timer requestTimer(Context ctx) {
        String route;
        try {
            route = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        // always the same four tags (Prometheus wants one tag set per name); the buckets are what an HTTP API's latency
        // objectives are set at, so a histogram_quantile or an SLO ratio needs no client-side percentiles
        return Timer.builder(REQUESTS_TIMER)
                .description("query API requests by route template, method, status and whether a peer asked")
                .tag("route", route)
                .tag("method", ctx.method().name())
                .tag("status", Integer.toString(ctx.statusCode()))
                .tag("internal", Boolean.toString(ctx.header(PARTITIONS_HEADER) != null))
                .serviceLevelObjectives(REQUEST_BUCKETS)
                .minimumExpectedValue(REQUEST_BUCKETS[0])
                .maximumExpectedValue(REQUEST_BUCKETS[REQUEST_BUCKETS.length - 1])
                .register(meters);
    }

    private static byte[] resource(String name) {
        try (InputStream in = QueryServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
