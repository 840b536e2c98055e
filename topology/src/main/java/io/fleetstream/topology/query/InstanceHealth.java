package io.fleetstream.topology.query;

import io.fleetstream.http.Health;

/**
 * What this instance's {@code /health/live} and {@code /health/ready} answer: 200 when the health is up, else 503 with
 * {@code Retry-After} and the reason. The role decides; the query API only serves it.
 */
public interface InstanceHealth {

    /** Down only when the instance cannot recover by itself and should be restarted (a liveness probe kills it). */
    Health liveness();

    /** Up when the instance serves and processes as it should (a readiness probe routes traffic to it). */
    Health readiness();
}
