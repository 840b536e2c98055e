package io.fleetstream.app.observability;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.app.kafka.EmbeddedKafka;
import io.fleetstream.app.kafka.TopicProvisioner;
import io.fleetstream.app.registry.EmbeddedSchemaRegistry;
import io.fleetstream.app.testing.RawEvents;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.InMemoryRegistryJournal;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.FleetTopology;
import io.fleetstream.topology.TopologyConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The topology role's {@code /metrics} after real traffic on an embedded broker: a small fleet's events (with copies
 * and records that are not Avro) written to the raw topic as ingest writes them, then the query port scraped. The
 * counters equal what was sent, the device and quota gauges equal what the query API's fleet summary counts, and the
 * Kafka Streams series the dashboard and alerts use are there under the names asserted here.
 */
class TopologyMetricsEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(TopologyMetricsEndToEndTest.class);
    private static final int DEVICES = 30;
    private static final int COPIES = 7;
    private static final int POISON = 3;
    private static final long FIRST_DEVICE = 700_001;

    private final Topics topics = Topics.withDefaultPrefix();
    private final HttpClient http = HttpClient.newHttpClient();
    private long nextId = 88_000_000;

    @Test
    void theScrapeCountsWhatWasSentAndItsGaugesAgreeWithTheFleetSummary(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, new InMemoryRegistryJournal())) {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                new TopicProvisioner(admin).ensure(topics.all(), 2, (short) 1);
            }
            // no lateness: every event is applied as it is read; two partitions on two threads, so gauges sum two tasks
            TopologyService.Settings settings = new TopologyService.Settings(kafka.bootstrapServers(), Map.of(),
                    registry.url(), null, true, "fleetstream-metrics", dir.resolve("streams"), "exactly_once_v2", 0, 2, 1,
                    Duration.ofMillis(100), "127.0.0.1", 0, "127.0.0.1", null,
                    TopologyConfig.defaults(topics).withDeviceTimers(DeviceTimers.defaults().withLateness(Duration.ZERO)));
            try (TopologyService service = TopologyService.start(settings)) {
                assertThat(service.awaitRunning(Duration.ofSeconds(90))).isTrue();

                // the session ends a minute ago at the latest: no offline window (5 min) expires during the test
                List<EmnifyEvent> events = fleet(Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS));
                List<EmnifyEvent> sent = new ArrayList<>(events);
                sent.addAll(events.subList(0, COPIES)); // what an at-least-once source delivers again
                RawEvents.produce(kafka.bootstrapServers(), registry.url(), topics.raw(), sent);
                producePoison(kafka.bootstrapServers());

                Map<String, Long> routedExpected = new LinkedHashMap<>();
                for (EventCategory category : EventCategory.values()) {
                    routedExpected.put(category.slug(), 0L);
                }
                events.forEach(e -> routedExpected.merge(
                        EventCatalog.standard().categoryOf(e.getEventType().getId()).slug(), 1L, Long::sum));

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    Scrape scrape = scrape(service.queryPort());
                    assertThat(scrape.sum("fleetstream_topology_events_routed_total")).isEqualTo(events.size());
                    assertThat(scrape.sum("fleetstream_topology_dead_letters_total")).isEqualTo(POISON);
                });
                // the summary counts each partition at most once a second; the stores have settled by now
                JsonNode summary = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> summary(service.queryPort()), s -> s.path("devices").path("total").asLong() == DEVICES);
                Scrape scrape = scrape(service.queryPort());
                log.info("fleet summary {}", summary);
                log.debug("the topology's scrape:\n{}", scrape.text);

                for (Map.Entry<String, Long> category : routedExpected.entrySet()) {
                    assertThat(scrape.value("fleetstream_topology_events_routed_total", Map.of("category", category.getKey())))
                            .as("routed to %s", category.getKey()).isEqualTo((double) category.getValue());
                }
                assertThat(scrape.value("fleetstream_topology_duplicates_dropped_total", Map.of())).isEqualTo(COPIES);
                assertThat(scrape.value("fleetstream_topology_dead_letters_total",
                        Map.of("stage", FleetTopology.DECODING_STAGE, "reason", "not_avro"))).isEqualTo(POISON);
                assertThat(scrape.value("fleetstream_topology_late_events_total", Map.of())).isZero();

                // the gauges agree with the query API and with the fleet as sent
                JsonNode byStatus = summary.path("devices").path("by_status");
                byStatus.fieldNames().forEachRemaining(status ->
                        assertThat(scrape.value("fleetstream_topology_devices", Map.of("status", status)))
                                .as("devices %s", status).isEqualTo(byStatus.get(status).asLong()));
                assertThat(scrape.value("fleetstream_topology_devices", Map.of("status", "OFFLINE"))).isEqualTo(DEVICES / 5);
                assertThat(scrape.value("fleetstream_topology_devices_online", Map.of()))
                        .isEqualTo(summary.path("devices").path("online").asLong())
                        .isEqualTo(DEVICES - DEVICES / 5);
                // sessions ended and not purged since: i % 3 == 0 and i % 5 != 0
                assertThat(scrape.value("fleetstream_topology_offline_timers_pending", Map.of())).isEqualTo(8);
                for (String kind : List.of("data", "sms")) {
                    JsonNode quotas = summary.path("quotas").path(kind);
                    quotas.fieldNames().forEachRemaining(status ->
                            assertThat(scrape.value("fleetstream_topology_quotas", Map.of("kind", kind, "status", status)))
                                    .as("%s quotas %s", kind, status).isEqualTo(quotas.get(status).asLong()));
                }
                assertThat(scrape.value("fleetstream_topology_quotas", Map.of("kind", "data", "status", "ACTIVE")))
                        .isEqualTo(DEVICES / 4);

                for (KafkaStreams.State state : KafkaStreams.State.values()) {
                    assertThat(scrape.value("fleetstream_topology_streams_state", Map.of("state", state.name())))
                            .as(state.name()).isEqualTo(state == KafkaStreams.State.RUNNING ? 1 : 0);
                }
                assertThat(scrape.value("fleetstream_topology_restore_remaining_records", Map.of())).isZero();
                assertThat(scrape.value("fleetstream_query_requests_seconds_count", Map.of("route", "/v1/fleet/summary",
                        "method", "GET", "status", "200", "internal", "false"))).isPositive();
                assertThat(scrape.names()).contains("fleetstream_query_requests_seconds_bucket");

                // Kafka Streams through KafkaStreamsMetrics: what the dashboard and alert rules read
                log.info("Kafka series in the topology scrape: {}", scrape.names().stream()
                        .filter(n -> n.startsWith("kafka_")).toList());
                assertThat(scrape.names()).contains(
                        "kafka_stream_thread_process_rate",
                        "kafka_stream_thread_process_latency_avg",
                        "kafka_stream_processor_node_record_e2e_latency_avg",
                        "kafka_stream_alive_stream_threads",
                        "kafka_stream_failed_stream_threads_total",
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "kafka_stream_task_restore_remaining_records_total");
                assertThat(scrape.sum("kafka_stream_alive_stream_threads")).isEqualTo(2);
                // state-store metrics: one tag set, the key-value stores' (see StreamsMeterFilter)
                assertThat(scrape.labelNames("kafka_stream_state_estimate_num_keys"))
                        .containsExactlyInAnyOrder("kafka_version", "rocksdb_state_id", "task_id", "thread_id");
                assertThat(scrape.sum("kafka_stream_state_estimate_num_keys")).isPositive();
                assertThat(scrape.sum("kafka_stream_thread_process_total")).isGreaterThanOrEqualTo(sent.size());
                assertThat(scrape.duplicateSeries()).as("one series per name and tag set").isEmpty();
            }
        }
    }

    /**
     * {@value #DEVICES} devices: each attaches and opens a session; every third ends it (ATTACHED, an offline pending),
     * every fifth is purged (OFFLINE), every fourth gets a data quota, every seventh an event of a type the catalog does
     * not know (category other).
     */
    private List<EmnifyEvent> fleet(Instant start) {
        List<EmnifyEvent> events = new ArrayList<>();
        for (int i = 1; i <= DEVICES; i++) {
            long endpoint = FIRST_DEVICE + i - 1;
            Instant t = start.plusMillis(i * 100L);
            events.add(event(endpoint, 1, "Update location", t).build());
            events.add(event(endpoint, 3, "Create PDP Context", t.plusSeconds(10))
                    .setPdp(PdpSession.newBuilder().setSessionId("s" + endpoint).setApn("em").setRatType(6)
                            .setTunnelCreated(t.plusSeconds(10)).build()).build());
            if (i % 3 == 0) {
                events.add(event(endpoint, 5, "Delete PDP Context", t.plusSeconds(20))
                        .setPdp(PdpSession.newBuilder().setSessionId("s" + endpoint).setTunnelCreated(t.plusSeconds(10))
                                .setVolumeRx(1.5).setVolumeTx(0.5).setVolumeTotal(2.0).build()).build());
            }
            if (i % 4 == 0) {
                events.add(event(endpoint, 56, "Data quota assigned", t.plusSeconds(25))
                        .setEventSource(new CodedValue(2, "API"))
                        .setQuota(QuotaDetail.newBuilder().setStatusId(1).setVolume(100.0).setActionOnExhaustionId(1).build())
                        .build());
            }
            if (i % 5 == 0) {
                events.add(event(endpoint, 15, "Purge location", t.plusSeconds(30)).build());
            }
            if (i % 7 == 0) {
                events.add(event(endpoint, 999, "A type from the future", t.plusSeconds(35)).build());
            }
        }
        return events;
    }

    private EmnifyEvent.Builder event(long endpoint, int type, String name, Instant at) {
        return EmnifyEvent.newBuilder()
                .setId(nextId++)
                .setTimestamp(at)
                .setEventType(new CodedValue(type, name))
                .setEventSource(new CodedValue(0, "Network"))
                .setEventSeverity(new CodedValue(0, "Info"))
                .setAlert(false)
                .setDescription(name)
                .setOrganisation(new Organisation(11L, "Org 11"))
                .setEndpoint(Endpoint.newBuilder().setId(endpoint).setName("meter " + endpoint).build())
                .setDetailEncoding(DetailEncoding.NONE)
                .setIngest(new IngestMetadata(IngestSource.SIMULATOR, at));
    }

    private void producePoison(String bootstrapServers) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < POISON; i++) {
                producer.send(new ProducerRecord<>(topics.raw(), EventKeys.ofEndpoint(FIRST_DEVICE + i),
                        ("{\"not\": \"avro\", \"n\": " + i + "}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private JsonNode summary(int port) throws Exception {
        HttpResponse<String> answer = get(port, "/v1/fleet/summary");
        return answer.statusCode() == 200 ? Json.mapper().readTree(answer.body()) : Json.mapper().createObjectNode();
    }

    private Scrape scrape(int port) throws Exception {
        HttpResponse<String> answer = get(port, "/metrics");
        assertThat(answer.statusCode()).isEqualTo(200);
        return new Scrape(answer.body());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A Prometheus text scrape: every sample by name and labels. */
    private static final class Scrape {
        private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        private record Sample(String name, Map<String, String> labels, double value) {
        }

        private final List<Sample> samples = new ArrayList<>();
        private final String text;

        Scrape(String text) {
            this.text = text;
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("a sample line: %s", line).isTrue();
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(3) != null) {
                    Matcher label = LABEL.matcher(m.group(3));
                    while (label.find()) {
                        labels.put(label.group(1), label.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
            }
        }

        Set<String> names() {
            Set<String> names = new TreeSet<>();
            samples.forEach(s -> names.add(s.name()));
            return names;
        }

        /** The one sample of a name with exactly these labels. */
        double value(String name, Map<String, String> labels) {
            List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).toList();
            assertThat(found).as("%s%s", name, labels).hasSize(1);
            return found.get(0).value();
        }

        /** The label names of a name's samples (all of them: duplicateSeries says when they differ). */
        Set<String> labelNames(String name) {
            Set<String> labels = new TreeSet<>();
            samples.stream().filter(s -> s.name().equals(name)).forEach(s -> labels.addAll(s.labels().keySet()));
            return labels;
        }

        double sum(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
        }

        /** Names whose samples do not all have the same label names (Prometheus rejects them), and repeated series. */
        List<String> duplicateSeries() {
            Map<String, Set<String>> keys = new LinkedHashMap<>();
            Set<String> series = new TreeSet<>();
            List<String> problems = new ArrayList<>();
            for (Sample s : samples) {
                Set<String> labelNames = new TreeSet<>(s.labels().keySet());
                labelNames.remove("le");
                labelNames.remove("quantile");
                Set<String> first = keys.putIfAbsent(s.name(), labelNames);
                if (first != null && !first.equals(labelNames)) {
                    problems.add(s.name() + " has label sets " + first + " and " + labelNames);
                }
                if (!series.add(s.name() + s.labels())) {
                    problems.add(s.name() + s.labels() + " twice");
                }
            }
            return problems;
        }
    }
}
