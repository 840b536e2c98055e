package io.fleetstream.ingest.probe;

import io.fleetstream.http.Health;
import io.fleetstream.http.HealthEndpoints;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.http.MetricsEndpoint;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The HTTP port of an ingest that runs without the webhook (it only polls emnify's API): {@code GET /health/live},
 * {@code GET /health/ready} and {@code GET /metrics}, answered exactly as the webhook answers them, so Kubernetes
 * probes and Prometheus see the same role whichever way it ingests. There is nothing else: {@code /v1/events} is
 * 404 here. Like the webhook's probes these take no credential.
 */
public final class ProbeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProbeServer.class);

    private final String host;
    private final Javalin app;

    /**
     * @param readiness         the role's readiness ({@code kafka}, {@code schema_registry}), asked on a request thread
     * @param retryAfterSeconds what a 503 of the readiness probe tells the caller to wait
     * @param metrics           {@code GET /metrics} of the role's registry; null when the caller serves its meters elsewhere
     */
    public ProbeServer(String host, int port, Supplier<Health> readiness, int retryAfterSeconds, MetricsEndpoint metrics) {
        this.host = Objects.requireNonNull(host, "host");
        this.app = HttpEdge.create(new HttpEdge.Config(host, port));
        new HealthEndpoints(readiness, retryAfterSeconds).install(app);
        if (metrics != null) {
            metrics.install(app);
        }
        HttpEdge.answerRefusalsAsJson(app);
    }

    /** Binds the port and serves until {@link #close()}. */
    public ProbeServer start() {
        app.start();
        log.info("ingest probes listening on {}:{} ({}, {}, {}; no webhook)", host, port(), HealthEndpoints.LIVE_PATH,
                HealthEndpoints.READY_PATH, MetricsEndpoint.PATH);
        return this;
    }

    /** The bound port, once started (the actual one when configured with 0). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
