package io.fleetstream.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.local.LocalStack;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * End-to-end latency at a fixed rate: batches of Update location events POSTed on a schedule (default 5,000 events/s
 * in batches of 100 every 20 ms), each event timed from when its batch was due (so a slow request does not hide the
 * ones queued behind it; a first run and the first 3 s of each warm up and are not counted) until a plain consumer reads it in its category topic ({@code read_committed}), and, for one
 * event a batch, until the device's history in the query API lists it. Once with at-least-once and once with
 * exactly-once, both at fleetstream's default commit interval: with exactly-once a record is readable only when its
 * transaction commits, so the commit interval is what it adds. Derived device state waits the event-time lateness
 * bound by design (30 s by default) and is not measured here.
 */
final class LatencyBench {

    /** The lateness bound of the run whose device-state delay shows what the bound adds (the default is 30 s). */
    static final Duration BOUNDED_LATENESS = Duration.ofSeconds(5);

    /** The rate, how long it runs, over how many devices. */
    record Sizes(int eventsPerSecond, int batch, Duration duration, int devices, Duration commitInterval) {
        /** The same, posting for half as long: the uncounted warm-up and the run with a lateness bound. */
        Sizes half() {
            return new Sizes(eventsPerSecond, batch, duration.dividedBy(2), devices, commitInterval);
        }
    }

    private static final long ID_BASE = 7_000_000_000_000L;

    private LatencyBench() {
    }

    static void run(BenchReport report, Sizes sizes, Path workDir, String bootstrapServers) throws Exception {
        report.section(String.format("end-to-end latency at %,d events/s (batches of %d, %d s, %,d devices, commit interval %d ms)",
                sizes.eventsPerSecond(), sizes.batch(), sizes.duration().toSeconds(), sizes.devices(),
                sizes.commitInterval().toMillis()));
        // a cold JVM does not keep up at first, and the backlog it builds would be measured as latency: a whole run,
        // not counted, warms the path up (JIT, connections) first
        measure(null, sizes.half(), "at_least_once", Duration.ZERO, workDir.resolve("latency-warm-up"), bootstrapServers);
        Map<String, Object> figures = new LinkedHashMap<>();
        for (String guarantee : List.of("at_least_once", "exactly_once_v2")) {
            figures.put(guarantee, measure(report, sizes, guarantee, Duration.ZERO, workDir.resolve("latency-" + guarantee),
                    bootstrapServers));
        }
        // device state and presence wait the event-time lateness bound by design: a shorter run with a bound shows it
        Map<String, Object> bounded = measure(null, sizes.half(), "at_least_once", BOUNDED_LATENESS,
                workDir.resolve("latency-lateness"), bootstrapServers);
        report.value("at_least_once: in the device's state with --event-lateness " + BOUNDED_LATENESS.toSeconds() + "s ("
                        + bounded.get("state_sampled") + " sampled)",
                String.format("p50 %.1f / p99 %.1f / max %.1f ms (its category topic p50 %.1f ms)", (double) bounded.get("state_ms_p50"),
                        (double) bounded.get("state_ms_p99"), (double) bounded.get("state_ms_max"), (double) bounded.get("topic_ms_p50")));
        figures.put("device_state_with_lateness", Map.of("event_lateness_ms", BOUNDED_LATENESS.toMillis(),
                "state_sampled", bounded.get("state_sampled"), "state_ms_p50", bounded.get("state_ms_p50"),
                "state_ms_p99", bounded.get("state_ms_p99"), "state_ms_max", bounded.get("state_ms_max")));
        report.json("latency", figures);
    }

    private static Map<String, Object> measure(BenchReport report, Sizes sizes, String guarantee, Duration lateness,
                                               Path dir, String bootstrapServers) throws Exception {
        try (BenchKafka kafka = BenchKafka.start(bootstrapServers, dir)) {
            return measure(report, sizes, guarantee, lateness, dir, kafka);
        }
    }

