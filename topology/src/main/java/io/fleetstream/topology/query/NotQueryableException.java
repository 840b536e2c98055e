package io.fleetstream.topology.query;

/**
 * The state needed for an answer is not queryable right now (Kafka Streams starting or rebalancing,
 * a store restoring, an owner unreachable with no standby): answered 503 with Retry-After, never
 * with a guess.
 */
public final class NotQueryableException extends RuntimeException {

    public NotQueryableException(String message) {
        super(message);
    }
}
