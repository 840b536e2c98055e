package io.fleetstream.app.topology;

import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.testing.RawEvents;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.device.DeviceTopology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Poison records on the raw topic of a real broker, under exactly-once with two stream threads: bytes that are not
 * Avro, an unknown schema id, a schema an event cannot be read from, a record without a value, and an event the
 * device state throws on. Each is on the dead-letter topic (committed) with its stage, reason and original bytes, the
 * events after them are processed, and the topology's {@code /metrics} counts each by stage and reason.
 */
class PoisonRecordsEndToEndTest {

    private static final Pattern DEAD_LETTERS = Pattern.compile(
            "^fleetstream_topology_dead_letters_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    private final Topics topics = Topics.withDefaultPrefix();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyKindOfPoisonIsDeadLetteredWithItsBytesCountedOnMetricsAndTheStreamGoesOn(@TempDir Path dir)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal())) {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                new TopicProvisioner(admin).ensure(topics.all(), 2, (short) 1);
            }
            AvroSerdes serdes = new AvroSerdes(new HttpSchemaRegistryClient(registry.url()), true);
            EmnifyEvent create = RawEvents.example("006-3-create-pdp-accepted-docs.json");
            // the session's duration from a tunnel created at the start of time does not fit in a long: the device state
            // machine throws on it (as PoisonRecordsTopologyTest.NO_REAL_TIME says)
            EmnifyEvent poison = deleteOf(create, 900_000_001L, 60, Instant.ofEpochMilli(Long.MIN_VALUE));
            EmnifyEvent delete = deleteOf(create, 900_000_002L, 120, create.getTimestamp());
            byte[] notAvro = "{\"id\": 1, \"event_type\": {\"id\": 3}}".getBytes(StandardCharsets.UTF_8);
            byte[] unknownSchema = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(42).array();
            byte[] otherSchema = serdes.forValue(DeviceState.class).serializer().serialize("elsewhere.device-state",
                    DeviceState.newBuilder().setEndpointId(1).setStatus(ConnectivityStatus.ONLINE).setOnline(true).build());
            byte[] poisonBytes = serdes.forValue(EmnifyEvent.class).serializer().serialize(topics.raw(), poison);
            String key = EventKeys.keyOf(create);
            // one key, so one partition and this order: the good events come after every poison record
            produce(kafka.bootstrapServers(), key, notAvro, unknownSchema, otherSchema, null,
                    serdes.forValue(EmnifyEvent.class).serializer().serialize(topics.raw(), create), poisonBytes,
                    serdes.forValue(EmnifyEvent.class).serializer().serialize(topics.raw(), delete));

            TopologyService.Settings settings = new TopologyService.Settings(kafka.bootstrapServers(), Map.of(),
                    registry.url(), null, true, "fleetstream-poison", dir.resolve("streams"), "exactly_once_v2", 0, 2, 1,
                    Duration.ofMillis(100), "127.0.0.1", 0, "127.0.0.1", null,
                    // every event is applied as it is read, not after the idle allowance
                    TopologyConfig.defaults(topics).withDeviceTimers(DeviceTimers.defaults().withLateness(Duration.ZERO)));
            try (TopologyService service = TopologyService.start(settings)) {
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), registry.url());
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                        assertThat(reader.readAll(topics.deviceState(), DeviceState.class))
                                .anySatisfy(r -> {
                                    assertThat(r.key()).isEqualTo(key);
                                    assertThat(r.value().getLastEventId()).isEqualTo(delete.getId());
                                }));
                List<DeadLetter> deadLetters = reader.values(topics.deadLetters(), DeadLetter.class);

                assertThat(deadLetters).hasSize(5);
                assertDeadLetter(deadLetters, notAvro, FleetTopology.DECODING_STAGE, "unknown magic byte 0x7b");
                assertDeadLetter(deadLetters, unknownSchema, FleetTopology.DECODING_STAGE, "schema id 987654");
                assertDeadLetter(deadLetters, otherSchema, FleetTopology.DECODING_STAGE, "which EmnifyEvent cannot read");
                assertDeadLetter(deadLetters, new byte[0], FleetTopology.DECODING_STAGE, "no value");
                assertDeadLetter(deadLetters, poisonBytes, DeviceTopology.STAGE,
                        "processing failed in topology.device-state: java.lang.ArithmeticException: long overflow");
                // the device went on from the create: the poison delete changed nothing, the good one closed the session
                DeviceState state = reader.readAll(topics.deviceState(), DeviceState.class).stream()
                        .filter(r -> r.key().equals(key)).reduce((first, second) -> second).orElseThrow().value();
                assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
                assertThat(state.getLastSession().getEventId()).isEqualTo(delete.getId());
                assertThat(state.getLastSession().getDurationMs()).isEqualTo(120_000L);

                assertThat(deadLetterCounts(service.queryPort())).containsAllEntriesOf(Map.of(
                        FleetTopology.DECODING_STAGE + " not_avro", 1.0,
                        FleetTopology.DECODING_STAGE + " unknown_schema", 1.0,
                        FleetTopology.DECODING_STAGE + " schema_mismatch", 1.0,
                        FleetTopology.DECODING_STAGE + " no_value", 1.0,
                        DeviceTopology.STAGE + " processing_failed", 1.0));
                assertThat(service.stopped()).isFalse();
                assertThat(service.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }
    }

    private static EmnifyEvent deleteOf(EmnifyEvent create, long id, int secondsLater, Instant tunnelCreated) {
        return EmnifyEvent.newBuilder(create)
                .setId(id)
                .setTimestamp(create.getTimestamp().plusSeconds(secondsLater))
                .setEventType(new CodedValue(5, "Delete PDP Context"))
                .setPdp(PdpSession.newBuilder(create.getPdp()).setTunnelCreated(tunnelCreated).build())
                .build();
    }

    private void produce(String bootstrapServers, String key, byte[]... values) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topics.raw(), key, value));
            }
            producer.flush();
        }
    }

    private static void assertDeadLetter(List<DeadLetter> deadLetters, byte[] original, String stage, String reason) {
        assertThat(deadLetters).as("a dead letter of %s with '%s'", stage, reason).anySatisfy(d -> {
            assertThat(d.getOriginal().array()).isEqualTo(original);
            assertThat(d.getStage()).isEqualTo(stage);
            assertThat(d.getReason()).contains(reason);
        });
    }

    /** "stage reason" → count, from the topology's Prometheus scrape. */
    private Map<String, Double> deadLetterCounts(int queryPort) throws Exception {
        String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + queryPort + "/metrics")).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> counts = new java.util.HashMap<>();
        Matcher line = DEAD_LETTERS.matcher(scrape);
        while (line.find()) {
            counts.put(label(line.group(1), "stage") + " " + label(line.group(1), "reason"), Double.parseDouble(line.group(2)));
        }
        return counts;
    }

    private static String label(String labels, String name) {
        Matcher value = Pattern.compile(name + "=\"([^\"]*)\"").matcher(labels);
        return value.find() ? value.group(1) : null;
    }
}