    /**
     * @param lateness the event-time lateness bound: zero in the measured runs (events arrive in order from one
     *                 poster, so the device-state figure is the processing alone); device state waits this much more
     */
    private static Map<String, Object> measure(BenchReport report, Sizes sizes, String guarantee, Duration lateness,
                                               Path dir, BenchKafka kafka) throws Exception {
        Topics topics = kafka.topics();
        TopologyConfig topology = TopologyConfig.defaults(topics).withDeviceTimers(DeviceTimers.defaults().withLateness(lateness));
        try (LocalStack stack = kafka.stack(new LocalStack.Settings(dir, LocalStack.Ports.any(), topics, 2, topology,
                guarantee, sizes.commitInterval(), WebhookConfig.defaults()), new SimpleMeterRegistry())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<Long, Long> due = new ConcurrentHashMap<>();
            Map<Long, Long> inTopic = new ConcurrentHashMap<>();
            Map<Long, Long> inHistory = new ConcurrentHashMap<>();
            Map<Long, Long> inState = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread consumer = new Thread(() -> consume(stack, topics, due, inTopic, running), "latency-consumer");
            consumer.start();
            Thread.sleep(2_000); // the consumer's assignment, before anything is sent
            ExecutorService posters = Executors.newFixedThreadPool(8);
            ExecutorService historians = Executors.newFixedThreadPool(4);
            // one batch in ten is followed into device state, which may wait the lateness bound: a poller each
            ExecutorService statePollers = Executors.newFixedThreadPool(32);
            URI webhook = URI.create("http://127.0.0.1:" + stack.ingestPort() + "/v1/events");
            long interval = TimeUnit.SECONDS.toNanos(1) * sizes.batch() / sizes.eventsPerSecond();
            // the first seconds warm the path up (JIT, first transaction, connections) and are not counted
            long warmUp = TimeUnit.SECONDS.toNanos(3) / interval;
            long measured = sizes.duration().toNanos() / interval;
            // with a lateness bound, traffic goes on (not counted) for the bound and a second more: device state is
            // applied when later traffic moves the clock past an event, and without it the last bound's worth of
            // events would wait for the partition to count as quiet, which is not what live traffic sees
            long tail = lateness.isZero() ? 0 : (lateness.toNanos() + TimeUnit.SECONDS.toNanos(1)) / interval;
            long batches = warmUp + measured + tail;
            long start = System.nanoTime();
            long id = ID_BASE;
            for (long b = 0; b < batches; b++) {
                long dueAt = start + b * interval;
                long wait = dueAt - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                ArrayNode body = Json.mapper().createArrayNode();
                boolean counted = b >= warmUp && b < warmUp + measured;
                for (int i = 0; i < sizes.batch(); i++, id++) {
                    body.add(event(id, (int) (id % sizes.devices())));
                    if (counted) {
                        due.put(id, dueAt);
                    }
                }
                long sampled = id - 1;
                boolean followState = b % 10 == 0;
                byte[] bytes = Json.mapper().writeValueAsBytes(body);
                posters.submit(() -> {
                    post(http, webhook, bytes);
                    if (counted) {
                        historians.submit(() -> awaitHistory(http, stack.queryPort(), sampled,
                                (int) (sampled % sizes.devices()), inHistory));
                        if (followState) {
                            statePollers.submit(() -> awaitState(http, stack.queryPort(), sampled,
                                    (int) (sampled % sizes.devices()), inState, lateness));
                        }
                    }
                    return null;
                });
            }
            posters.shutdown();
            posters.awaitTermination(2, TimeUnit.MINUTES);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inTopic.size() < due.size() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            historians.shutdown();
            historians.awaitTermination(1, TimeUnit.MINUTES);
            statePollers.shutdown();
            statePollers.awaitTermination(TimeUnit.MINUTES.toMillis(1) + lateness.toMillis(), TimeUnit.MILLISECONDS);
            running.set(false);
            consumer.join();

            Latencies topic = latencies(due, inTopic);
            Latencies history = latencies(due, inHistory);
            Latencies state = latencies(due, inState);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("events", due.size());
            figures.put("read_in_topic", inTopic.size());
            figures.put("topic_ms_p50", topic.millis(50));
            figures.put("topic_ms_p99", topic.millis(99));
            figures.put("topic_ms_max", topic.millis(100));
            figures.put("history_sampled", inHistory.size());
            figures.put("history_ms_p50", history.millis(50));
            figures.put("history_ms_p99", history.millis(99));
            figures.put("history_ms_max", history.millis(100));
            figures.put("state_sampled", inState.size());
            figures.put("state_ms_p50", state.millis(50));
            figures.put("state_ms_p99", state.millis(99));
            figures.put("state_ms_max", state.millis(100));
            if (report != null) {
                report.value(guarantee + ": in the category topic (" + inTopic.size() + " of " + due.size() + ")",
                        String.format("p50 %.1f / p99 %.1f / max %.1f ms", topic.millis(50), topic.millis(99), topic.millis(100)));
                report.value(guarantee + ": in the history (" + inHistory.size() + " sampled)",
                        String.format("p50 %.1f / p99 %.1f / max %.1f ms", history.millis(50), history.millis(99), history.millis(100)));
                report.value(guarantee + ": in the device's state (" + inState.size() + " sampled, lateness 0)",
                        String.format("p50 %.1f / p99 %.1f / max %.1f ms", state.millis(50), state.millis(99), state.millis(100)));
            }
            return figures;
        }
    }

