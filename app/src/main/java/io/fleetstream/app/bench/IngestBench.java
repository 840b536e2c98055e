package io.fleetstream.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.registry.KafkaRegistryJournal;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.ingest.publish.EventPublisher;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * The webhook against its ceiling, on the same records in the same run: Data Streamer batches POSTed by concurrent
 * clients to ingest (parse, normalise, encode, send, wait for Kafka's acknowledgement, answer), and the same records,
 * already normalised and encoded, sent by a plain {@link KafkaProducer} with ingest's producer settings from as many
 * threads, each sending a batch and waiting for its acknowledgements as a request does.
 */
final class IngestBench {

    /** How many events, how many a request, from how many clients and devices, on how many partitions. */
    record Sizes(int events, int batch, int clients, int devices, int partitions) {
    }

    private IngestBench() {
    }

    static void run(BenchReport report, Sizes sizes, Path workDir, String bootstrapServers) throws Exception {
        report.section(String.format("ingest vs a plain producer (%,d events in batches of %,d from %d clients, %d partitions)",
                sizes.events(), sizes.batch(), sizes.clients(), sizes.partitions()));
        List<byte[]> bodies = ReaderBench.bodies(sizes.devices(), sizes.events(), sizes.batch());
        try (BenchKafka kafka = BenchKafka.start(bootstrapServers, workDir.resolve("kafka-ingest"))) {
            Topics topics = kafka.topics();
            kafka.createTopics(topics, sizes.partitions());
            try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(
                    "127.0.0.1", 0, kafka.bootstrapServers(), kafka.name(KafkaRegistryJournal.DEFAULT_TOPIC), (short) 1))) {
                List<List<ProducerRecord<String, byte[]>>> batches = records(bodies, topics, registry.url());
                double ceiling = 0;
                Clients.Result first = producer(kafka.bootstrapServers(), batches, sizes.clients());
                report.rate("plain producer, pass 1", first.items(), first.nanos());
                ceiling = Math.max(ceiling, first.rate());

                // two passes, the best counts, as for the ceiling: the first one also warms the JIT up
                Clients.Result webhook = null;
                try (IngestService ingest = IngestService.start(new IngestService.Settings(kafka.bootstrapServers(), Map.of(),
                        registry.url(), null, true, topics, WebhookConfig.defaults().withPort(0)), new SimpleMeterRegistry())) {
                    for (int pass = 1; pass <= 2; pass++) {
                        Clients.Result t = webhook(ingest.port(), bodies, sizes.clients());
                        report.rate("webhook (HTTP, parse, normalise, Avro, acks=all), pass " + pass, t.items(), t.nanos());
                        webhook = webhook == null || t.rate() > webhook.rate() ? t : webhook;
                    }
                }
                report.value("request latency p50 / p99 / max", String.format("%.1f / %.1f / %.1f ms",
                        webhook.latencies().millis(50), webhook.latencies().millis(99), webhook.latencies().millis(100)));

                Clients.Result second = producer(kafka.bootstrapServers(), batches, sizes.clients());
                report.rate("plain producer, pass 2", second.items(), second.nanos());
                ceiling = Math.max(ceiling, second.rate());
                double ratio = webhook.rate() / ceiling;
                report.value("ratio to the best plain producer", String.format("%.3f", ratio));
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("events", sizes.events());
                figures.put("batch", sizes.batch());
                figures.put("clients", sizes.clients());
                figures.put("ceiling_events_per_s", Math.round(ceiling));
                figures.put("webhook_events_per_s", Math.round(webhook.rate()));
                figures.put("ratio", Math.round(ratio * 1000) / 1000.0);
                figures.put("latency_ms_p50", webhook.latencies().millis(50));
                figures.put("latency_ms_p99", webhook.latencies().millis(99));
                figures.put("latency_ms_max", webhook.latencies().millis(100));
                report.json("ingest", figures);
            }
        }
    }

    /** The bodies' events as ingest writes them to the raw topic, one list a body. */
    private static List<List<ProducerRecord<String, byte[]>>> records(List<byte[]> bodies, Topics topics, String registryUrl) {
        Serializer<EmnifyEvent> serializer = new AvroSerdes(new HttpSchemaRegistryClient(registryUrl), true)
                .forValue(EmnifyEvent.class).serializer();
        List<List<ProducerRecord<String, byte[]>>> batches = new ArrayList<>();
        for (byte[] body : bodies) {
            List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
            for (EmnifyEvent event : ReaderBench.read(List.of(body))) {
                batch.add(new ProducerRecord<>(topics.raw(), EventKeys.keyOf(event), serializer.serialize(topics.raw(), event)));
            }
            batches.add(batch);
        }
        return batches;
    }

    private static Clients.Result producer(String bootstrapServers, List<List<ProducerRecord<String, byte[]>>> batches, int clients)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(EventPublisher.producerProperties(bootstrapServers, Map.of()))) {
            producer.partitionsFor(batches.get(0).get(0).topic()); // metadata, outside the timing
            return Clients.send(clients, batches.size(), i -> {
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (ProducerRecord<String, byte[]> record : batches.get(i)) {
                    acks.add(producer.send(record));
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get();
                }
                return batches.get(i).size();
            });
        }
    }

    private static Clients.Result webhook(int port, List<byte[]> bodies, int clients) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/events");
        return Clients.send(clients, bodies.size(), i -> {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the webhook answered " + answer.statusCode() + ": " + answer.body());
            }
            return taken(answer.body());
        });
    }

    /** The events the webhook took, from its answer {@code {"accepted": n, "dead_lettered": m}}. */
    private static int taken(String answer) throws IOException {
        JsonNode node = Json.mapper().readTree(answer);
        return node.get("accepted").asInt() + node.get("dead_lettered").asInt();
    }
}
