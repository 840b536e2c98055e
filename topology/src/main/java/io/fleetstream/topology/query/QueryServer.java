package io.fleetstream.topology.query;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP API of a topology instance: health, the event-type catalog and the state it keeps.
 * Answers 503 with Retry-After whenever Kafka Streams cannot answer truthfully (starting,
 * rebalancing): never a wrong 404 or an empty list.
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
    private static final int RETRY_AFTER_SECONDS = 2;

    /** Where the server listens. */
    public record Config(String host, int port) {
    }

    private final KafkaStreams streams;
    private final EventCatalog catalog;
    private final Javalin app;

    public QueryServer(Config config, KafkaStreams streams, EventCatalog catalog) {
        this.streams = streams;
        this.catalog = catalog;
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.jsonMapper(new JavalinJackson(Json.mapper(), false));
            c.jetty.defaultHost = config.host();
            c.jetty.defaultPort = config.port();
        });
        app.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        app.get("/health/ready", this::ready);
        app.get("/v1/event-types", this::eventTypes);
        app.get("/v1/devices/{endpoint_id}", this::device);
        app.exception(StoreUnavailable.class, (e, ctx) -> unavailable(ctx, e.getMessage()));
    }

    public QueryServer start() {
        app.start();
        log.info("query API listening on port {}", port());
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private void ready(Context ctx) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.RUNNING) {
            ctx.json(Map.of("status", "UP", "streams", state.name()));
        } else {
            ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            ctx.status(503).json(Map.of("status", "DOWN", "streams", state.name()));
        }
    }

    private void eventTypes(Context ctx) {
        ctx.json(catalog.all().stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("description", t.name());
            m.put("category", t.category().slug());
            return m;
        }).toList());
    }

    private void device(Context ctx) {
        String raw = ctx.pathParam("endpoint_id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            error(ctx, 400, "endpoint_id '" + raw + "' is not a number");
            return;
        }
        DeviceState state = deviceStore().get(Long.toString(id));
        if (state == null) {
            error(ctx, 404, "no device with endpoint_id " + id + " has been seen");
            return;
        }
        ctx.json(DeviceStateJson.of(state));
    }

    private ReadOnlyKeyValueStore<String, DeviceState> deviceStore() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new StoreUnavailable("Kafka Streams is " + streams.state() + "; state is not queryable yet");
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(DeviceStateProcessor.STATE_STORE,
                    QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailable("state store is not available (rebalancing): " + e.getMessage());
        }
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).json(Map.of("error", message, "status", status));
    }

    private static void unavailable(Context ctx, String message) {
        ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        error(ctx, 503, message);
    }

    private static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable(String message) {
            super(message);
        }
    }
}