    private static ObjectNode event(long id, int device) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("id", id);
        e.put("timestamp", Instant.now().toString());
        e.putObject("event_type").put("id", 1).put("description", "Update location");
        e.putObject("event_source").put("id", 0).put("description", "Network");
        e.putObject("event_severity").put("id", 0).put("description", "Info");
        e.put("alert", false);
        e.put("description", "latency probe");
        e.putObject("organisation").put("id", 1).put("name", "bench");
        e.putObject("endpoint").put("id", 1_000_000 + device).put("name", "probe " + device);
        return e;
    }

    private static void post(HttpClient http, URI webhook, byte[] body) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the webhook answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** Reads the category topic from its end as any consumer would, committed records only. */
    private static void consume(LocalStack stack, Topics topics, Map<Long, Long> due, Map<Long, Long> seen,
                                AtomicBoolean running) {
        Deserializer<EmnifyEvent> values = new AvroSerdes(new HttpSchemaRegistryClient(stack.registryUrl()), false)
                .forValue(EmnifyEvent.class).deserializer();
        String topic = topics.category(EventCategory.NETWORK_ATTACHMENT);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    long id = values.deserialize(topic, r.headers(), r.value()).getId();
                    if (due.containsKey(id)) {
                        seen.putIfAbsent(id, now);
                    }
                }
            }
        }
    }

    /** Polls the device's newest history entry until it is {@code id} or a later one. */
    private static void awaitHistory(HttpClient http, int queryPort, long id, int device, Map<Long, Long> seen) {
        URI uri = URI.create("http://127.0.0.1:" + queryPort + "/v1/devices/" + (1_000_000 + device) + "/events?per_page=1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (System.nanoTime() < deadline) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    JsonNode events = Json.mapper().readTree(answer.body());
                    if (events.size() > 0 && events.get(0).get("id").asLong() >= id) {
                        seen.put(id, System.nanoTime());
                        return;
                    }
                }
                Thread.sleep(2);
            }
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls the device's state in the query API until its last applied event is {@code id} or a later one. */
    private static void awaitState(HttpClient http, int queryPort, long id, int device, Map<Long, Long> seen,
                                   Duration lateness) {
        URI uri = URI.create("http://127.0.0.1:" + queryPort + "/v1/devices/" + (1_000_000 + device));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30) + lateness.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && Json.mapper().readTree(answer.body()).path("last_event_id").asLong() >= id) {
                    seen.put(id, System.nanoTime());
                    return;
                }
                Thread.sleep(lateness.isZero() ? 2 : 20);
            }
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Latencies latencies(Map<Long, Long> due, Map<Long, Long> arrived) {
        return Latencies.of(arrived.entrySet().stream().mapToLong(e -> e.getValue() - due.get(e.getKey())).toArray());
    }
}
