package io.fleetstream.ingest.publish;

/** How many records Kafka acknowledged, per topic kind. */
public record PublishResult(int events, int deadLetters) {
}
