package io.fleetstream.app.outage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.schemas.serde.PublishedSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.fleetstream.app.outage.OutageFixtures.batch;
import static io.fleetstream.app.outage.OutageFixtures.get;
import static io.fleetstream.app.outage.OutageFixtures.ids;
import static io.fleetstream.app.outage.OutageFixtures.once;
import static io.fleetstream.app.outage.OutageFixtures.routedCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Schema Registry goes away under a running pipeline and comes back on the same port with the same schemas.
 * What already knows its schema ids goes on (a running ingest keeps accepting, a topology instance restarted before the
 * outage keeps routing); what needs the registry waits for it: an ingest started during the outage answers 503 saying
 * the registry is unreachable and is unready, and the topology, meeting records written with a schema version it has
 * not fetched, pauses, reports unready and resumes when the registry is back. Nothing is lost, dead-lettered or routed
 * twice.
 */
@Tag("slow")
class RegistryOutageTest {

    private static final Logger log = LoggerFactory.getLogger(RegistryOutageTest.class);
    private static final int RETRY_AFTER_SECONDS = 4;

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private EmbeddedSchemaRegistry registry;

    @AfterEach
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).close();
        }
    }

    @Test
    void whatKnowsItsSchemasGoesOnWhatNeedsTheRegistryWaitsUnreadyAndResumesWhenItIsBack() throws Exception {
        Topics topics = Topics.withDefaultPrefix();
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
        parts.add(kafka);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), 3, (short) 1);
        }
        // the registry's contents outlive it, as they do in its Kafka journal: ids stay the same across the restart
        InMemoryRegistryJournal journal = new InMemoryRegistryJournal();
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, journal);
        int registryPort = registry.port();
        String registryUrl = registry.url();
        TopicReader reader = new TopicReader(kafka.bootstrapServers(), registryUrl);
        TopologyService.Settings topologySettings = OutageFixtures.topology(kafka.bootstrapServers(), registryUrl, topics,
                dataDir.resolve("streams"));
        TopologyService first = TopologyService.start(topologySettings);
        assertThat(first.awaitRunning(Duration.ofMinutes(2))).isTrue();
        IngestService.Settings ingestSettings = new IngestService.Settings(kafka.bootstrapServers(), Map.of(), registryUrl,
                null, true, topics, WebhookConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withRetryAfterSeconds(RETRY_AFTER_SECONDS));
        IngestService ingest = IngestService.start(ingestSettings, new SimpleMeterRegistry());
        parts.add(ingest);

        List<ObjectNode> before = batch(300_000, 30);
        assertThat(WebhookPoster.post(ingest.port(), before).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> routedCounts(reader, topics).keySet().containsAll(ids(before)));

        // a restart (a deployment, say) while the registry is up: the new instance, with empty caches, resolves
        // every schema it writes (output topics and store changelogs) before it starts
        first.close();
        TopologyService topology = TopologyService.start(topologySettings);
        parts.add(topology);
        assertThat(topology.awaitRunning(Duration.ofMinutes(2))).isTrue();
        assertThat(get(topology.queryPort(), "/health/ready").statusCode()).isEqualTo(200);
        // a newer writer registers a second version of the raw topic's schema: records the topology has no schema for
        List<EmnifyEvent> newer = batch(450_000, 20).stream().map(RegistryOutageTest::normalised).toList();
        List<ProducerRecord<String, byte[]>> newerRecords = encodedWithNewerSchema(registryUrl, topics.raw(), newer);

        registry.close();
        registry = null;
        log.info("schema registry stopped");

        // the running ingest registered its schema before the outage and keeps the id: it goes on accepting, and the
        // topology, which knows every id involved, goes on routing and stays ready
        List<ObjectNode> during = batch(400_000, 30);
        assertThat(WebhookPoster.post(ingest.port(), during).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> routedCounts(reader, topics).keySet().containsAll(ids(during)));
        assertThat(get(topology.queryPort(), "/health/ready").statusCode()).isEqualTo(200);

        // the topology meets a schema id it has not fetched: it pauses, unready, instead of stopping or dead-lettering
        produce(kafka.bootstrapServers(), newerRecords);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(topology.queryPort(), "/health/ready").statusCode() == 503);
        HttpResponse<String> unready = get(topology.queryPort(), "/health/ready");
        log.info("topology during the outage: {} {}", unready.statusCode(), unready.body());
        assertThat(unready.headers().firstValue("Retry-After")).isPresent();
        assertThat(Json.mapper().readTree(unready.body()).get("reason").asText()).contains("schema registry");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                !topology.stopped() && get(topology.queryPort(), "/health/ready").statusCode() == 503);
        assertThat(topology.streams().state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        assertThat(routedCounts(reader, topics).keySet()).doesNotContainAnyElementsOf(idsOf(newer));

        // an ingest started during the outage has no schema id yet: 503, saying the registry is unreachable
        IngestService fresh = IngestService.start(ingestSettings, new SimpleMeterRegistry());
        parts.add(fresh);
        List<ObjectNode> refused = batch(500_000, 30);
        long started = System.nanoTime();
        HttpResponse<String> answer = WebhookPoster.post(fresh.port(), refused);
        log.info("fresh ingest during the outage: {} after {} ms: {}", answer.statusCode(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), answer.body());
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue(Integer.toString(RETRY_AFTER_SECONDS));
        JsonNode error = Json.mapper().readTree(answer.body());
        assertThat(error.toString()).contains("schema registry unreachable at " + registryUrl, "nothing was accepted");
        HttpResponse<String> freshReady = get(fresh.port(), "/health/ready");
        log.info("fresh ingest readiness during the outage: {} {}", freshReady.statusCode(), freshReady.body());
        assertThat(freshReady.statusCode()).isEqualTo(503);
        assertThat(freshReady.body()).contains("schema registry");

        registry = EmbeddedSchemaRegistry.start("127.0.0.1", registryPort, journal);
        log.info("schema registry back on port {}", registryPort);

        // ready once the registry answers and the stream thread that replaced the failed one runs (the failed one's
        // group membership lapses first: the session timeout, 10 s here)
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(topology.queryPort(), "/health/ready").statusCode() == 200);
        log.info("topology ready {} ms after the registry came back", Duration.ofNanos(System.nanoTime() - back).toMillis());
        await().atMost(Duration.ofSeconds(30)).until(() -> get(fresh.port(), "/health/ready").statusCode() == 200);
        assertThat(WebhookPoster.post(fresh.port(), refused).statusCode()).isEqualTo(200);

        Set<Long> expected = new HashSet<>(ids(before));
        expected.addAll(ids(during));
        expected.addAll(idsOf(newer));
        expected.addAll(ids(refused));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(routedCounts(reader, topics)).isEqualTo(once(expected)));
        assertThat(reader.values(topics.deadLetters(), DeadLetter.class))
                .as("nothing was dead-lettered for the outage").isEmpty();
        assertThat(topology.stopped()).isFalse();
    }

    private static EmnifyEvent normalised(ObjectNode json) {
        ReadResult<EmnifyEvent> read = new EmnifyEventReader().read(json, IngestSource.STREAMER, Instant.now());
        return ((ReadResult.Accepted<EmnifyEvent>) read).record();
    }

    private static Set<Long> idsOf(List<EmnifyEvent> events) {
        return events.stream().map(EmnifyEvent::getId).collect(Collectors.toSet());
    }

    /**
     * The events as raw-topic records written by a newer ingest: with the raw subject's second schema version (the
     * event schema with one more optional field, which the registry accepts as compatible), registered now.
     */
    private static List<ProducerRecord<String, byte[]>> encodedWithNewerSchema(String registryUrl, String rawTopic,
                                                                               List<EmnifyEvent> events) throws Exception {
        ObjectNode json = (ObjectNode) Json.mapper().readTree(PublishedSchema.of(EmnifyEvent.getClassSchema()).toString());
        ObjectNode note = ((ArrayNode) json.get("fields")).addObject();
        note.put("name", "ingest_note");
        note.putArray("type").add("null").add("string");
        note.putNull("default");
        Schema newer = new Schema.Parser().parse(json.toString());
        int id = new HttpSchemaRegistryClient(registryUrl).register(AvroSerdes.valueSubject(rawTopic), newer);
        DatumWriter<GenericRecord> writer = new SpecificDatumWriter<>(newer, SpecificData.getForClass(EmnifyEvent.class));
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (EmnifyEvent event : events) {
            GenericRecord value = new GenericData.Record(newer);
            event.getSchema().getFields().forEach(f -> value.put(f.name(), event.get(f.name())));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(value, encoder);
            encoder.flush();
            records.add(new ProducerRecord<>(rawTopic, null, event.getIngest().getReceivedAt().toEpochMilli(),
                    EventKeys.keyOf(event), out.toByteArray()));
        }
        return records;
    }

    private static void produce(String bootstrapServers, List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }
}
