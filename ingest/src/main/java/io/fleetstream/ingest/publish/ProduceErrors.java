package io.fleetstream.ingest.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code fleetstream_ingest_produce_errors_total{error}}: what went wrong producing to Kafka, by the exception's simple
 * class name: a record Kafka did not acknowledge ({@code TimeoutException}, {@code NotLeaderOrFollowerException},
 * {@code RecordTooLargeException} - which is then dead-lettered -, ...), a send the producer refused at once, and a
 * publish whose acknowledgements did not all arrive in time ({@code TimeoutException} too). A Schema Registry failure
 * is not one: nothing reaches the producer then. Only the class is kept, never a message (they name topics and
 * brokers, and could one day carry more).
 */
public final class ProduceErrors {

    public static final String NAME = "fleetstream.ingest.produce.errors";

    private final MeterRegistry registry;
    private final Map<String, Counter> byError = new ConcurrentHashMap<>();

    public ProduceErrors(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counting nothing: for a publisher whose errors nobody scrapes (benchmarks, tests). */
    public static ProduceErrors uncounted() {
        return new ProduceErrors(null);
    }

    /** Counts one error; called on the producer's I/O thread too, so it does no more than a map lookup. */
    void count(Throwable error) {
        if (registry == null || error == null) {
            return;
        }
        String name = error.getClass().getSimpleName();
        String tag = name.isEmpty() ? error.getClass().getName() : name;
        byError.computeIfAbsent(tag, key -> Counter.builder(NAME)
                .description("errors producing to Kafka, by exception class")
                .tag("error", key)
                .register(registry)).increment();
    }
}
