package io.fleetstream.app.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.simulate.TrafficGenerator;
import io.fleetstream.app.simulate.TrafficProfile;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.emnify.EmnifyBatchParser;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.MalformedBatchException;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulated Data Streamer batches of 10,000 events, as bytes, and the events they normalise to:
 * the input of every other benchmark, and the benchmark of the ingest reader itself.
 */
final class ReaderBench {

    static final int BATCH = 10_000;

    /** Realistic traffic for {@code devices} devices until {@code events} events exist, as Data Streamer bodies. */
    static List<byte[]> bodies(int devices, int events) {
        return bodies(devices, events, BATCH);
    }

    /** The same, {@code batch} events a body. */
    static List<byte[]> bodies(int devices, int events, int batchSize) {
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(devices, 7, Instant.parse("2026-01-01T00:00:00Z")));
        List<byte[]> bodies = new ArrayList<>();
        ArrayNode batch = Json.mapper().createArrayNode();
        int total = 0;
        Instant t = generator.position();
        while (total < events) {
            t = t.plus(Duration.ofMinutes(1));
            for (ObjectNode event : generator.advanceTo(t)) {
                batch.add(event);
                if (++total == events || batch.size() == batchSize) {
                    bodies.add(bytes(batch));
                    batch = Json.mapper().createArrayNode();
                }
                if (total == events) {
                    break;
                }
            }
        }
        return bodies;
    }

    /** Parses and normalises every body; returns the accepted events. */
    static List<EmnifyEvent> read(List<byte[]> bodies) {
        EmnifyBatchParser parser = new EmnifyBatchParser();
        EmnifyEventReader reader = new EmnifyEventReader();
        Instant now = Instant.now();
        List<EmnifyEvent> events = new ArrayList<>();
        for (byte[] body : bodies) {
            try {
                for (RawEvent raw : parser.parse(body)) {
                    if (reader.read(raw.json(), IngestSource.SIMULATOR, now) instanceof ReadResult.Accepted<EmnifyEvent> accepted) {
                        events.add(accepted.record());
                    }
                }
            } catch (MalformedBatchException e) {
                throw new IllegalStateException("simulated body did not parse: " + e.getMessage(), e);
            }
        }
        return events;
    }

    static void run(BenchReport report, int events) {
        report.section("ingest reader: parse Data Streamer bodies of " + BATCH + " events and normalise each event");
        List<byte[]> bodies = bodies(10_000, events);
        long bytes = bodies.stream().mapToLong(b -> b.length).sum();
        report.value("input", String.format("%,d events in %d bodies, %,d bytes", events, bodies.size(), bytes));
        read(bodies); // warm-up: JIT
        read(bodies);
        long start = System.nanoTime();
        List<EmnifyEvent> read = read(bodies);
        long nanos = System.nanoTime() - start;
        report.rate("events parsed and normalised", read.size(), nanos);
        report.value("throughput", String.format("%.1f MB/s of JSON", bytes / (nanos / 1e9) / 1e6));
        report.value("one full 10,000-event batch", String.format("%.1f ms", nanos / 1e6 / bodies.size()));
        report.json("reader");
    }

    private static byte[] bytes(ArrayNode batch) {
        try {
            return Json.mapper().writeValueAsBytes(batch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
