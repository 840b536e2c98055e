package io.fleetstream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.RequestLogger;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The one way fleetstream serves HTTP, whichever role: the webhook, the query API and the embedded schema
 * registry are each a Javalin created here, with the same body limit handling, the project's JSON mapper,
 * 405 for a known path with another method, and every request logged at debug (method, path, status and time:
 * never headers, query strings or bodies, which may carry credentials or activation tokens).
 *
 * <p>Errors are answered {@code {"error": "...", "status": n}} ({@link #error}); the registry alone keeps
 * Confluent's {@code {"error_code", "message"}} for its own routes, so Confluent's clients understand it.
 */
public final class HttpEdge {

    /** Javalin's own default: enough for every request fleetstream serves except the webhook's batches. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1_000_000;
    public static final String JSON = "application/json";

    private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);

    /**
     * @param host             the interface to listen on
     * @param port             the port, 0 for any free one
     * @param maxRequestBytes  the largest body Javalin reads
     * @param requestObserver  also told about every request, e.g. to time it; null for none
     */
    public record Config(String host, int port, long maxRequestBytes, RequestLogger requestObserver) {
        public Config {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
            }
            if (maxRequestBytes < 1) {
                throw new IllegalArgumentException("maxRequestBytes must be positive, got " + maxRequestBytes);
            }
        }

        public Config(String host, int port) {
            this(host, port, DEFAULT_MAX_REQUEST_BYTES, null);
        }

        public Config withMaxRequestBytes(long maxRequestBytes) {
            return new Config(host, port, maxRequestBytes, requestObserver);
        }

        public Config withRequestObserver(RequestLogger requestObserver) {
            return new Config(host, port, maxRequestBytes, requestObserver);
        }
    }

    private HttpEdge() {
    }

    /** A server set up the fleetstream way, not started yet. */
    public static Javalin create(Config config) {
        return create(config, javalin -> { });
    }

    /**
     * A server set up the fleetstream way, with settings of its own (a thread pool, a default content type);
     * not started yet.
     */
    public static Javalin create(Config config, Consumer<JavalinConfig> own) {
        Objects.requireNonNull(config, "config");
        RequestLogger observer = config.requestObserver();
        return Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.jetty.defaultHost = config.host();
            javalin.jetty.defaultPort = config.port();
            javalin.http.prefer405over404 = true;
            javalin.http.maxRequestSize = config.maxRequestBytes();
            javalin.jsonMapper(new JavalinJackson(Json.mapper(), false));
            // what Jetty refuses before Javalin sees it (e.g. a NUL byte in the path) answers in the same JSON shape
            javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            javalin.requestLogger.http((ctx, ms) -> {
                if (log.isDebugEnabled()) {
                    log.debug("{} {} answered {} in {} ms", ctx.method(), ctx.path(), ctx.statusCode(),
                            String.format(Locale.ROOT, "%.1f", ms));
                }
                if (observer != null) {
                    observer.handle(ctx, ms);
                }
            });
            own.accept(javalin);
        });
    }

    /**
     * Answers Javalin's own refusals (no such path, a method the path does not take) with fleetstream's error
     * body instead of Javalin's.
     */
    public static void answerRefusalsAsJson(Javalin app) {
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                e.getMessage() + " (" + ctx.method() + " " + ctx.path() + ")"));
    }

    /** The error body every fleetstream API answers with: {@code {"error": message, "status": status}}. */
    public static ObjectNode errorBody(int status, String message) {
        return Json.mapper().createObjectNode().put("error", message).put("status", status);
    }

    public static void error(Context ctx, int status, String message) {
        json(ctx, status, errorBody(status, message));
    }

    public static void json(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType(JSON).result(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON answer", e);
        }
    }
}
