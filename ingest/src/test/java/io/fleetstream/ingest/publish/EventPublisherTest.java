package io.fleetstream.ingest.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.Examples;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EventPublisherTest {

    static final Topics TOPICS = Topics.withDefaultPrefix();
    private static final Instant RECEIVED = Instant.parse("2025-01-02T03:04:05.678Z");

    private final ExecutorService caller = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopCaller() {
        caller.shutdownNow();
    }

    @Test
    void eventsGoToTheRawTopicByKeyStampedWithReceiveTimeAndCarryingTheEventTime() throws Exception {
        MockProducer<String, byte[]> producer = producer(true);
        EventPublisher publisher = publisher(producer, Duration.ofSeconds(5));
        EmnifyEvent update = example("004-1-update-location-docs.json");

        PublishResult result = publisher.publish(List.of(keyed("004-1-update-location-docs.json"),
                keyed("015-52-data-quota-enabled-docs.json")), List.of());

        assertThat(result).isEqualTo(new PublishResult(2, 0));
        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic).containsExactly("emnify.events.raw", "emnify.events.raw");
        assertThat(sent).extracting(ProducerRecord::key).containsExactly("733023", "org-9684");
        // the broker's retention works on record timestamps: old event times must not be used
        assertThat(sent).extracting(ProducerRecord::timestamp).containsOnly(RECEIVED.toEpochMilli());
        Header eventTime = sent.get(0).headers().lastHeader(EventPublisher.EVENT_TIME_HEADER);
        assertThat(eventTime.value()).hasSize(8);
        assertThat(ByteBuffer.wrap(eventTime.value()).getLong()).isEqualTo(Instant.parse("2017-10-26T07:28:00Z").toEpochMilli());
        assertThat(AvroBinarySerializer.decode(sent.get(0).value(), EmnifyEvent.class)).isEqualTo(update);
    }

    @Test
    void deadLettersGoToTheDeadLetterTopicWithoutKey() throws Exception {
        MockProducer<String, byte[]> producer = producer(true);
        DeadLetter deadLetter = deadLetter("id 'x' is not an event id", "{\"id\":\"x\"}");

        PublishResult result = publisher(producer, Duration.ofSeconds(5)).publish(List.of(), List.of(deadLetter));

        assertThat(result).isEqualTo(new PublishResult(0, 1));
        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo("emnify.events.dlq");
        assertThat(sent.key()).isNull();
        assertThat(sent.timestamp()).isEqualTo(RECEIVED.toEpochMilli());
        assertThat(AvroBinarySerializer.decode(sent.value(), DeadLetter.class)).isEqualTo(deadLetter);
    }

    @Test
    void publishReturnsOnlyWhenEveryRecordIsAcknowledged() throws Exception {
        MockProducer<String, byte[]> producer = producer(false);
        EventPublisher publisher = publisher(producer, Duration.ofSeconds(10));
        List<KeyedRecord<EmnifyEvent>> events = List.of(keyed("004-1-update-location-docs.json"),
                keyed("005-2-update-gprs-location-docs.json"));

        CompletableFuture<PublishResult> publishing = CompletableFuture.supplyAsync(() -> publishUnchecked(publisher, events), caller);
        await().until(() -> producer.history().size() == 2);
        producer.completeNext();

        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !publishing.isDone());
        producer.completeNext();
        assertThat(publishing.get()).isEqualTo(new PublishResult(2, 0));
    }

    @Test
    void aFailedSendFailsThePublishWithoutRevealingRecordContents() {
        MockProducer<String, byte[]> producer = producer(false);
        EventPublisher publisher = publisher(producer, Duration.ofSeconds(10));
        List<KeyedRecord<EmnifyEvent>> events = List.of(keyed("029-56-data-quota-assigned-string-detail-1nce.json"),
                keyed("004-1-update-location-docs.json"));

        CompletableFuture<PublishResult> publishing = CompletableFuture.supplyAsync(() -> publishUnchecked(publisher, events), caller);
        await().until(() -> producer.history().size() == 2);
        // the second record fails while the first is still pending: no need to wait for the first
        producer.completeNext();
        producer.errorNext(new NetworkException("broker 1 disconnected"));

        assertThat(publishing).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                .havingRootCause()
                .isInstanceOf(NetworkException.class);
        Throwable failure = publishing.handle((ok, error) -> error.getCause()).join();
        assertThat(failure).isInstanceOf(KafkaUnavailableException.class)
                .hasMessageContaining("emnify.events.raw")
                .hasMessageContaining("NetworkException: broker 1 disconnected")
                .hasMessageNotContaining("quota")
                .hasMessageNotContaining("733023");
    }

    @Test
    void aSendThatIsNotAcknowledgedInTimeFailsThePublish() {
        MockProducer<String, byte[]> producer = producer(false);
        EventPublisher publisher = publisher(producer, Duration.ofMillis(200));

        assertThatThrownBy(() -> publisher.publish(List.of(keyed("004-1-update-location-docs.json")), List.of()))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessage("Kafka acknowledged 0 of 1 records within 200 ms; is the cluster reachable?");
    }

    @Test
    void aSerializerFailureFailsThePublishBeforeAnythingIsSent() {
        MockProducer<String, byte[]> producer = producer(true);
        Serializer<EmnifyEvent> registryDown = (topic, event) -> {
            throw new SerializationException("Schema Registry at http://registry:8081 is unreachable");
        };
        EventPublisher publisher = new EventPublisher(producer, registryDown, new AvroBinarySerializer<>(), TOPICS, Duration.ofSeconds(1));

        assertThatThrownBy(() -> publisher.publish(List.of(keyed("004-1-update-location-docs.json")),
                List.of(deadLetter("bad", "{}"))))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessage("could not serialise event 176777623 for emnify.events.raw: SerializationException:"
                        + " Schema Registry at http://registry:8081 is unreachable");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void anEventKafkaRefusesAsTooLargeIsDeadLetteredWithItsSizeHashAndBeginningWhileTheRestIsPublished() throws Exception {
        MockProducer<String, byte[]> producer = producer(false);
        EventPublisher publisher = publisher(producer, Duration.ofSeconds(10));
        ObjectNode json = (ObjectNode) Examples.json("004-1-update-location-docs.json");
        json.put("id", 5150L).put("description", "x".repeat(300_000));
        byte[] original = Json.mapper().writeValueAsBytes(json);
        EmnifyEvent huge = ((ReadResult.Accepted<EmnifyEvent>) new EmnifyEventReader().read(json, IngestSource.STREAMER, RECEIVED)).record();
        List<KeyedRecord<EmnifyEvent>> events = List.of(keyed("005-2-update-gprs-location-docs.json"),
                KeyedRecord.of(RecordKind.EVENT, huge, "ingest.webhook", original), keyed("006-3-create-pdp-accepted-docs.json"));

        CompletableFuture<PublishResult> publishing = CompletableFuture.supplyAsync(() -> publishUnchecked(publisher, events), caller);
        await().until(() -> producer.history().size() == 3);
        producer.completeNext();
        producer.errorNext(new RecordTooLargeException("The message is 300412 bytes when serialized which is larger than"
                + " 1048576, which is the value of the max.request.size configuration."));
        producer.completeNext();
        // the dead letter goes out only now, and the publish waits for its acknowledgement too
        await().until(() -> producer.history().size() == 4);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !publishing.isDone());
        producer.completeNext();

        assertThat(publishing.get(5, TimeUnit.SECONDS)).isEqualTo(new PublishResult(2, 1));
        ProducerRecord<String, byte[]> sent = producer.history().get(3);
        assertThat(sent.topic()).isEqualTo(TOPICS.deadLetters());
        DeadLetter deadLetter = AvroBinarySerializer.decode(sent.value(), DeadLetter.class);
        assertThat(deadLetter.getStage()).isEqualTo("ingest.webhook");
        assertThat(deadLetter.getSource()).isEqualTo("STREAMER");
        assertThat(deadLetter.getKey()).isEqualTo("733023");
        assertThat(deadLetter.getAt()).isEqualTo(RECEIVED);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original));
        assertThat(deadLetter.getReason())
                .startsWith("event 5150 is too large for Kafka: its value for emnify.events.raw is ")
                .contains("RecordTooLargeException", "max.request.size",
                        "the original is " + original.length + " bytes with SHA-256 " + sha256 + ", of which the first 65536 are kept")
                .doesNotContain("xxxx");
        assertThat(deadLetter.getOriginalSize()).isEqualTo(original.length);
        assertThat(deadLetter.getOriginalSha256()).isEqualTo(sha256);
        assertThat(bytes(deadLetter.getOriginal())).isEqualTo(Arrays.copyOf(original, 65536));
    }

    @Test
    void aDeadLetterTooLargeForKafkaIsSentAgainWithTheBeginningOfItsOriginal() throws Exception {
        MockProducer<String, byte[]> producer = producer(false);
        EventPublisher publisher = publisher(producer, Duration.ofSeconds(10));
        byte[] original = ("{\"id\": \"x\", \"description\": \"" + "y".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        DeadLetter rejected = deadLetter("id 'x' is not an event id", new String(original, StandardCharsets.UTF_8));

        CompletableFuture<PublishResult> publishing = CompletableFuture.supplyAsync(
                () -> publishUnchecked(publisher, List.of(), List.of(rejected)), caller);
        await().until(() -> producer.history().size() == 1);
        producer.errorNext(new RecordTooLargeException("The request included a message larger than the max message size the server will accept."));
        await().until(() -> producer.history().size() == 2);
        producer.completeNext();

        assertThat(publishing.get(5, TimeUnit.SECONDS)).isEqualTo(new PublishResult(0, 1));
        DeadLetter sent = AvroBinarySerializer.decode(producer.history().get(1).value(), DeadLetter.class);
        assertThat(sent.getReason()).startsWith("id 'x' is not an event id; the dead letter itself was too large for Kafka")
                .contains("the original is " + original.length + " bytes with SHA-256");
        assertThat(sent.getOriginalSize()).isEqualTo(original.length);
        assertThat(bytes(sent.getOriginal())).isEqualTo(Arrays.copyOf(original, 65536));
    }

    @Test
    void anUnreachableSchemaRegistryIsReportedAsSuchAndTransientWithoutItsCredentials() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        AvroSerdes serdes = new AvroSerdes(new HttpSchemaRegistryClient("http://fleet:pw-S3CRET@127.0.0.1:" + closed), true);
        MockProducer<String, byte[]> producer = producer(true);
        EventPublisher publisher = new EventPublisher(producer, serdes.forValue(EmnifyEvent.class).serializer(),
                serdes.forValue(DeadLetter.class).serializer(), TOPICS, Duration.ofSeconds(5));

        assertThatThrownBy(() -> publisher.publish(List.of(keyed("004-1-update-location-docs.json")), List.of()))
                .isInstanceOfSatisfying(SchemaRegistryFailureException.class, e -> assertThat(e.isTransient()).isTrue())
                .hasMessageStartingWith("could not serialise event 176777623 for emnify.events.raw: schema registry unreachable at"
                        + " http://127.0.0.1:" + closed)
                .hasMessageNotContaining("pw-S3CRET")
                .hasMessageNotContaining("Kafka");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aSchemaTheRegistryRefusesIsAFailureThatRetryingDoesNotFix() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register("emnify.events.raw-value", Schema.createRecord("EmnifyEvent", null, "io.fleetstream.avro", false,
                List.of(new Schema.Field("unrelated", Schema.create(Schema.Type.STRING)))));
        AvroSerdes serdes = new AvroSerdes(registry, true);
        MockProducer<String, byte[]> producer = producer(true);
        EventPublisher publisher = new EventPublisher(producer, serdes.forValue(EmnifyEvent.class).serializer(),
                serdes.forValue(DeadLetter.class).serializer(), TOPICS, Duration.ofSeconds(5));

        assertThatThrownBy(() -> publisher.publish(List.of(keyed("004-1-update-location-docs.json")), List.of()))
                .isInstanceOfSatisfying(SchemaRegistryFailureException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("cannot register the EmnifyEvent schema under subject 'emnify.events.raw-value'")
                .hasMessageContaining("incompatible");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aSendThatThrowsFailsThePublish() {
        MockProducer<String, byte[]> producer = producer(true);
        producer.sendException = new TimeoutException("Topic emnify.events.raw not present in metadata after 60000 ms.");

        assertThatThrownBy(() -> publisher(producer, Duration.ofSeconds(1))
                .publish(List.of(keyed("004-1-update-location-docs.json")), List.of()))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessageContaining("emnify.events.raw")
                .hasMessageContaining("TimeoutException");
    }

    @Test
    void nothingToPublishSendsNothing() throws Exception {
        MockProducer<String, byte[]> producer = producer(false);

        assertThat(publisher(producer, Duration.ofMillis(100)).publish(List.of(), List.of())).isEqualTo(new PublishResult(0, 0));
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void reachesTheClusterWhenTheRawTopicHasMetadata() {
        MockProducer<String, byte[]> producer = producer(true);
        EventPublisher publisher = publisher(producer, Duration.ofSeconds(1));

        assertThat(publisher.reachesCluster()).isTrue();
        producer.partitionsForException = new KafkaException("no metadata");
        assertThat(publisher.reachesCluster()).isFalse();
    }

    @Test
    void producerPropertiesAskForAcksFromAllReplicasAndIdempotence() {
        Map<String, Object> properties = EventPublisher.producerProperties("kafka:9092",
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, "ingest-1", ProducerConfig.LINGER_MS_CONFIG, 10));

        assertThat(properties)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class)
                .containsEntry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "ingest-1")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 10);
    }

    @Test
    void aSendWaitsForMetadataNoLongerThanTheAcknowledgementTimeoutUnlessConfiguredOtherwise() {
        assertThat(EventPublisher.producerProperties("kafka:9092", Map.of(), Duration.ofSeconds(3)))
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000L);
        assertThat(EventPublisher.producerProperties("kafka:9092", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500"),
                Duration.ofSeconds(3)))
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500");
    }

    @Test
    void producerPropertiesRefuseWeakerAcksOrNoIdempotence() {
        assertThatThrownBy(() -> EventPublisher.producerProperties("kafka:9092", Map.of(ProducerConfig.ACKS_CONFIG, "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acks=1")
                .hasMessageContaining("acks=all");
        assertThatThrownBy(() -> EventPublisher.producerProperties("kafka:9092", Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("enable.idempotence=true");
        assertThat(EventPublisher.producerProperties("kafka:9092", Map.of(ProducerConfig.ACKS_CONFIG, "-1")))
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }

    static MockProducer<String, byte[]> producer(boolean autoComplete) {
        Node broker = new Node(1, "localhost", 9092);
        Cluster cluster = new Cluster("test", List.of(broker),
                List.of(new PartitionInfo(TOPICS.raw(), 0, broker, new Node[]{broker}, new Node[]{broker})),
                Set.of(), Set.of());
        return new MockProducer<>(cluster, autoComplete, null, new StringSerializer(), new ByteArraySerializer());
    }

    private static EventPublisher publisher(MockProducer<String, byte[]> producer, Duration ackTimeout) {
        return new EventPublisher(producer, new AvroBinarySerializer<>(), new AvroBinarySerializer<>(), TOPICS, ackTimeout);
    }

    private static PublishResult publishUnchecked(EventPublisher publisher, List<KeyedRecord<EmnifyEvent>> events) {
        return publishUnchecked(publisher, events, List.of());
    }

    private static PublishResult publishUnchecked(EventPublisher publisher, List<KeyedRecord<EmnifyEvent>> events, List<DeadLetter> deadLetters) {
        try {
            return publisher.publish(events, deadLetters);
        } catch (PublishException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    static KeyedRecord<EmnifyEvent> keyed(String name) {
        return KeyedRecord.of(RecordKind.EVENT, example(name), "ingest.webhook", Examples.bytes(name));
    }

    static EmnifyEvent example(String name) {
        return ((ReadResult.Accepted<EmnifyEvent>) new EmnifyEventReader().read(Examples.json(name), IngestSource.STREAMER, RECEIVED)).record();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static DeadLetter deadLetter(String reason, String original) {
        return DeadLetter.newBuilder()
                .setStage("ingest.webhook")
                .setReason(reason)
                .setOriginal(ByteBuffer.wrap(original.getBytes(StandardCharsets.UTF_8)))
                .setAt(RECEIVED)
                .setSource("STREAMER")
                .build();
    }
}
