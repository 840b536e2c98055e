package io.fleetstream.http;

import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /health/live} and {@code GET /health/ready}, answered alike by every role for Kubernetes probes and
 * load balancers: liveness is 200 whenever the process answers; readiness is 200 when the role's {@link Health}
 * is up, else 503 with {@code Retry-After}, so a caller knows when to ask again. Both answer a {@link Health}.
 */
public final class HealthEndpoints {

    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";

    private final Supplier<Health> readiness;
    private final int retryAfterSeconds;

    /**
     * @param readiness         the role's health now; may block briefly (it is asked on a request thread)
     * @param retryAfterSeconds what a 503 tells the caller to wait
     */
    public HealthEndpoints(Supplier<Health> readiness, int retryAfterSeconds) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must not be negative, got " + retryAfterSeconds);
        }
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Serves both paths on the app. A server that vets its routes itself registers {@link #live} and {@link #ready}. */
    public void install(Javalin app) {
        app.get(LIVE_PATH, this::live);
        app.get(READY_PATH, this::ready);
    }

    public void live(Context ctx) {
        HttpEdge.json(ctx, 200, Health.up().toJson());
    }

    public void ready(Context ctx) {
        Health health = readiness.get();
        if (!health.isUp()) {
            ctx.header("Retry-After", Integer.toString(retryAfterSeconds));
        }
        HttpEdge.json(ctx, health.isUp() ? 200 : 503, health.toJson());
    }
}
