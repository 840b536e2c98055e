package io.fleetstream.microbench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.normalise.Normaliser;
import io.fleetstream.ingest.publish.RecordKind;
import io.fleetstream.ingest.webhook.WebhookServer;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyBatchParser;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.emnify.MalformedBatchException;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ingest reader on the real emnify example payloads (the schemas test-jar's {@code /examples/}, every one of
 * them in turn), per event:
 * <ul>
 *   <li>{@link #read}: {@link EmnifyEventReader#read} of an example already parsed into a JSON tree;</li>
 *   <li>{@link #parseAndRead}: what the webhook does with each event of a request body: a Data Streamer body of
 *       {@value #BATCH} events (the examples over and over) parsed into trees by {@link EmnifyBatchParser}, then every
 *       event through the webhook's {@link Normaliser} (read, keyed); the score is per event;</li>
 *   <li>{@link #encode}: the Avro encoding (Confluent wire format, {@link AvroSerdes} over an
 *       {@link InMemorySchemaRegistry}, schema id already resolved) of an event the reader produced, as ingest
 *       writes it to the raw topic.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReaderBenchmark {

    /** Events in one request body: the size the ingest macro benchmark POSTs. */
    static final int BATCH = 1_000;

    private static final Instant RECEIVED_AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String RAW = Topics.withDefaultPrefix().raw();

    private final EmnifyEventReader reader = new EmnifyEventReader();
    private final EmnifyBatchParser parser = new EmnifyBatchParser();
    private final Normaliser<EmnifyEvent> normaliser =
            new Normaliser<>(reader, RecordKind.EVENT, WebhookServer.STAGE, IngestSource.STREAMER);
    private Serializer<EmnifyEvent> serializer;
    private JsonNode[] trees;
    private EmnifyEvent[] events;
    private byte[] body;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> names = Examples.names();
        if (names.isEmpty()) {
            throw new IllegalStateException("no example payloads under /examples/");
        }
        trees = new JsonNode[names.size()];
        events = new EmnifyEvent[names.size()];
        for (int i = 0; i < names.size(); i++) {
            trees[i] = Examples.json(names.get(i));
            // every example is a valid event: a rejection would measure the reader's error path instead
            if (!(reader.read(trees[i], IngestSource.STREAMER, RECEIVED_AT) instanceof ReadResult.Accepted<EmnifyEvent> accepted)) {
                throw new IllegalStateException("example " + names.get(i) + " is not read as an event");
            }
            events[i] = accepted.record();
        }
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        batch.write('[');
        for (int i = 0; i < BATCH; i++) {
            if (i > 0) {
                batch.write(',');
            }
            batch.writeBytes(Examples.bytes(names.get(i % names.size())));
        }
        batch.write(']');
        body = batch.toByteArray();
        serializer = new AvroSerdes(new InMemorySchemaRegistry(), true).forValue(EmnifyEvent.class).serializer();
        serializer.serialize(RAW, events[0]); // registers the schema: the benchmark measures encoding only
    }

    private int next() {
        int i = next;
        next = i + 1 == trees.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public ReadResult<EmnifyEvent> read() {
        return reader.read(trees[next()], IngestSource.STREAMER, RECEIVED_AT);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void parseAndRead(Blackhole blackhole) throws MalformedBatchException {
        for (RawEvent raw : parser.parse(body)) {
            blackhole.consume(normaliser.normalise(raw, RECEIVED_AT));
        }
    }

    @Benchmark
    public byte[] encode() {
        return serializer.serialize(RAW, events[next()]);
    }
}
