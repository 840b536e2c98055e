package io.fleetstream.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Objects;

/**
 * {@code GET /metrics}: a role's registry in Prometheus' text exposition format 0.0.4, the format every Prometheus
 * version scrapes. Open like the health probes: Prometheus sends no credential, and no meter carries a secret or an
 * event's content. A server that vets its routes itself registers this as the handler of {@link #PATH}.
 */
public final class MetricsEndpoint implements Handler {

    public static final String PATH = "/metrics";
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Serves {@link #PATH} on the app. */
    public void install(Javalin app) {
        app.get(PATH, this);
    }

    @Override
    public void handle(Context ctx) {
        ctx.contentType(CONTENT_TYPE).result(registry.scrape());
    }
}
