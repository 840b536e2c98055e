package io.fleetstream.app.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.simulate.SimulatedDevice;
import io.fleetstream.app.simulate.Simulator;
import io.fleetstream.app.simulate.SimulatorConfig;
import io.fleetstream.app.simulate.TrafficGenerator;
import io.fleetstream.app.simulate.TrafficProfile;
import io.fleetstream.app.testing.ClockSentinels;
import io.fleetstream.app.testing.FleetExpectation;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.ingest.poller.ApplicationToken;
import io.fleetstream.ingest.poller.BackfillStart;
import io.fleetstream.ingest.poller.FakeEmnifyApi;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The two deliveries that used to give wrong presence, end to end on the embedded broker with the topology's
 * default timers (event lateness 30 s, wall-clock allowance 2 min, source idle 2 min): every device's presence
 * changes and final state must equal {@link FleetExpectation}, which applies each device's events in event time
 * straight from emnify's rules.
 *
 * <ol>
 *   <li>A Data Streamer resuming after a pause: a 300-device fleet's last 2.5 hours posted to the webhook at full
 *       speed, in the simulator's batches of 500. The wall clock is hours past every due time while the history is
 *       read, so a processor that lets it fire offlines does so before the reconnect inside the window is read.</li>
 *   <li>A poller backfill beside a live webhook: a day-old fleet fetched by the real {@code EmnifyPoller} from a
 *       WireMock fake of emnify's REST API while a second fleet's hours-old events arrive by webhook in batches of 60
 *       over about 40 seconds, both on the same partitions. A processor with one clock per partition lets the
 *       webhook's newer events fire the backfilled devices' offlines before their reconnects are fetched.</li>
 * </ol>
 *
 * <p>How a delivery ends: after it, sentinel events move each partition's clock past every offline due in the
 * delivered history, so that devices whose last session ended go offline and the final state is a function of
 * the events alone, whenever the topics are read. The wall-clock path (an idle partition) is not what ends either
 * scenario and keeps its default allowance: it is a separate concern, tested in EventTimeTopologyTest.
 *
 * <p>Each scenario also prints how far out of order its sources delivered (see {@link #disorder}): a catch-up
 * delivers a device's events up to minutes of event time behind others, but within a fraction of a second of
 * arrival. Only an event that arrives the lateness bound or more after an event of its source that happened later
 * can be behind the clock when it is read; that is the one way the processor may, by design, differ from the
 * reference, and the first thing to look at when a device does not match.
 *
 * <p>The per-scenario figures go to stdout (with surefire, {@code app/target/surefire-reports/*-output.txt}).
 */
class PresenceDeliveryEndToEndTest {

    private static final int PARTITIONS = 3;
    private static final Duration OFFLINE_WINDOW = Duration.ofMinutes(5);
    /**
     * The topology's default --event-lateness: a source's watermark is how far in event time it had delivered this
     * long ago in arrival (ingest) time.
     */
    private static final Duration LATENESS = DeviceTimers.defaults().lateness();
    private static final String TOKEN = "presence-e2e-app-token";

    private static final int BULK_DEVICES = 300;
    private static final Duration BULK_HISTORY = Duration.ofMinutes(150);
    /**
     * Simulated seconds per real second: the whole history is due at the simulator's first flush, so it posts batch
     * after batch as fast as ingest acknowledges them, as a resumed stream does.
     */
    private static final double FULL_SPEED = 1_000_000;

    private static final int BACKFILLED_DEVICES = 150;
    private static final Duration BACKFILLED_AGE = Duration.ofDays(1);
    private static final Duration BACKFILLED_SPAN = Duration.ofHours(3);
    private static final int LIVE_DEVICES = 150;
    private static final Duration LIVE_AGE = Duration.ofHours(4);
    private static final Duration LIVE_SPAN = Duration.ofHours(3);
    private static final Duration LIVE_DELIVERY = Duration.ofSeconds(40);
    private static final int LIVE_BATCH = 60;

    @TempDir
    Path dataDir;

    private static LocalStack.Settings settings(Path dataDir, Topics topics, Optional<PollerConfig> poller) {
        // TopologyConfig.defaults: the device timers are DeviceTimers.defaults()
        return new LocalStack.Settings(dataDir, LocalStack.Ports.any(), topics, PARTITIONS, TopologyConfig.defaults(topics),
                "at_least_once", Duration.ofMillis(200), WebhookConfig.defaults(), poller);
    }

    private static URI webhook(LocalStack stack) {
        return URI.create("http://127.0.0.1:" + stack.ingestPort() + "/v1/events");
    }

    @Test
    void aResumedDataStreamerPostingHoursOfHistoryAtFullSpeedYieldsExactPresence() throws Exception {
        long began = System.nanoTime();
        Topics topics = Topics.withDefaultPrefix();
        try (LocalStack stack = LocalStack.start(settings(dataDir, topics, Optional.empty()), new SimpleMeterRegistry())) {
            TrafficProfile traffic = TrafficProfile.of(BULK_DEVICES, 20251201L, Instant.now().minus(BULK_HISTORY));
            SimulatorConfig config = SimulatorConfig.defaults(webhook(stack), BULK_DEVICES, traffic.seed())
                    .withTraffic(traffic).withDuration(BULK_HISTORY).withSpeed(FULL_SPEED);
            List<ObjectNode> sent = Collections.synchronizedList(new ArrayList<>());
            List<SimulatedDevice> devices;
            try (Simulator simulator = new Simulator(config, sent::addAll)) {
                devices = simulator.devices();
                simulator.start();
                assertThat(simulator.awaitCompletion(Duration.ofMinutes(2))).as("the history was delivered").isTrue();
                assertThat(simulator.stats().batchesSent()).as("batches").isGreaterThan(10);
            }
            Instant end = traffic.start().plus(BULK_HISTORY);

            // the stream goes on live after its catch-up: one event per partition stamped 10 minutes after the
            // history, and once that arrived a lateness ago another, move every partition's clock to the first,
            // past every offline due in the history (at most 5 minutes after its end)
            Instant sentinelAt = end.plus(Duration.ofMinutes(10));
            List<ObjectNode> sentinels = ClockSentinels.postAndSettle(stack.ingestPort(), PARTITIONS, sentinelAt, LATENESS);

            FleetExpectation expected = new FleetExpectation(OFFLINE_WINDOW);
            expected.accept(sent);
            expected.compute(sentinelAt);
            Set<Long> fleet = endpointIds(devices);
            awaitProcessed(stack, topics, ids(sentinels));

            TopicReader reader = new TopicReader(stack.bootstrapServers(), stack.registryUrl());
            Result result = compare(reader, topics, expected, fleet);
            report("bulk webhook delivery (" + BULK_DEVICES + " devices, last " + BULK_HISTORY.toMinutes()
                    + " min, " + sent.size() + " events in batches of " + config.batchSize() + "; "
                    + disorder(reader, topics, fleet) + ")", result, expected, stack, began);
            assertExact(result, fleet.size());
        }
    }

    @Test
    void aPollerBackfillBesideALiveWebhookOnTheSamePartitionsYieldsExactPresence() throws Exception {
        long began = System.nanoTime();
        Topics topics = Topics.withDefaultPrefix();
        Instant now = Instant.now();
        // a day-old fleet that emnify's API lists (one copy of each event, in the API's canonical timestamp format)
        TrafficGenerator backfilledTraffic = new TrafficGenerator(TrafficProfile.of(BACKFILLED_DEVICES, 20251202L,
                now.minus(BACKFILLED_AGE)).withDriftFraction(0).withDuplicateFraction(0));
        List<ObjectNode> polled = backfilledTraffic.advanceTo(backfilledTraffic.profile().start().plus(BACKFILLED_SPAN));
        TrafficProfile liveTraffic = TrafficProfile.of(LIVE_DEVICES, 20251203L, now.minus(LIVE_AGE));
        Set<Long> backfilledFleet = endpointIds(backfilledTraffic.devices());

        try (FakeEmnifyApi api = new FakeEmnifyApi(TOKEN).add(polled)) {
            // defaults (5 requests/s, pages of 100, windows of 1 h) but for a poll interval that picks up a new
            // event within a second once caught up
            PollerConfig poller = PollerConfig.defaults(new ApplicationToken(TOKEN)).withBaseUrl(api.baseUrl())
                    .withPollInterval(Duration.ofSeconds(1))
                    .withBackfill(new BackfillStart.Ago(BACKFILLED_AGE.plusHours(1)));
            try (LocalStack stack = LocalStack.start(settings(dataDir, topics, Optional.of(poller)), new SimpleMeterRegistry())) {
                // the poller started with the stack; the webhook fleet arrives while it backfills
                SimulatorConfig config = SimulatorConfig.defaults(webhook(stack), LIVE_DEVICES, liveTraffic.seed())
                        .withTraffic(liveTraffic).withDuration(LIVE_SPAN).withBatchSize(LIVE_BATCH)
                        .withSpeed((double) LIVE_SPAN.toSeconds() / LIVE_DELIVERY.toSeconds());
                List<ObjectNode> posted = Collections.synchronizedList(new ArrayList<>());
                Set<Long> liveFleet;
                try (Simulator simulator = new Simulator(config, posted::addAll)) {
                    liveFleet = endpointIds(simulator.devices());
                    simulator.start();
                    assertThat(simulator.awaitCompletion(LIVE_DELIVERY.multipliedBy(3))).as("the webhook fleet was delivered")
                            .isTrue();
                }
                assertThat(liveFleet).as("the two fleets are different devices").doesNotContainAnyElementsOf(backfilledFleet);

                // both sources go on live: an event per partition from each, stamped now, and once those arrived a
                // lateness ago another round, move every partition's clock to the first round, past every offline
                // due in either fleet (the latest an hour ago)
                Instant sentinelAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
                List<ObjectNode> apiSentinels = new ArrayList<>(
                        ClockSentinels.onEveryPartition(PARTITIONS, 990_000_001L, sentinelAt));
                List<ObjectNode> webhookSentinels = new ArrayList<>(
                        ClockSentinels.onEveryPartition(PARTITIONS, 991_000_001L, sentinelAt));
                api.add(apiSentinels);
                HttpResponse<String> answer = WebhookPoster.post(stack.ingestPort(), webhookSentinels);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                Thread.sleep(LATENESS.plusSeconds(2).toMillis());
                List<ObjectNode> apiLater = ClockSentinels.onEveryPartition(PARTITIONS, 990_100_001L, sentinelAt.plusSeconds(1));
                List<ObjectNode> webhookLater = ClockSentinels.onEveryPartition(PARTITIONS, 991_100_001L,
                        sentinelAt.plusSeconds(1));
                api.add(apiLater);
                answer = WebhookPoster.post(stack.ingestPort(), webhookLater);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                apiSentinels.addAll(apiLater);
                webhookSentinels.addAll(webhookLater);

                FleetExpectation expected = new FleetExpectation(OFFLINE_WINDOW);
                expected.accept(polled);
                expected.accept(posted);
                expected.compute(sentinelAt);
                Set<Long> fleet = new HashSet<>(backfilledFleet);
                fleet.addAll(liveFleet);
                Set<Long> sentinelIds = ids(apiSentinels);
                sentinelIds.addAll(ids(webhookSentinels));
                awaitProcessed(stack, topics, sentinelIds);

                TopicReader reader = new TopicReader(stack.bootstrapServers(), stack.registryUrl());
                String mixing = assertSourcesInterleaved(reader, topics, backfilledFleet, liveFleet);
                Result result = compare(reader, topics, expected, fleet);
                report("poller backfill beside a live webhook (" + BACKFILLED_DEVICES + " devices polled, "
                        + polled.size() + " events a day old; " + LIVE_DEVICES + " devices by webhook, " + posted.size()
                        + " events in batches of " + LIVE_BATCH + "; " + mixing + "; " + disorder(reader, topics, fleet)
                        + ")", result, expected, stack, began);
                assertExact(result, fleet.size());
            }
        }
    }

    /** Every device's presence changes and final state against the expectation. */
    private record Result(int devices, int exact, List<String> mismatches) {
    }

    private static Result compare(TopicReader reader, Topics topics, FleetExpectation expected, Set<Long> fleet) {
        Map<Long, FleetExpectation.Device> want = expected.devices();
        assertThat(want.keySet()).as("every simulated device sent events").isEqualTo(fleet);
        Map<Long, DeviceState> states = new HashMap<>();
        for (DeviceState state : reader.values(topics.deviceState(), DeviceState.class)) {
            states.put(state.getEndpointId(), state);
        }
        Map<Long, List<FleetExpectation.Change>> presence = new HashMap<>();
        for (PresenceChange c : reader.values(topics.devicePresence(), PresenceChange.class)) {
            presence.computeIfAbsent(c.getEndpointId(), k -> new ArrayList<>())
                    .add(new FleetExpectation.Change(c.getTo().name(), c.getAt(), c.getReason().name()));
        }
        int exact = 0;
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<Long, FleetExpectation.Device> entry : new TreeMap<>(want).entrySet()) {
            long device = entry.getKey();
            FleetExpectation.Device d = entry.getValue();
            List<FleetExpectation.Change> changes = presence.getOrDefault(device, List.of());
            String wantState = describe(d.status, d.online, d.due, d.session, d.lastSession, d.sessions, d.rejections,
                    d.lastEventId);
            DeviceState s = states.get(device);
            String gotState = s == null ? "no state" : describe(s.getStatus().name(), s.getOnline(), s.getOfflineDueAt(),
                    s.getSession() == null ? null : s.getSession().getSessionId(),
                    s.getLastSession() == null ? null : s.getLastSession().getSessionId(),
                    s.getSessions(), s.getRejections(), s.getLastEventId());
            if (changes.equals(d.presence) && gotState.equals(wantState)) {
                exact++;
            } else {
                mismatches.add("device " + device + ":\n  presence want " + d.presence + "\n  presence got  " + changes
                        + "\n  state want " + wantState + "\n  state got  " + gotState);
            }
        }
        return new Result(want.size(), exact, mismatches);
    }

    private static String describe(String status, boolean online, Instant due, String session, String lastSession,
                                   long sessions, long rejections, Long lastEventId) {
        return "status=" + status + " online=" + online + " due=" + due + " session=" + session + " last_session="
                + lastSession + " sessions=" + sessions + " rejections=" + rejections + " last_event=" + lastEventId;
    }

    private static void report(String scenario, Result result, FleetExpectation expected, LocalStack stack, long began) {
        int timeouts = 0;
        long debounced = 0;
        for (FleetExpectation.Device d : expected.devices().values()) {
            timeouts += (int) d.presence.stream().filter(c -> c.reason().equals("PDP_TIMEOUT")).count();
            // accepted creates that found the device still online: reconnects inside the window, where an
            // early offline would have shown
            debounced += d.sessions - d.presence.stream().filter(c -> c.to().equals("ONLINE")).count();
        }
        System.out.printf("%s: %d of %d devices exact; %d offlines after the window (PDP_TIMEOUT), %d reconnects "
                        + "inside the window, %d late events; %.1f s%n", scenario, result.exact(), result.devices(),
                timeouts, debounced, lateEvents(stack), (System.nanoTime() - began) / 1e9);
        result.mismatches().stream().limit(10).forEach(System.out::println);
        System.out.flush();
        assertThat(timeouts).as("devices went offline after the window").isGreaterThan(result.devices() / 2);
        assertThat(debounced).as("devices reconnected inside the window").isGreaterThan(result.devices() / 10);
    }

    private static void assertExact(Result result, int fleetSize) {
        assertThat(result.mismatches()).as("%d of %d devices exact; the first mismatches:%n%s", result.exact(),
                result.devices(), String.join("\n", result.mismatches().stream().limit(10).toList())).isEmpty();
        assertThat(result.exact()).isEqualTo(fleetSize);
    }

    /**
     * Waits until the raw topic holds the sentinels and the topology has committed every raw record as processed
     * (at-least-once: its outputs were flushed before that commit).
     */
    private static void awaitProcessed(LocalStack stack, Topics topics, Set<Long> sentinelIds) {
        TopicReader reader = new TopicReader(stack.bootstrapServers(), stack.registryUrl());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                reader.values(topics.raw(), EmnifyEvent.class).stream().map(EmnifyEvent::getId).collect(Collectors.toSet())
                        .containsAll(sentinelIds));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> lag(admin, topics.raw()) == 0);
        }
    }

    private static long lag(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin
                .listConsumerGroupOffsets(TopologyService.InstanceSettings.DEFAULT_APPLICATION_ID)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long lag = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            lag += end.getValue().offset() - (done == null ? 0 : done.offset());
        }
        return lag;
    }

    /**
     * The scenario's premise: on every partition, records of both fleets, and records of the backfill still arriving
     * after the webhook's first. Returns a summary.
     */
    private static String assertSourcesInterleaved(TopicReader reader, Topics topics, Set<Long> backfilled, Set<Long> live) {
        Map<Integer, List<TopicReader.Read<EmnifyEvent>>> byPartition = new TreeMap<>();
        for (TopicReader.Read<EmnifyEvent> r : reader.readAll(topics.raw(), EmnifyEvent.class)) {
            EmnifyEvent e = r.value();
            if (e.getEndpoint() != null && (backfilled.contains(e.getEndpoint().getId()) || live.contains(e.getEndpoint().getId()))) {
                assertThat(e.getIngest().getSource()).as("event %d", e.getId())
                        .isEqualTo(backfilled.contains(e.getEndpoint().getId()) ? IngestSource.API : IngestSource.STREAMER);
                byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
            }
        }
        assertThat(byPartition).as("partitions with fleet events").hasSize(PARTITIONS);
        List<String> parts = new ArrayList<>();
        byPartition.forEach((partition, records) -> {
            long firstWebhook = records.stream().filter(r -> r.value().getIngest().getSource() == IngestSource.STREAMER)
                    .mapToLong(TopicReader.Read::offset).min().orElse(Long.MAX_VALUE);
            long api = records.stream().filter(r -> r.value().getIngest().getSource() == IngestSource.API).count();
            long apiAfter = records.stream().filter(r -> r.value().getIngest().getSource() == IngestSource.API
                    && r.offset() > firstWebhook).count();
            assertThat(records.size() - api).as("webhook records on partition %d", partition).isPositive();
            assertThat(apiAfter).as("partition %d: backfilled records read after the webhook's first", partition).isPositive();
            parts.add("partition " + partition + ": " + api + " API (" + apiAfter + " of them after the first webhook "
                    + "record) and " + (records.size() - api) + " STREAMER records");
        });
        return String.join(", ", parts);
    }

    /**
     * How far out of order the sources delivered, as the device processor sees it. In event time: first copies of the
     * fleet's events that reached their partition behind the latest event time their source had already delivered
     * there, and by how much at most. In arrival (ingest) time, which is what the lateness bound is about: those that
     * arrived the lateness or more after an event of their source that happened later; only these can be late.
     */
    private static String disorder(TopicReader reader, Topics topics, Set<Long> fleet) {
        record Progress(long arrival, long latestEvent) {
        }
        Map<String, List<Progress>> progress = new HashMap<>(); // partition/source -> arrivals, non-decreasing
        Map<Integer, Long> arrival = new HashMap<>(); // partition -> latest ingest time
        Set<Long> seen = new HashSet<>();
        Set<Long> devices = new TreeSet<>();
        int behind = 0;
        int lateByArrival = 0;
        long most = 0;
        List<TopicReader.Read<EmnifyEvent>> records = new ArrayList<>(reader.readAll(topics.raw(), EmnifyEvent.class));
        records.sort(Comparator.comparingInt((TopicReader.Read<EmnifyEvent> r) -> r.partition())
                .thenComparingLong(TopicReader.Read::offset));
        for (TopicReader.Read<EmnifyEvent> r : records) {
            EmnifyEvent e = r.value();
            long time = e.getTimestamp().toEpochMilli();
            long at = arrival.merge(r.partition(), e.getIngest().getReceivedAt().toEpochMilli(), Math::max);
            List<Progress> steps = progress.computeIfAbsent(r.partition() + "/" + e.getIngest().getSource(),
                    k -> new ArrayList<>());
            long latest = steps.isEmpty() ? Long.MIN_VALUE : steps.get(steps.size() - 1).latestEvent();
            if (e.getEndpoint() != null && fleet.contains(e.getEndpoint().getId()) && seen.add(e.getId())
                    && latest > time) {
                behind++;
                most = Math.max(most, latest - time);
                // the first arrival at which the source had delivered something later than this event
                Progress first = steps.stream().filter(p -> p.latestEvent() > time).findFirst().orElseThrow();
                if (at - first.arrival() >= LATENESS.toMillis()) {
                    lateByArrival++;
                    devices.add(e.getEndpoint().getId());
                }
            }
            steps.add(new Progress(at, Math.max(latest, time)));
        }
        return behind + " events arrived behind their source's latest event time on their partition (at most "
                + Duration.ofMillis(most).toSeconds() + " s behind), " + lateByArrival + " of them "
                + LATENESS.toSeconds() + " s or more after an event that happened later"
                + (devices.isEmpty() ? "" : ": devices " + devices.stream().limit(20).map(String::valueOf)
                .collect(Collectors.joining(" ")));
    }

    /** What the device processor counted as late (its {@code late-event-total} metric), 0 where there is none. */
    private static long lateEvents(LocalStack stack) {
        double total = 0;
        for (Metric metric : stack.topology().streams().metrics().values()) {
            if (metric.metricName().name().equals("late-event-total")) {
                total += ((Number) metric.metricValue()).doubleValue();
            }
        }
        return (long) total;
    }

    private static Set<Long> endpointIds(List<SimulatedDevice> devices) {
        return devices.stream().map(SimulatedDevice::endpointId).collect(Collectors.toCollection(HashSet::new));
    }

    private static Set<Long> ids(List<ObjectNode> events) {
        return events.stream().map(e -> e.get("id").asLong()).collect(Collectors.toCollection(HashSet::new));
    }
}
