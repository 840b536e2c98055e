package io.fleetstream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.json.Json;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.RequestLogger;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The one way fleetstream serves HTTP, whichever role: the webhook, the query API and the embedded schema
 * registry are each a Javalin created here, with the same body limit handling, the project's JSON mapper,
 * 405 for a known path with another method, and every request logged at debug (method, path, route template,
 * status, time and the caller's address, also as key-values for JSON logs: never headers, query strings or bodies,
 * which may carry credentials or activation tokens).
 *
 * <p>Hostile input is refused here for every role: a path or query string that is not UTF-8 or carries control
 * characters (400, naming the parameter), a body over the limit (413), headers that trickle in (the connection is
 * closed {@link #HEADER_TIMEOUT} after their first byte), a body that trickles in (408 below
 * {@link #MIN_BODY_BYTES_PER_SECOND}, or after {@link #STALL_TIMEOUT} without a byte); error messages repeat at most
 * {@value #MAX_ECHO_CHARS} characters of any input ({@link #quote}, {@link #echo}). A route that reads a body says which media types
 * it reads ({@link #requireBodyType}, 415 otherwise).
 *
 * <p>Errors are answered {@code {"error": "...", "status": n}} ({@link #error}); the registry alone answers
 * Confluent's {@code {"error_code", "message"}}, so Confluent's clients understand it: a server's {@link ErrorShape}
 * is used for every refusal made here and by Jetty.
 */
public final class HttpEdge {

    /** Javalin's own default: enough for every request fleetstream serves except the webhook's batches. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1_000_000;
    public static final String JSON = "application/json";
    /** Jetty's default, now stated: a connection that sends nothing for this long is closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Request line and headers are at most 8 kB (Jetty's limit): any real client sends them at once. */
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    /**
     * A body that stops arriving holds the request thread blocked in its read: 408 after this long. It bounds only
     * reads and writes; a handler busy without them (waiting for Kafka's acknowledgement) is not cut.
     */
    public static final Duration STALL_TIMEOUT = Duration.ofSeconds(10);
    /**
     * A body trickling in slower than this holds a request thread for nothing: 408. The Data Streamer's largest
     * batch (10,000 events, megabytes) arrives from a cloud service orders of magnitude faster.
     */
    public static final long MIN_BODY_BYTES_PER_SECOND = 1024;
    /** Error bodies may repeat a parameter such as {@code <script>}: never let a browser read them as HTML. */
    static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    static final String NOSNIFF = "nosniff";
    /** The most of a request's own text (a path, a parameter, a header) an error message repeats. */
    public static final int MAX_ECHO_CHARS = 64;

    private static final Logger log = LoggerFactory.getLogger(HttpEdge.class);

    /**
     * @param host                  the interface to listen on
     * @param port                  the port, 0 for any free one
     * @param maxRequestBytes       the largest body Javalin reads
     * @param requestObserver       also told about every request, e.g. to time it; null for none
     * @param idleTimeout           how long a connection may send nothing between requests
     * @param headerTimeout         how long the request line and headers may take from their first byte
     * @param stallTimeout          how long a request's body (or its answer) may stall while a handler reads (writes) it
     * @param minBodyBytesPerSecond the slowest a body may arrive, on average, while a handler reads it
     * @param errorShape            how this server words error bodies
     */
    public record Config(String host, int port, long maxRequestBytes, RequestLogger requestObserver,
                         Duration idleTimeout, Duration headerTimeout, Duration stallTimeout, long minBodyBytesPerSecond,
                         ErrorShape errorShape) {
        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(headerTimeout, "headerTimeout");
            Objects.requireNonNull(stallTimeout, "stallTimeout");
            Objects.requireNonNull(errorShape, "errorShape");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
            }
            if (maxRequestBytes < 1) {
                throw new IllegalArgumentException("maxRequestBytes must be positive, got " + maxRequestBytes);
            }
            if (idleTimeout.toMillis() < 1 || headerTimeout.toMillis() < 1 || stallTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("idle, header and stall timeouts must be at least 1 ms, got "
                        + idleTimeout + ", " + headerTimeout + " and " + stallTimeout);
            }
            if (minBodyBytesPerSecond < 1) {
                throw new IllegalArgumentException("minBodyBytesPerSecond must be positive, got " + minBodyBytesPerSecond);
            }
        }

        public Config(String host, int port) {
            this(host, port, DEFAULT_MAX_REQUEST_BYTES, null, IDLE_TIMEOUT, HEADER_TIMEOUT, STALL_TIMEOUT, MIN_BODY_BYTES_PER_SECOND,
                    ErrorShape.FLEETSTREAM);
        }

        public Config withMaxRequestBytes(long maxRequestBytes) {
            return new Config(host, port, maxRequestBytes, requestObserver, idleTimeout, headerTimeout, stallTimeout,
                    minBodyBytesPerSecond, errorShape);
        }

        public Config withRequestObserver(RequestLogger requestObserver) {
            return new Config(host, port, maxRequestBytes, requestObserver, idleTimeout, headerTimeout, stallTimeout,
                    minBodyBytesPerSecond, errorShape);
        }

        public Config withTimeouts(Duration idleTimeout, Duration headerTimeout, Duration stallTimeout) {
            return new Config(host, port, maxRequestBytes, requestObserver, idleTimeout, headerTimeout, stallTimeout,
                    minBodyBytesPerSecond, errorShape);
        }

        public Config withMinBodyBytesPerSecond(long minBodyBytesPerSecond) {
            return new Config(host, port, maxRequestBytes, requestObserver, idleTimeout, headerTimeout, stallTimeout,
                    minBodyBytesPerSecond, errorShape);
        }

        public Config withErrorShape(ErrorShape errorShape) {
            return new Config(host, port, maxRequestBytes, requestObserver, idleTimeout, headerTimeout, stallTimeout,
                    minBodyBytesPerSecond, errorShape);
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
        ErrorShape shape = config.errorShape();
        Javalin app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.jetty.defaultHost = config.host();
            javalin.jetty.defaultPort = config.port();
            javalin.http.prefer405over404 = true;
            javalin.http.maxRequestSize = config.maxRequestBytes();
            javalin.jsonMapper(new JavalinJackson(Json.mapper(), false));
            javalin.jetty.modifyHttpConfiguration(http -> {
                http.setMinRequestDataRate(config.minBodyBytesPerSecond());
                // Jetty sets it on the connection while a request is handled, the connector's idle timeout otherwise
                http.setIdleTimeout(config.stallTimeout().toMillis());
            });
            // the one connector, made here rather than by Javalin, so that its timeouts are fleetstream's
            javalin.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.host());
                connector.setPort(config.port());
                connector.setIdleTimeout(config.idleTimeout().toMillis());
                connector.addBean(new HeaderDeadline(config.headerTimeout(), connector.getScheduler()));
                return connector;
            });
            // what Jetty refuses before Javalin sees it (e.g. a NUL byte in the path) answers in the same JSON shape
            javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(shape)));
            javalin.requestLogger.http((ctx, ms) -> {
                if (log.isDebugEnabled()) {
                    logRequest(ctx, ms);
                }
                if (observer != null) {
                    observer.handle(ctx, ms);
                }
            });
            own.accept(javalin);
        });
        app.before(ctx -> {
            ctx.header(CONTENT_TYPE_OPTIONS, NOSNIFF);
            RequestTarget.check(ctx.req().getRequestURI(), ctx.req().getQueryString());
        });
        app.exception(RequestRefused.class, (e, ctx) -> {
            log.info("refused {} {} from {}: {}", ctx.method(), echo(ctx.path()), ctx.req().getRemoteAddr(), e.getMessage());
            json(ctx, e.status(), shape.body(e.status(), e.getMessage(), e.parameter()));
        });
        // Jetty's refusals while a handler reads the body: below the minimum data rate (408), or unreadable
        app.exception(BadMessageException.class, (e, ctx) -> {
            String message = HttpStatus.getMessage(e.getCode()) + ": " + e.getReason()
                    + (e.getCode() == 408 ? "; send the body without pauses" : "");
            log.info("refused {} {} from {}: {}", ctx.method(), echo(ctx.path()), ctx.req().getRemoteAddr(), message);
            json(ctx, e.getCode(), shape.body(e.getCode(), message, null));
        });
        return app;
    }

    /**
     * The one line per request, at debug, for every role: method, path (never the query string, which may carry a
     * credential), route template, status, duration and the caller's address; the same as fields in JSON logs.
     */
    private static void logRequest(Context ctx, float ms) {
        String duration = String.format(Locale.ROOT, "%.1f", ms);
        String path = echo(ctx.path());
        String route = route(ctx);
        String remote = ctx.req().getRemoteAddr();
        log.atDebug()
                .addKeyValue(LogFields.METHOD, ctx.method().name())
                .addKeyValue(LogFields.PATH, path)
                .addKeyValue(LogFields.ROUTE, route)
                .addKeyValue(LogFields.STATUS, ctx.statusCode())
                .addKeyValue(LogFields.DURATION_MS, Math.round(ms * 10) / 10.0)
                .addKeyValue(LogFields.REMOTE_ADDRESS, remote)
                .log("{} {} answered {} in {} ms to {}", ctx.method(), path, ctx.statusCode(), duration, remote);
    }

    /** The route template the request matched, e.g. {@code /v1/devices/{endpoint_id}}; "unmatched" for none. */
    private static String route(Context ctx) {
        try {
            String route = ctx.endpointHandlerPath();
            return route == null || route.isEmpty() ? "unmatched" : route;
        } catch (RuntimeException e) {
            // refused before any endpoint was chosen (a before-handler threw)
            return "unmatched";
        }
    }

    /**
     * A piece of the request (a path, a parameter value, a header) to repeat in an error message, in single quotes
     * and cut to {@value #MAX_ECHO_CHARS} characters ({@link #echo}). JSON escaping happens when the body is written.
     */
    public static String quote(String value) {
        if (value == null) {
            return "''";
        }
        int cut = cutAt(value);
        return cut == value.length() ? "'" + value + "'" : "'" + value.substring(0, cut) + "…' (" + value.length() + " characters)";
    }

    /**
     * A piece of the request to repeat in an error message as is (a path after its method): cut to
     * {@value #MAX_ECHO_CHARS} characters with how many there were, so an error never carries a huge input back.
     */
    public static String echo(String value) {
        if (value == null) {
            return "";
        }
        int cut = cutAt(value);
        return cut == value.length() ? value : value.substring(0, cut) + "… (" + value.length() + " characters)";
    }

    private static int cutAt(String value) {
        if (value.length() <= MAX_ECHO_CHARS) {
            return value.length();
        }
        return Character.isHighSurrogate(value.charAt(MAX_ECHO_CHARS - 1)) ? MAX_ECHO_CHARS - 1 : MAX_ECHO_CHARS;
    }

    /**
     * The request's body, read through Javalin (which answers 413 above the limit). A body that stops arriving
     * (the idle timeout) or a client that goes away while it is read is refused with 408 or 400 in the server's
     * shape: Javalin would answer either with an empty 500 before any exception handler saw it.
     */
    public static byte[] body(Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // Javalin is Kotlin: the IOException of the read arrives undeclared
            throw unreadableBody(e);
        }
    }

    /** The refusal of a body that could not be read: 408 when it stopped arriving, else 400. */
    public static RequestRefused unreadableBody(Exception e) {
        boolean timedOut = e.getCause() instanceof TimeoutException || e instanceof InterruptedIOException
                || e instanceof TimeoutException;
        return timedOut
                ? new RequestRefused(408, "Request Timeout: the body stopped arriving before it was complete; send it without pauses", null)
                : new RequestRefused(400, "Bad Request: the body could not be read (" + e.getClass().getSimpleName() + ")", null);
    }

    /**
     * The media type of the request's body, lower case and without parameters ({@code application/json} for
     * {@code Application/JSON; charset=UTF-8}); empty when the request names none.
     */
    public static String mediaType(Context ctx) {
        String header = ctx.header("Content-Type");
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code application/json}, {@code text/json} or any {@code +json} type, e.g. Confluent's
     * {@code application/vnd.schemaregistry.v1+json}.
     */
    public static boolean isJson(String mediaType) {
        return mediaType.equals(JSON) || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    /**
     * Refuses the request with 415 unless its body's media type ({@link #mediaType}) is accepted.
     *
     * @param expected what to send instead, for the message, e.g. "application/json"
     */
    public static void requireBodyType(Context ctx, Predicate<String> accepted, String expected) {
        String type = mediaType(ctx);
        if (!accepted.test(type)) {
            throw new RequestRefused(415, "Unsupported Media Type: a body of Content-Type "
                    + quote(ctx.header("Content-Type")) + " is not read here; send " + expected, null);
        }
    }

    /**
     * Answers Javalin's own refusals (no such path, a method the path does not take) with fleetstream's error
     * body instead of Javalin's.
     */
    public static void answerRefusalsAsJson(Javalin app) {
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                HttpStatus.getMessage(e.getStatus()) + " (" + ctx.method() + " " + echo(ctx.path()) + ")"));
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
