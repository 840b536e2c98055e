package io.fleetstream.topology.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.http.Health;
import io.fleetstream.http.HealthEndpoints;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.history.EventHistoryProcessor;
import io.fleetstream.topology.history.EventHistoryReader;
import io.fleetstream.topology.history.HistoryScope;
import io.fleetstream.topology.quota.QuotaManagementProcessor;
import io.fleetstream.topology.quota.QuotaStateProcessor;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The HTTP API of a topology instance. Any instance answers for any key: a key owned by another
 * instance is forwarded to it, a question about the whole fleet is gathered from every instance.
 *
 * <p>Requests between instances carry {@value #PARTITIONS_HEADER}: the partitions to answer for from
 * this instance's own stores. Such a request is never forwarded again, so forwarding cannot loop,
 * and it is answered from exactly those partitions or refused with 503 (the partition moved), never
 * from whatever this instance happens to hold. When the active owner of a partition cannot be
 * reached, a standby answers with {@value #ACCEPT_STALE_HEADER}; the answer then says it may be
 * stale ({@value #STALE_HEADER} and, in JSON objects, {@code "stale": true}).
 *
 * <p>Whenever Kafka Streams cannot answer truthfully (starting, rebalancing, restoring, owner and
 * standbys unreachable) the answer is 503 with Retry-After and a JSON error: never a wrong 404 or
 * an empty list. Handlers only parse, route and render; the query logic is in plain classes.
 */
public final class QueryServer implements AutoCloseable {

    /** Partitions (comma-separated) a request between instances asks this instance to answer for. */
    public static final String PARTITIONS_HEADER = "X-Fleetstream-Partitions";
    /** On a request between instances: a standby copy may answer. */
    public static final String ACCEPT_STALE_HEADER = "X-Fleetstream-Accept-Stale";
    /** On an answer: it came from a standby copy and may lag behind the active one. */
    public static final String STALE_HEADER = "X-Fleetstream-Stale";
    static final int RETRY_AFTER_SECONDS = 2;
    static final String JSON = "application/json";
    private static final Duration UNREACHABLE_LOG_INTERVAL = Duration.ofSeconds(10);
    private static final String OPENAPI = "/io/fleetstream/topology/query/openapi.yaml";
    /** Headers of another instance's answer that are part of the answer itself. */
    private static final List<String> RELAYED_HEADERS = List.of("Content-Type", "Retry-After", "Link", "X-Total-Count",
            "X-Total-Pages", "X-Current-Page", "X-Count-Per-Page", STALE_HEADER);

    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);

    /**
     * @param peerTimeout how long to wait for another instance (connect and answer) before treating
     *                    it as unreachable
     */
    public record Config(String host, int port, Duration peerTimeout) {
        public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(5);

        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(peerTimeout, "peerTimeout");
        }

        public Config(String host, int port) {
            this(host, port, DEFAULT_PEER_TIMEOUT);
        }
    }

    /** A route as registered, with the query parameters it accepts: what the OpenAPI document must describe. */
    public record Route(String method, String path, Set<String> queryParameters) {
    }

    private final Cluster cluster;
    private final LocalQueries local;
    private final EventCatalog catalog;
    private final PrometheusMeterRegistry meters;
    private final PeerClient peers;
    private final byte[] openApi;
    /** Every GET route Javalin registered (also one added without {@link #get}), in order. */
    private final List<String> registered = new CopyOnWriteArrayList<>();
    private final Map<String, Set<String>> queryParameters = new ConcurrentHashMap<>();
    /** When each unreachable instance was last reported, so an outage is logged every few seconds, not per request. */
    private final Map<Instance, Long> unreachableReported = new ConcurrentHashMap<>();
    private final Javalin app;

    public QueryServer(Config config, Cluster cluster, LocalStores stores, EventHistoryReader history,
                       EventCatalog catalog, PrometheusMeterRegistry meters) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.local = new LocalQueries(Objects.requireNonNull(stores, "stores"), history);
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.peers = new PeerClient(config.peerTimeout());
        this.openApi = resource(OPENAPI);
        this.app = HttpEdge.create(new HttpEdge.Config(config.host(), config.port())
                        .withRequestObserver((ctx, ms) -> requestTimer(ctx).record(Duration.ofNanos((long) (ms * 1_000_000)))),
                c -> c.events(events -> events.handlerAdded(h -> {
                    if (h.getHttpMethod() == HandlerType.GET) {
                        registered.add(h.getPath());
                    }
                })));

        HealthEndpoints health = new HealthEndpoints(this::health, RETRY_AFTER_SECONDS);
        get(HealthEndpoints.LIVE_PATH, Set.of(), health::live);
        get(HealthEndpoints.READY_PATH, Set.of(), health::ready);
        get("/metrics", Set.of(), ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape()));
        get("/openapi.yaml", Set.of(), ctx -> ctx.contentType("application/yaml").result(openApi));
        get("/v1/event-types", Set.of(), this::eventTypes);
        get("/v1/instances", Set.of(), this::instances);
        get("/v1/devices", DeviceQuery.PARAMETERS, this::devices);
        get("/v1/devices/{endpoint_id}", Set.of(), this::device);
        get("/v1/devices/{endpoint_id}/quota", Set.of(), this::quota);
        get("/v1/devices/{endpoint_id}/events", EventQuery.PARAMETERS, this::deviceEvents);
        get("/v1/organisations/{organisation_id}/quota-management", Set.of(), this::quotaManagement);
        get("/v1/organisations/{organisation_id}/events", EventQuery.PARAMETERS, this::organisationEvents);
        get("/v1/fleet/summary", Set.of(), this::summary);

        app.exception(BadRequestException.class, (e, ctx) -> error(ctx, 400, e.getMessage(), e.parameter()));
        app.exception(NotQueryableException.class, (e, ctx) -> unavailable(ctx, e.getMessage()));
        app.exception(InvalidStateStoreException.class, (e, ctx) -> unavailable(ctx,
                "state moved while it was read (rebalancing): " + e.getMessage()));
        app.exception(SchemaRegistryException.class, (e, ctx) -> unavailable(ctx,
                "the schema registry did not answer, so stored events cannot be decoded: " + e.getMessage()));
        app.exception(PeerFailureException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), null));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, "the query failed unexpectedly (" + e.getClass().getSimpleName() + "); see this instance's log", null);
        });
        app.exception(EndpointNotFound.class, (e, ctx) -> error(ctx, 404,
                "no such endpoint: " + ctx.method() + " " + ctx.path() + "; see /openapi.yaml", null));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                e.getMessage() + " (" + ctx.method() + " " + ctx.path() + "); see /openapi.yaml", null));
    }

    public QueryServer start() {
        app.start();
        log.info("query API listening on port {}", port());
        return this;
    }

    public int port() {
        return app.port();
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
        app.get(path, ctx -> {
            parameters(ctx).acceptOnly(accepted);
            handler.handle(ctx);
        });
    }

    // ---- handlers: parse, route, render

    /** Ready while Kafka Streams is RUNNING; {@code streams} is its state, which {@code /v1/instances} shows for peers. */
    private Health health() {
        Health health = Health.check("kafka_streams", cluster.running(), "Kafka Streams is " + cluster.state() + ", not RUNNING")
                .with("streams", cluster.state());
        return cluster.waitingFor().map(health::because).orElse(health);
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
        List<InstanceMembership> members = cluster.members();
        Map<Instance, CompletableFuture<Optional<PeerClient.Reply>>> states = new LinkedHashMap<>();
        for (InstanceMembership m : members) {
            if (!m.instance().equals(cluster.self())) {
                states.put(m.instance(), peers.get(m.instance(), "/health/ready", Map.of()));
            }
        }
        ArrayNode list = Json.mapper().createArrayNode();
        for (InstanceMembership m : members) {
            boolean self = m.instance().equals(cluster.self());
            ObjectNode node = list.addObject()
                    .put("host", m.instance().host())
                    .put("port", m.instance().port())
                    .put("self", self)
                    .put("state", self ? cluster.state() : remoteState(states.get(m.instance())));
            m.activePartitions().forEach(node.putArray("active_partitions")::add);
            m.standbyPartitions().forEach(node.putArray("standby_partitions")::add);
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.set("instances", list);
        json(ctx, 200, body);
    }

    private void device(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        String key = Long.toString(id);
        keyed(ctx, DeviceStateProcessor.STATE_STORE, key, read -> {
            DeviceState state = local.device(key, read);
            return state == null
                    ? Answer.error(404, "no device with endpoint_id " + id + " has been seen")
                    : Answer.ok(DeviceStateJson.of(state));
        });
    }

    private void quota(Context ctx) {
        long id = RequestParameters.id("endpoint_id", ctx.pathParam("endpoint_id"));
        String key = Long.toString(id);
        keyed(ctx, QuotaStateProcessor.STATE_STORE, key, read -> {
            QuotaState state = local.quota(key, read);
            return state == null
                    ? Answer.error(404, "no quota event has been seen for endpoint_id " + id)
                    : Answer.ok(QuotaJson.of(state));
        });
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
        keyed(ctx, EventHistoryProcessor.HISTORY_STORE, Long.toString(id), read -> {
            EventSlice page = local.page(HistoryScope.device(id), query, read);
            Paging paging = Paging.served(query.page(), page.total(), query.perPage());
            return new Answer(200, page.toJson(), paging.headers(ctx.path(), ctx.queryParamMap()));
        });
    }

    private void organisationEvents(Context ctx) {
        Optional<List<Integer>> internal = internalPartitions(ctx);
        // instances gathering from each other ask for everything up to the end of the page
        EventQuery query = EventQuery.parse(parameters(ctx), internal.isPresent() ? Integer.MAX_VALUE : EventQuery.MAX_PER_PAGE);
        HistoryScope scope = HistoryScope.organisation(RequestParameters.id("organisation_id", ctx.pathParam("organisation_id")));
        long upToEndOfPage = query.offset() + query.perPage();
        Gathered<EventSlice> gathered = gather(ctx,
                reads -> local.first(scope, query.filter(), query.order(), upToEndOfPage, reads),
                reply -> EventSlice.fromJson(reply.body(), reply.header("X-Total-Count").map(Long::parseLong).orElse(0L)));
        EventSlice merged = EventSlice.merge(gathered.parts(), query.order(), upToEndOfPage);
        if (internal.isPresent()) {
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
        Gathered<DevicePage> gathered = gather(ctx, reads -> local.devices(query, reads), reply -> DevicePage.fromJson(reply.body()));
        send(ctx, Answer.ok(DevicePage.merge(gathered.parts(), query.limit()).toJson()), gathered.stale());
    }

    private void summary(Context ctx) {
        Gathered<FleetSummary> gathered = gather(ctx, local::summary, reply -> FleetSummary.fromJson(body(reply)));
        FleetSummary total = new FleetSummary();
        gathered.parts().forEach(total::add);
        send(ctx, Answer.ok(total.toJson()), gathered.stale());
    }

    // ---- routing

    /** What this instance answers from its own stores. */
    private record Answer(int status, JsonNode body, Map<String, String> headers) {
        static Answer ok(JsonNode body) {
            return new Answer(200, body, Map.of());
        }

        static Answer error(int status, String message) {
            return new Answer(status, errorBody(status, message, null), Map.of());
        }
    }

    /** Parts gathered from partitions, and whether any came from a standby. */
    private record Gathered<T>(List<T> parts, boolean stale) {
    }

    /** Answers a request about one key: here if this instance owns it, else from the instance that does. */
    private void keyed(Context ctx, String store, String key, Function<PartitionRead, Answer> answer) {
        Optional<List<Integer>> internal = internalPartitions(ctx);
        if (internal.isPresent()) {
            if (internal.get().size() != 1) {
                throw new BadRequestException(PARTITIONS_HEADER, PARTITIONS_HEADER + " must name one partition for a key");
            }
            boolean stale = acceptsStale(ctx);
            send(ctx, answer.apply(new PartitionRead(internal.get().get(0), stale)), stale);
            return;
        }
        PartitionOwners owners = cluster.ownersOf(store, key);
        for (Instance candidate : candidates(owners)) {
            boolean stale = !owners.active().equals(Optional.of(candidate));
            if (candidate.equals(cluster.self())) {
                send(ctx, answer.apply(new PartitionRead(owners.partition(), stale)), stale);
                return;
            }
            Optional<PeerClient.Reply> reply = peers.get(candidate, pathAndQuery(ctx),
                    internalHeaders(List.of(owners.partition()), stale)).join();
            forwarded(stale, reply.isPresent());
            if (reply.isPresent()) {
                relay(ctx, reply.get());
                return;
            }
            warnUnreachable(candidate, (stale ? "a standby" : "the active owner") + " of partition " + owners.partition()
                    + "; trying the next copy");
        }
        throw new NotQueryableException("partition " + owners.partition() + ", which holds '" + key + "', cannot be read: "
                + describe(owners) + "; retry after the group rebalances");
    }

    /**
     * Gathers one part per instance from every partition: this instance's own partitions read here,
     * the others' asked for in parallel. A partition whose active owner is unreachable is asked of
     * its standbys in turn (this instance's own standby first).
     */
    private <T> Gathered<T> gather(Context ctx, Function<List<PartitionRead>, T> localPart,
                                   Function<PeerClient.Reply, T> remotePart) {
        Optional<List<Integer>> internal = internalPartitions(ctx);
        if (internal.isPresent()) {
            boolean stale = acceptsStale(ctx);
            List<PartitionRead> reads = internal.get().stream().map(p -> new PartitionRead(p, stale)).toList();
            return new Gathered<>(List.of(localPart.apply(reads)), stale);
        }
        Map<Integer, Deque<Instance>> pending = new TreeMap<>();
        Map<Integer, PartitionOwners> owned = new TreeMap<>();
        for (PartitionOwners owners : cluster.owners()) {
            pending.put(owners.partition(), new ArrayDeque<>(candidates(owners)));
            owned.put(owners.partition(), owners);
        }
        List<T> parts = new ArrayList<>();
        boolean stale = false;
        while (!pending.isEmpty()) {
            // one request per instance and kind of copy: an instance may be active for some partitions, standby for others
            Map<Ask, List<Integer>> asks = new LinkedHashMap<>();
            for (Map.Entry<Integer, Deque<Instance>> entry : pending.entrySet()) {
                Instance candidate = entry.getValue().peekFirst();
                if (candidate == null) {
                    throw new NotQueryableException("partition " + entry.getKey() + " cannot be read: "
                            + describe(owned.get(entry.getKey())) + "; retry after the group rebalances");
                }
                asks.computeIfAbsent(new Ask(candidate, !owned.get(entry.getKey()).active().equals(Optional.of(candidate))),
                        k -> new ArrayList<>()).add(entry.getKey());
            }
            Map<Ask, CompletableFuture<Optional<PeerClient.Reply>>> replies = new LinkedHashMap<>();
            asks.forEach((ask, partitions) -> {
                if (!ask.target().equals(cluster.self())) {
                    replies.put(ask, peers.get(ask.target(), pathAndQuery(ctx), internalHeaders(partitions, ask.fromStandby())));
                }
            });
            for (Map.Entry<Ask, List<Integer>> entry : asks.entrySet()) {
                Ask ask = entry.getKey();
                List<Integer> partitions = entry.getValue();
                if (ask.target().equals(cluster.self())) {
                    parts.add(localPart.apply(partitions.stream().map(p -> new PartitionRead(p, ask.fromStandby())).toList()));
                    stale |= ask.fromStandby();
                    partitions.forEach(pending::remove);
                    continue;
                }
                Optional<PeerClient.Reply> reply = replies.get(ask).join();
                forwarded(ask.fromStandby(), reply.isPresent());
                if (reply.isEmpty()) {
                    warnUnreachable(ask.target(), "asking other copies of partitions " + partitions);
                    partitions.forEach(p -> pending.get(p).removeFirst());
                    continue;
                }
                if (reply.get().status() != 200) {
                    throw peerFailure(ask.target(), reply.get());
                }
                parts.add(remotePart.apply(reply.get()));
                stale |= ask.fromStandby() || reply.get().header(STALE_HEADER).isPresent();
                partitions.forEach(pending::remove);
            }
        }
        return new Gathered<>(parts, stale);
    }

    /** One request of a gathering round: an instance, asked for its active or its standby copies. */
    private record Ask(Instance target, boolean fromStandby) {
    }

    /** The active owner first, then the standbys, this instance's own standby before the others. */
    private List<Instance> candidates(PartitionOwners owners) {
        List<Instance> candidates = new ArrayList<>();
        owners.active().ifPresent(candidates::add);
        if (owners.standbys().contains(cluster.self()) && !candidates.contains(cluster.self())) {
            candidates.add(cluster.self());
        }
        owners.standbys().stream().filter(s -> !candidates.contains(s)).forEach(candidates::add);
        return candidates;
    }

    /** Why no copy of a partition could answer. */
    private static String describe(PartitionOwners owners) {
        String standbys = owners.standbys().isEmpty() ? "it has no standby" : "so are its standbys " + owners.standbys();
        return owners.active()
                .map(active -> "its active owner " + active + " is unreachable and " + standbys)
                .orElse("it has no active owner right now (the group is rebalancing) and its standbys "
                        + owners.standbys() + " are unreachable");
    }

    private static Map<String, String> internalHeaders(List<Integer> partitions, boolean stale) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(PARTITIONS_HEADER, String.join(",", partitions.stream().map(String::valueOf).toList()));
        if (stale) {
            headers.put(ACCEPT_STALE_HEADER, "true");
        }
        return headers;
    }

    private static Optional<List<Integer>> internalPartitions(Context ctx) {
        String header = ctx.header(PARTITIONS_HEADER);
        if (header == null) {
            return Optional.empty();
        }
        List<Integer> partitions = new ArrayList<>();
        for (String item : header.split(",")) {
            partitions.add(RequestParameters.integerValue(PARTITIONS_HEADER, item.trim(), 0, Integer.MAX_VALUE));
        }
        return Optional.of(partitions);
    }

    private static boolean acceptsStale(Context ctx) {
        return "true".equalsIgnoreCase(ctx.header(ACCEPT_STALE_HEADER));
    }

    private static String pathAndQuery(Context ctx) {
        String query = ctx.queryString();
        return ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    private static PeerFailureException peerFailure(Instance peer, PeerClient.Reply reply) {
        String message = Optional.ofNullable(body(reply).path("error").textValue()).orElse("status " + reply.status());
        if (reply.status() == 503) {
            throw new NotQueryableException("instance " + peer + " cannot answer for its partitions: " + message);
        }
        return new PeerFailureException(502, "instance " + peer + " answered " + reply.status() + ": " + message);
    }

    // ---- rendering

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

    private static JsonNode body(PeerClient.Reply reply) {
        try {
            return Json.mapper().readTree(reply.body());
        } catch (IOException e) {
            throw new PeerFailureException(502, "another instance answered with a body that is not JSON: " + e.getMessage());
        }
    }

    private static ObjectNode errorBody(int status, String message, String parameter) {
        ObjectNode body = Json.mapper().createObjectNode().put("error", message).put("status", status);
        if (parameter != null) {
            body.put("parameter", parameter);
        }
        return body;
    }

    private static void error(Context ctx, int status, String message, String parameter) {
        json(ctx, status, errorBody(status, message, parameter));
    }

    private static void unavailable(Context ctx, String message) {
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        error(ctx, 503, message, null);
    }

    private static String remoteState(CompletableFuture<Optional<PeerClient.Reply>> reply) {
        return reply.join()
                .map(r -> body(r).path("streams").asText("UNKNOWN"))
                .orElse("UNREACHABLE");
    }

    private void warnUnreachable(Instance instance, String consequence) {
        long now = System.nanoTime();
        Long last = unreachableReported.get(instance);
        if (last == null || now - last > UNREACHABLE_LOG_INTERVAL.toNanos()) {
            unreachableReported.put(instance, now);
            log.warn("instance {} is unreachable ({}); reported again in {} s at the earliest, counted in "
                    + "fleetstream_query_forwarded_total", instance, consequence, UNREACHABLE_LOG_INTERVAL.toSeconds());
        }
    }

    // ---- metrics

    private Timer requestTimer(Context ctx) {
        String route;
        try {
            route = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        return Timer.builder("fleetstream.query.requests")
                .description("query API requests by route and status")
                .tag("route", route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .tag("internal", Boolean.toString(ctx.header(PARTITIONS_HEADER) != null))
                .register(meters);
    }

    private void forwarded(boolean toStandby, boolean answered) {
        Counter.builder("fleetstream.query.forwarded")
                .description("requests forwarded to another instance, by copy asked and outcome")
                .tag("copy", toStandby ? "standby" : "active")
                .tag("outcome", answered ? "answered" : "unreachable")
                .register(meters)
                .increment();
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
