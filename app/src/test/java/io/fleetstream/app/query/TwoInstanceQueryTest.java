package io.fleetstream.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.app.testing.RawEvents;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.registry.KafkaRegistryJournal;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.Currency;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.TrafficType;
import io.fleetstream.avro.UsageEndpoint;
import io.fleetstream.avro.UsageOperator;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.avro.UsageVolume;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.HttpSchemaRegistryClient;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two topology instances in one JVM on the embedded broker, each with its own state directory and
 * query port, one standby replica: every key answered identically by both; history paging and
 * filters; the fleet summary equals the sum over devices; while the group rebalances every answer is
 * right or a 503, never a wrong 404 or empty list; after one instance stops, the other answers every
 * key.
 *
 * <p>The tests run in any order. The broker, the registry, the events and one settled group of two
 * instances (with the answers they agreed on) are shared and only read. The two tests that change
 * membership, an instance joining and an instance stopping, each start a group of their own (its own
 * application id, so its own consumer group and state) and stop it when done.
 */
class TwoInstanceQueryTest {

    private static final int DEVICES = 24;
    private static final Instant USAGE_END = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    private static final Topics topics = Topics.withDefaultPrefix();
    private static Path dataDir;
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private static SimulatedFleet fleet;
    /** Shared by the tests that only ask questions; never stopped or joined before {@link #stop()}. */
    private static Group shared;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        dataDir = Files.createTempDirectory("fleetstream-query-e2e");
        kafka = EmbeddedKafka.start(dataDir, 0);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicProvisioner(admin).ensure(topics.all(), 3, (short) 1);
        }
        registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(EmbeddedSchemaRegistry.DEFAULT_HOST, 0,
                kafka.bootstrapServers(), KafkaRegistryJournal.DEFAULT_TOPIC, (short) 1));
        fleet = new SimulatedFleet(Instant.now().truncatedTo(ChronoUnit.SECONDS), DEVICES);
        produce(fleet.events());
        produceUsage(usage());
        shared = Group.start("fleetstream-query-e2e");
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable part : new AutoCloseable[]{shared, registry, kafka}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    // best effort: the next part must still stop
                }
            }
        }
        if (dataDir != null) {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Two instances of one application that have processed every event and agree on every answer.
     *
     * @param settled the answers of the settled group, each question asked of both instances
     */
    private record Group(TopologyService first, TopologyService second, QueryClient a, QueryClient b,
                         Map<String, JsonNode> settled) implements AutoCloseable {

        /** Starts two instances of {@code applicationId}, one after the other, and waits until they agree. */
        static Group start(String applicationId) throws InterruptedException {
            TopologyService first = instance(applicationId, "first");
            TopologyService second = null;
            try {
                assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
                QueryClient a = new QueryClient(first.queryPort());
                awaitEveryEventProcessed(a);
                second = instance(applicationId, "second");
                QueryClient b = new QueryClient(second.queryPort());
                TopologyService joined = second;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                        joined.streams().state() == KafkaStreams.State.RUNNING
                                && first.streams().state() == KafkaStreams.State.RUNNING);
                Map<String, JsonNode> settled = new TreeMap<>();
                for (String path : questions()) {
                    settled.put(path, askBoth(a, b, path));
                }
                return new Group(first, second, a, b, Map.copyOf(settled));
            } catch (Throwable e) {
                closeQuietly(second);
                closeQuietly(first);
                throw e;
            }
        }

        @Override
        public void close() {
            closeQuietly(second);
            closeQuietly(first);
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        if (part != null) {
            try {
                part.close();
            } catch (Exception e) {
                // best effort: the next part must still stop
            }
        }
    }

    /** Every event and usage record: a device's answer includes its sessions' usage. */
    private static void awaitEveryEventProcessed(QueryClient client) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> processedEvents(client) == fleet.events().size() && countedUsage(client) == DEVICES);
    }

    private static long countedUsage(QueryClient client) {
        QueryClient.Answer answer = client.get("/v1/fleet/usage?by=operator");
        if (answer.status() != 200) {
            return -1;
        }
        long records = 0;
        for (JsonNode operator : answer.json().get("operators")) {
            for (JsonNode total : operator.get("total")) {
                records += total.get("records").asLong();
            }
        }
        return records;
    }

    /** Asks both instances until they give the same settled answer, and returns it. */
    private static JsonNode askBoth(QueryClient a, QueryClient b, String path) {
        JsonNode[] answer = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            QueryClient.Answer fromA = a.get(path);
            QueryClient.Answer fromB = b.get(path);
            assertThat(fromA.status()).as(path + " " + fromA.body()).isEqualTo(200);
            assertThat(fromB.status()).as(path + " " + fromB.body()).isEqualTo(200);
            assertThat(fromA.stale()).isFalse();
            assertThat(fromA.body()).as(path).isEqualTo(fromB.body());
            for (String header : List.of("X-Total-Count", "X-Total-Pages", "X-Current-Page", "Link")) {
                assertThat(fromA.header(header)).as(path + " " + header).isEqualTo(fromB.header(header));
            }
            answer[0] = fromA.json();
        });
        return answer[0];
    }

    private static TopologyService instance(String applicationId, String name) {
        Map<String, String> kafkaProperties = new HashMap<>();
        // a stopped instance is noticed after 6 s (the broker's minimum) instead of 45 s
        kafkaProperties.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
        kafkaProperties.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");
        return TopologyService.start(new TopologyService.Settings(kafka.bootstrapServers(), kafkaProperties,
                registry.url(), null, true, applicationId, dataDir.resolve(applicationId).resolve(name), "at_least_once", 1, 1, 1,
                Duration.ofMillis(100), "127.0.0.1", 0, "127.0.0.1", null,
                // the events are produced in order: no reorder buffer, each device's state is there with its event
                TopologyConfig.defaults(topics).withDeviceTimers(
                        DeviceTimers.defaults().withLateness(Duration.ZERO))));
    }

    private static void produce(List<EmnifyEvent> events) {
        RawEvents.produce(kafka.bootstrapServers(), registry.url(), topics.raw(), events);
    }

    /** Every question a user may ask about this fleet. */
    private static List<String> questions() {
        List<String> paths = new ArrayList<>();
        for (long id : fleet.deviceIds()) {
            paths.add("/v1/devices/" + id);
            paths.add("/v1/devices/" + id + "/events");
            paths.add("/v1/devices/" + id + "/events?type=3,5&sort=timestamp");
            if ((id - SimulatedFleet.FIRST_DEVICE + 1) % 6 == 0) {
                paths.add("/v1/devices/" + id + "/quota");
            }
        }
        paths.addAll(List.of("/v1/organisations/11/quota-management", "/v1/organisations/12/quota-management",
                "/v1/organisations/11/events?per_page=7&page=2", "/v1/organisations/12/events?alert=true",
                "/v1/devices?limit=10", "/v1/devices?status=ATTACHED", "/v1/fleet/summary",
                // the incidents' store is partitioned like fleet.presence-by-network, assigned apart from the raw topic
                "/v1/fleet/incidents?from=2020-01-01T00:00:00Z&until=2100-01-01T00:00:00Z"));
        return paths;
    }

    private static long processedEvents(QueryClient client) {
        long total = 0;
        for (long org : List.of(11L, 12L)) {
            QueryClient.Answer answer = client.get("/v1/organisations/" + org + "/events?per_page=1");
            if (answer.status() != 200) {
                return -1;
            }
            total += Long.parseLong(answer.header("X-Total-Count").orElse("0"));
        }
        return total;
    }

    private static List<Long> ids(JsonNode events) {
        return StreamSupport.stream(events.spliterator(), false).map(e -> e.get("id").asLong()).toList();
    }

    @Test
    void aJoiningInstanceAnswers503UntilItKnowsTheAssignmentNeverNotFound() throws InterruptedException {
        TopologyService first = instance("fleetstream-query-e2e-joining", "first");
        TopologyService second = null;
        try {
            assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
            QueryClient a = new QueryClient(first.queryPort());
            awaitEveryEventProcessed(a);
            long known = fleet.deviceIds().get(0);
            JsonNode expected = a.get("/v1/devices/" + known).json();

            second = instance("fleetstream-query-e2e-joining", "second");
            QueryClient b = new QueryClient(second.queryPort());
            List<Integer> statuses = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(second.streams().state() == KafkaStreams.State.RUNNING
                    && first.streams().state() == KafkaStreams.State.RUNNING) && System.nanoTime() < deadline) {
                for (QueryClient client : List.of(b, a)) {
                    QueryClient.Answer answer = client.get("/v1/devices/" + known);
                    statuses.add(answer.status());
                    if (answer.status() == 200) {
                        assertThat(answer.withoutStale()).isEqualTo(expected);
                    } else {
                        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
                        assertThat(answer.header("Retry-After")).isPresent();
                        assertThat(answer.json().get("error").asText()).isNotBlank();
                    }
                }
                Thread.sleep(20);
            }
            assertThat(second.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(statuses.get(0)).as("the joining instance's first answer: it knows no assignment yet").isEqualTo(503);
            assertThat(statuses).containsOnly(200, 503);
        } finally {
            closeQuietly(second);
            closeQuietly(first);
        }
    }

    @Test
    void bothInstancesAnswerEveryQuestionIdentically() {
        for (String path : questions()) {
            askBoth(shared.a(), shared.b(), path);
        }
        JsonNode instances = shared.a().get("/v1/instances").json().get("instances");
        assertThat(instances).hasSize(2);
        List<Integer> actives = new ArrayList<>();
        instances.forEach(i -> i.get("active_partitions").forEach(p -> actives.add(p.asInt())));
        assertThat(actives).containsExactlyInAnyOrder(0, 1, 2);
        instances.forEach(i -> assertThat(i.get("state").asText()).isEqualTo("RUNNING"));
    }

    @Test
    void devicesAndHistoryAreWhatTheEventsSay() {
        Map<String, JsonNode> settled = shared.settled();
        QueryClient a = shared.a();
        QueryClient b = shared.b();
        for (long id : fleet.deviceIds()) {
            assertThat(settled.get("/v1/devices/" + id).get("status").asText()).as("device " + id)
                    .isEqualTo(fleet.statusOf(id));
            assertThat(ids(settled.get("/v1/devices/" + id + "/events"))).as("device " + id)
                    .containsExactlyElementsOf(fleet.deviceHistory(id, null));
            List<Long> sessions = new ArrayList<>(fleet.deviceHistory(id, List.of(3, 5)));
            java.util.Collections.reverse(sessions);
            assertThat(ids(settled.get("/v1/devices/" + id + "/events?type=3,5&sort=timestamp"))).as("device " + id)
                    .containsExactlyElementsOf(sessions);
        }
        List<Long> org11 = fleet.organisationHistory(11);
        QueryClient.Answer page2 = b.get("/v1/organisations/11/events?per_page=7&page=2");
        assertThat(ids(page2.json())).containsExactlyElementsOf(org11.subList(7, 14));
        assertThat(page2.header("X-Total-Count")).contains(Integer.toString(org11.size()));
        assertThat(page2.header("X-Total-Pages")).contains(Integer.toString((org11.size() + 6) / 7));
        assertThat(page2.header("Link")).hasValueSatisfying(link -> assertThat(link)
                .contains("</v1/organisations/11/events?per_page=7&page=3>; rel=\"next\""));
        assertThat(settled.get("/v1/organisations/12/events?alert=true")).allSatisfy(e ->
                assertThat(e.get("alert").asBoolean()).isTrue());
        assertThat(settled.get("/v1/organisations/11/quota-management").get("service_profiles").get(0)
                .get("data").get("status").asText()).isEqualTo("ENABLED");

        List<Long> listed = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = a.get("/v1/devices?limit=5" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("devices").forEach(d -> listed.add(d.get("endpoint_id").asLong()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(fleet.deviceIds());
    }

    @Test
    void theFleetSummaryIsTheSumOverDevices() {
        Map<String, JsonNode> settled = shared.settled();
        JsonNode summary = settled.get("/v1/fleet/summary");
        Map<String, Integer> byStatus = new HashMap<>();
        int online = 0;
        int dataActive = 0;
        for (long id : fleet.deviceIds()) {
            JsonNode device = settled.get("/v1/devices/" + id);
            byStatus.merge(device.get("status").asText(), 1, Integer::sum);
            online += device.get("online").asBoolean() ? 1 : 0;
            JsonNode quota = settled.get("/v1/devices/" + id + "/quota");
            if (quota != null && quota.get("data").get("status").asText().equals("ACTIVE")) {
                dataActive++;
            }
        }
        assertThat(summary.get("devices").get("total").asInt()).isEqualTo(DEVICES);
        assertThat(summary.get("devices").get("online").asInt()).isEqualTo(online);
        byStatus.forEach((status, n) -> assertThat(summary.get("devices").get("by_status").get(status).asInt())
                .as(status).isEqualTo(n));
        assertThat(summary.get("quotas").get("data").get("ACTIVE").asInt()).isEqualTo(dataActive);
        assertThat(summary.get("partitions").asInt()).isEqualTo(3);
    }

    /**
     * Usage through a real Kafka Streams on two instances: its subtopology's partitions are assigned apart from the
     * events', so the per-operator sums are gathered over the raw usage topic's owners and a device's session usage is
     * joined from whichever instance holds it. One data record per device, of its session, cost 0.00188512 and 0.1 MB:
     * 24 of them are 0.04524288 and 2.4 MB.
     */
    @Test
    void usageIsJoinedToEachSessionAndSummedPerOperatorOverBothInstances() throws IOException {
        String total = "[{\"currency\":\"EUR\",\"records\":24,\"sms\":0,\"volume_mb\":{\"total\":\"2.4\",\"rx\":\"2.4\","
                + "\"tx\":\"0\"},\"cost\":\"0.04524288\"}]";
        for (QueryClient client : List.of(shared.a(), shared.b())) {
            QueryClient.Answer answer = client.get("/v1/fleet/usage?by=operator");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonNode operators = answer.json().get("operators");
            assertThat(operators).hasSize(1);
            assertThat(operators.get(0).get("operator_id").asLong()).isEqualTo(7);
            assertThat(operators.get(0).get("total")).isEqualTo(Json.mapper().readTree(total));
        }
        for (long id : fleet.deviceIds()) {
            JsonNode device = askBoth(shared.a(), shared.b(), "/v1/devices/" + id);
            JsonNode session = device.get("session").path("session_id").asText().equals("s" + id) ? device.get("session")
                    : device.get("last_session");
            assertThat(session.get("session_id").asText()).as(device.toString()).isEqualTo("s" + id);
            assertThat(session.get("usage").get("totals").get(0).get("cost").asText()).as(device.toString())
                    .isEqualTo("0.00188512");
            // a range of its own: the default one ends at each instance's now
            JsonNode ledger = askBoth(shared.a(), shared.b(), "/v1/devices/" + id + "/sessions?from="
                    + USAGE_END.minus(Duration.ofHours(1)) + "&until=" + USAGE_END.plus(Duration.ofMinutes(30)));
            assertThat(ledger.get("sessions")).hasSize(1);
        }
    }

    /** One data record per device, of its session, an hour ago: cost 0.00188512 and 0.1 MB each. */
    private static List<UsageRecord> usage() {
        Instant end = USAGE_END;
        List<UsageRecord> usage = new ArrayList<>();
        for (long id : fleet.deviceIds()) {
            usage.add(UsageRecord.newBuilder()
                    .setId(7_000_000 + id)
                    .setTrafficType(new TrafficType(5, "Data"))
                    .setStartTimestamp(end.minusSeconds(45))
                    .setEndTimestamp(end)
                    .setEndpoint(new UsageEndpoint(id, "device " + id, null, null, null))
                    .setOperator(new UsageOperator(7L, "Sim Mobile", "07", null))
                    .setCurrency(new Currency(1L, "EUR", null))
                    .setCost(new BigDecimal("0.00188512").setScale(10))
                    .setVolume(new UsageVolume(new BigDecimal("0.1").setScale(6), new BigDecimal("0.1").setScale(6),
                            BigDecimal.ZERO.setScale(6)))
                    .setSessionId("s" + id)
                    .setSource("SIMULATOR")
                    .setReceivedAt(Instant.now())
                    .build());
        }
        return usage;
    }

    private static void produceUsage(List<UsageRecord> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        AvroSerdes serdes = new AvroSerdes(new HttpSchemaRegistryClient(registry.url()), true);
        try (KafkaProducer<String, UsageRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                serdes.forValue(UsageRecord.class).serializer())) {
            for (UsageRecord record : records) {
                producer.send(new ProducerRecord<>(topics.usageRaw(), null, record.getReceivedAt().toEpochMilli(),
                        EventKeys.keyOf(record), record));
            }
            producer.flush();
        }
    }

    @Test
    void afterOneInstanceStopsTheOtherAnswersEveryKeyAndNeverWrongly() throws InterruptedException {
        try (Group group = Group.start("fleetstream-query-e2e-stopping")) {
            afterTheSecondStops(group);
        }
    }

    private static void afterTheSecondStops(Group group) throws InterruptedException {
        Map<String, JsonNode> settled = group.settled();
        QueryClient a = group.a();
        group.second().close();
        List<String> keyed = questions().stream().filter(p -> !p.startsWith("/v1/devices?")).toList();
        Map<Integer, Integer> seen = new TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean allFresh = false;
        while (!allFresh && System.nanoTime() < deadline) {
            allFresh = true;
            for (String path : keyed) {
                QueryClient.Answer answer = a.get(path);
                seen.merge(answer.status(), 1, Integer::sum);
                if (answer.status() == 200) {
                    assertThat(answer.withoutStale()).as(path).isEqualTo(settled.get(path));
                    allFresh &= !answer.stale();
                } else {
                    assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(503);
                    assertThat(answer.header("Retry-After")).as(path).isPresent();
                    allFresh = false;
                }
            }
            Thread.sleep(50);
        }
        assertThat(allFresh).as("every key answered from an active copy within 60 s; answers seen: " + seen).isTrue();
        assertThat(seen.keySet()).containsAnyOf(200).isSubsetOf(200, 503);
        JsonNode instances = a.get("/v1/instances").json().get("instances");
        assertThat(instances).hasSize(1);
        assertThat(instances.get(0).get("active_partitions").toString()).isEqualTo("[0,1,2]");
    }
}
