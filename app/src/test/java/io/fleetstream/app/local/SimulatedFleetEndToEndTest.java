package io.fleetstream.app.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.simulate.DeliveryListener;
import io.fleetstream.app.simulate.SimulatedDevice;
import io.fleetstream.app.simulate.Simulator;
import io.fleetstream.app.simulate.SimulatorConfig;
import io.fleetstream.app.testing.ClockSentinels;
import io.fleetstream.app.testing.FleetExpectation;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A simulated fleet of 1,000 devices for a simulated hour through the whole pipeline, then every
 * device's final connectivity state, its presence changes and its quotas compared with an
 * expectation computed independently from the events the simulator sent.
 */
class SimulatedFleetEndToEndTest {

    private static final int DEVICES = 1000;
    private static final int PARTITIONS = 3;
    private static final Duration SIMULATED = Duration.ofMinutes(60);
    /** simulated seconds per real second: the hour takes ~30 s */
    private static final double SPEED = 120;
    /**
     * The default lateness bound, although one delivered batch spans about SPEED simulated seconds and
     * emnify-style shuffles and re-sends reorder events within it: the webhook's watermark and the reorder
     * buffer put each device's events back in order. The sentinels at the end move every partition's
     * clock past all due offlines.
     */
    private static final Duration LATENESS = DeviceTimers.DEFAULT_LATENESS;

    @TempDir
    static Path dataDir;
    private static LocalStack stack;
    private static final Topics topics = Topics.withDefaultPrefix();
    private static final List<ObjectNode> sent = new ArrayList<>();
    private static final List<ObjectNode> usageSent = new ArrayList<>();
    private static int sentinels;
    private static final FleetExpectation expected = new FleetExpectation(Duration.ofMinutes(5));
    private static List<SimulatedDevice> devices;
    private static TopicReader reader;

    @BeforeAll
    static void runTheFleet() throws Exception {
        TopologyConfig topology = new TopologyConfig(topics, TopologyConfig.DEFAULT_DEDUPE_RETENTION,
                new DeviceTimers(Duration.ofMinutes(5), LATENESS, Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofSeconds(1)));
        stack = LocalStack.start(new LocalStack.Settings(dataDir, LocalStack.Ports.any(), topics, PARTITIONS, topology,
                "at_least_once", Duration.ofMillis(200), WebhookConfig.defaults()), new SimpleMeterRegistry());
        reader = new TopicReader(stack.bootstrapServers(), stack.registryUrl());

        URI webhook = URI.create("http://127.0.0.1:" + stack.ingestPort() + "/v1/events");
        SimulatorConfig config = SimulatorConfig.defaults(webhook, DEVICES, 20251122L)
                .withSpeed(SPEED).withDuration(SIMULATED);
        Instant start;
        try (Simulator simulator = new Simulator(config, new DeliveryListener() {
            @Override
            public void acknowledged(List<ObjectNode> batch) {
                synchronized (sent) {
                    sent.addAll(batch);
                }
            }

            @Override
            public void usageAcknowledged(List<ObjectNode> batch) {
                synchronized (usageSent) {
                    usageSent.addAll(batch);
                }
            }
        })) {
            devices = simulator.devices();
            start = config.traffic().start();
            simulator.start();
            assertThat(simulator.awaitCompletion(Duration.ofMinutes(3))).as("the simulation finished").isTrue();
        }

        // one event per partition an hour after the end, settled a lateness later, moves every partition's clock
        // past all due offlines
        Instant streamTime = start.plus(SIMULATED).plus(Duration.ofHours(1));
        sentinels = ClockSentinels.postAndSettle(stack.ingestPort(), PARTITIONS, streamTime, LATENESS).size();
        expected.accept(sent);
        expected.compute(streamTime);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyEventArrivedOnceAndNothingWasDeadLettered() {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Set<Long> routed = new HashSet<>();
            for (var category : io.fleetstream.schemas.catalog.EventCategory.values()) {
                for (EmnifyEvent e : reader.values(topics.category(category), EmnifyEvent.class)) {
                    assertThat(routed.add(e.getId())).as("event %d routed once", e.getId()).isTrue();
                }
            }
            assertThat(routed).hasSize(expected.distinctEvents() + sentinels);
        });
        List<DeadLetter> dead = reader.values(topics.deadLetters(), DeadLetter.class);
        assertThat(dead).as("dead letters: %s", dead.stream().map(DeadLetter::getReason).toList()).isEmpty();
        assertThat(reader.values(topics.raw(), EmnifyEvent.class)).hasSize(sent.size() + sentinels);
        assertThat(sent.size()).as("the simulator re-sent some events").isGreaterThan(expected.distinctEvents());
    }

    @Test
    void theSimulatedUsageRecordsArrivedOnTheirTrafficTypesTopic() {
        assertThat(usageSent).hasSizeGreaterThan(DEVICES);
        Set<Long> sentData = new HashSet<>();
        Set<Long> sentSms = new HashSet<>();
        usageSent.forEach(record -> (record.path("traffic_type").path("id").asInt() == 6 ? sentSms : sentData)
                .add(record.get("id").asLong()));
        assertThat(sentSms).as("the devices sent SMS").isNotEmpty();
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Set<Long> routedData = new HashSet<>();
            for (UsageRecord usage : reader.values(topics.usageData(), UsageRecord.class)) {
                assertThat(routedData.add(usage.getId())).as("usage record %d routed once", usage.getId()).isTrue();
            }
            Set<Long> routedSms = new HashSet<>();
            for (UsageRecord usage : reader.values(topics.usageSms(), UsageRecord.class)) {
                assertThat(routedSms.add(usage.getId())).as("usage record %d routed once", usage.getId()).isTrue();
            }
            assertThat(routedData).isEqualTo(sentData);
            assertThat(routedSms).isEqualTo(sentSms);
        });
    }

    @Test
    void everyDevicesFinalStateAndPresenceMatchTheRules() {
        Map<Long, FleetExpectation.Device> want = expected.devices();
        assertThat(want).hasSizeGreaterThan(DEVICES * 9 / 10);
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<Long, DeviceState> states = lastByKey(reader.values(topics.deviceState(), DeviceState.class));
            for (Map.Entry<Long, FleetExpectation.Device> entry : want.entrySet()) {
                DeviceState state = states.get(entry.getKey());
                FleetExpectation.Device d = entry.getValue();
                assertThat(state).as("device %d", entry.getKey()).isNotNull();
                assertThat(state.getLastEventId()).as("device %d last event", entry.getKey()).isEqualTo(d.lastEventId);
                assertThat(state.getStatus().name()).as("device %d status", entry.getKey()).isEqualTo(d.status);
                assertThat(state.getOnline()).as("device %d online", entry.getKey()).isEqualTo(d.online);
                assertThat(state.getOfflineDueAt()).as("device %d due", entry.getKey()).isEqualTo(d.due);
                assertThat(state.getSession() == null ? null : state.getSession().getSessionId())
                        .as("device %d session", entry.getKey()).isEqualTo(d.session);
                assertThat(state.getLastSession() == null ? null : state.getLastSession().getSessionId())
                        .as("device %d last session", entry.getKey()).isEqualTo(d.lastSession);
                assertThat(state.getSessions()).as("device %d sessions", entry.getKey()).isEqualTo(d.sessions);
                assertThat(state.getRejections()).as("device %d rejections", entry.getKey()).isEqualTo(d.rejections);
            }
        });

        Map<Long, List<FleetExpectation.Change>> presence = new HashMap<>();
        for (PresenceChange c : reader.values(topics.devicePresence(), PresenceChange.class)) {
            presence.computeIfAbsent(c.getEndpointId(), k -> new ArrayList<>())
                    .add(new FleetExpectation.Change(c.getTo().name(), c.getAt(), c.getReason().name()));
        }
        int offlineAfterWindow = 0;
        for (Map.Entry<Long, FleetExpectation.Device> entry : want.entrySet()) {
            assertThat(presence.getOrDefault(entry.getKey(), List.of())).as("presence of device %d", entry.getKey())
                    .isEqualTo(entry.getValue().presence);
            offlineAfterWindow += (int) entry.getValue().presence.stream().filter(c -> c.reason().equals("PDP_TIMEOUT")).count();
        }
        assertThat(offlineAfterWindow).as("devices went offline after the window").isGreaterThan(DEVICES / 2);
    }

    @Test
    void everyDevicesQuotasMatchTheirEvents() {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<Long, QuotaState> states = new HashMap<>();
            for (QuotaState q : reader.values(topics.quotaState(), QuotaState.class)) {
                states.put(q.getEndpointId(), q);
            }
            int withQuotaTraffic = 0;
            Map<String, Integer> seenStatuses = new HashMap<>();
            for (SimulatedDevice device : devices) {
                FleetExpectation.Quota[] want = expected.quota(device.endpointId());
                if (want == null || (want[0].status.equals("NONE") && want[1].status.equals("NONE"))) {
                    continue;
                }
                withQuotaTraffic++;
                QuotaState state = states.get(device.endpointId());
                assertThat(state).as("quota of device %d", device.endpointId()).isNotNull();
                compare(device.endpointId(), "data", state.getData(), want[0]);
                compare(device.endpointId(), "sms", state.getSms(), want[1]);
                seenStatuses.merge("data " + want[0].status, 1, Integer::sum);
                seenStatuses.merge("sms " + want[1].status, 1, Integer::sum);
            }
            assertThat(withQuotaTraffic).isGreaterThan(DEVICES / 2);
            assertThat(seenStatuses).containsKeys("data ACTIVE", "data EXHAUSTED");
        });
    }

    private static void compare(long endpointId, String kind, EndpointQuota actual, FleetExpectation.Quota want) {
        assertThat(actual.getStatus().name()).as("%s quota status of %d", kind, endpointId).isEqualTo(want.status);
        assertThat(actual.getThresholdReached()).as("%s threshold of %d", kind, endpointId).isEqualTo(want.thresholdReached);
        if (want.remaining != null) {
            assertThat(actual.getRemainingVolume()).as("%s remaining of %d", kind, endpointId).isEqualTo(want.remaining);
        }
    }

    private static Map<Long, DeviceState> lastByKey(List<DeviceState> states) {
        Map<Long, DeviceState> last = new HashMap<>();
        states.forEach(s -> last.put(s.getEndpointId(), s));
        return last;
    }
}
