package io.fleetstream.topology.device;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For random fleets and random deliveries of the same events — arrival times, batch sizes, one source
 * or two interleaved on one partition, reorderings within the lateness bound, a restart at a random
 * point, punctuations at random wall-clock instants — every device's presence changes and final state
 * are those of a plain in-order reference model ({@link Reference}, written here from emnify's rules,
 * not from the state machine), and the final state is the state machine's applied in order.
 */
class PresenceDeliveryPropertyTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(5);
    private static final Duration LATENESS = Duration.ofSeconds(30);
    private static final Duration ALLOWANCE = Duration.ofMinutes(2);
    /**
     * Sources never go idle within a run here: which source holds a partition's clock when one falls silent is a
     * rule of its own (EventTimeTopologyTest); this property is about how events arrive from sources that deliver.
     */
    private static final Duration SOURCE_IDLE = Duration.ofDays(1);
    private static final TopologyConfig CONFIG = TopologyConfig.defaults(Topics.withDefaultPrefix())
            .withDeviceTimers(new DeviceTimers(WINDOW, LATENESS, ALLOWANCE, SOURCE_IDLE, Duration.ofSeconds(5)));

    @Property(tries = 25, shrinking = ShrinkingMode.OFF)
    void presenceAndFinalStateAreAFunctionOfTheEventsAlone(@ForAll("scenarios") Scenario scenario) throws IOException {
        Map<Long, List<String>> expectedPresence = Reference.presence(scenario.events());
        Map<Long, DeviceState> expectedStates = inOrderStates(scenario.events());

        Run run = deliver(scenario);

        assertThat(run.presence()).as("presence per device, %s", scenario).isEqualTo(expectedPresence);
        assertThat(run.states()).as("final state per device, %s", scenario).isEqualTo(expectedStates);
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.longs().map(Scenario::generate);
    }

    // ---------------------------------------------------------------- the topology under test

    private record Run(Map<Long, List<String>> presence, Map<Long, DeviceState> states) {
    }

    private static Run deliver(Scenario scenario) throws IOException {
        Path root = Files.createTempDirectory("presence-property");
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        Map<Long, List<String>> presence = new TreeMap<>();
        Map<Long, DeviceState> states = new TreeMap<>();
        int generation = 0;
        Path dir = root.resolve("run-" + generation);
        Instant wallClock = scenario.wallClockStart();
        TopologyFixture f = new TopologyFixture(CONFIG, dir, wallClock, registry);
        try {
            for (int i = 0; i < scenario.batches().size(); i++) {
                Batch batch = scenario.batches().get(i);
                for (EmnifyEvent event : batch.events()) {
                    f.send(event);
                }
                f.driver.advanceWallClockTime(batch.wallClockAfter());
                wallClock = wallClock.plus(batch.wallClockAfter());
                collect(f, presence);
                if (i == scenario.restartAfterBatch()) {
                    Path next = root.resolve("run-" + ++generation);
                    TopologyFixture.copyStateDirectory(dir, next);
                    f.close();
                    dir = next;
                    f = new TopologyFixture(CONFIG, dir, wallClock, registry);
                }
            }
            // then nothing arrives any more: once idle for the allowance, the wall clock fires what is due
            // (the driver punctuates once per advance; the first one after a restart only starts the idle count)
            for (int i = 0; i < 2; i++) {
                f.driver.advanceWallClockTime(ALLOWANCE.plusSeconds(10));
            }
            collect(f, presence);
            try (var all = f.driver.<String, DeviceState>getKeyValueStore(DeviceStateProcessor.STATE_STORE).all()) {
                all.forEachRemaining(kv -> states.put(Long.parseLong(kv.key), kv.value));
            }
        } finally {
            f.close();
            deleteTree(root);
        }
        return new Run(presence, states);
    }

    private static void collect(TopologyFixture f, Map<Long, List<String>> presence) {
        for (TestRecord<String, PresenceChange> r : f.presence.readRecordsToList()) {
            presence.computeIfAbsent(Long.parseLong(r.key()), k -> new ArrayList<>()).add(Reference.describe(r.value()));
        }
    }

    private static Map<Long, DeviceState> inOrderStates(List<EmnifyEvent> events) {
        DeviceStateMachine machine = new DeviceStateMachine(WINDOW);
        Map<Long, DeviceState> states = new TreeMap<>();
        events.stream().sorted(Scenario.EVENT_ORDER).filter(DeviceStateMachine::isRelevant).forEach(e -> {
            long device = e.getEndpoint().getId();
            states.put(device, machine.apply(states.get(device), e).state());
        });
        states.replaceAll((device, state) -> machine.expire(state, Instant.MAX).state());
        return states;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    // ---------------------------------------------------------------- the reference model

    /**
     * emnify's presence rules, applied to each device's events sorted by (event time, id): an accepted
     * Create PDP Context goes online; a Delete PDP Context of the open session starts the offline window,
     * and the device goes offline at its end unless an accepted create comes first (one at the very end
     * still counts, while any other connectivity event at that instant comes after the window); Purge location
     * and emnify's Device offline go offline at once. Only connectivity events count.
     */
    static final class Reference {

        /** Create/Delete PDP Context, (GPRS) location updates and purges, Endpoint blocked, Device offline. */
        private static final java.util.Set<Integer> CONNECTIVITY = java.util.Set.of(1, 2, 3, 5, 11, 15, 16, 49);

        private Reference() {
        }

        static String describe(PresenceChange c) {
            return c.getTo() + "@" + c.getAt() + "/" + c.getReason();
        }

        static Map<Long, List<String>> presence(List<EmnifyEvent> events) {
            Map<Long, List<EmnifyEvent>> byDevice = new TreeMap<>();
            events.stream().sorted(Scenario.EVENT_ORDER).filter(e -> e.getEndpoint() != null)
                    .forEach(e -> byDevice.computeIfAbsent(e.getEndpoint().getId(), k -> new ArrayList<>()).add(e));
            Map<Long, List<String>> presence = new TreeMap<>();
            byDevice.forEach((device, own) -> {
                List<String> changes = device(own);
                if (!changes.isEmpty()) {
                    presence.put(device, changes);
                }
            });
            return presence;
        }

        private static List<String> device(List<EmnifyEvent> events) {
            List<String> changes = new ArrayList<>();
            boolean online = false;
            String session = null;
            Instant due = null;
            for (EmnifyEvent e : events) {
                int type = e.getEventType().getId();
                if (!CONNECTIVITY.contains(type)) {
                    continue; // a quota or generic event says nothing about the device's sessions, even at the due time
                }
                Instant at = e.getTimestamp();
                boolean acceptedCreate = type == 3 && e.getEventSource().getId() == 0;
                if (due != null && (due.isBefore(at) || (due.equals(at) && !acceptedCreate))) {
                    if (online) {
                        changes.add("OFFLINE@" + due + "/PDP_TIMEOUT");
                        online = false;
                    }
                    due = null;
                }
                switch (type) {
                    case 3 -> {
                        if (acceptedCreate) {
                            session = e.getPdp().getSessionId();
                            due = null;
                            if (!online) {
                                changes.add("ONLINE@" + at + "/PDP_CREATED");
                                online = true;
                            }
                        }
                    }
                    case 5 -> {
                        if (session != null && session.equals(e.getPdp().getSessionId())) {
                            session = null;
                            due = at.plus(WINDOW);
                        }
                    }
                    case 15, 16 -> {
                        session = null;
                        due = null;
                        if (online) {
                            changes.add("OFFLINE@" + at + "/PURGED");
                            online = false;
                        }
                    }
                    case 49 -> {
                        due = null;
                        if (online) {
                            changes.add("OFFLINE@" + at + "/PLATFORM");
                            online = false;
                        }
                    }
                    default -> {
                        // location updates, blocking, other events: no presence change
                    }
                }
            }
            if (due != null && online) {
                changes.add("OFFLINE@" + due + "/PDP_TIMEOUT");
            }
            return changes;
        }
    }

    // ---------------------------------------------------------------- fleets and deliveries

    record Batch(List<EmnifyEvent> events, Duration wallClockAfter) {
    }

    /**
     * One fleet's events (in the order they happened) and one way of delivering them.
     *
     * @param restartAfterBatch the batch after which the instance restarts from its state directory, or -1
     */
    record Scenario(long seed, List<EmnifyEvent> events, List<Batch> batches, Instant wallClockStart,
                    int restartAfterBatch, String shape) {

        static final Comparator<EmnifyEvent> EVENT_ORDER = Comparator.comparing(EmnifyEvent::getTimestamp)
                .thenComparingLong(EmnifyEvent::getId);

        @Override
        public String toString() {
            return "seed " + seed + ": " + events.size() + " events in " + batches.size() + " batches, " + shape
                    + (restartAfterBatch >= 0 ? ", restart after batch " + restartAfterBatch : "");
        }

        static Scenario generate(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            List<EmnifyEvent> events = new ArrayList<>();
            int devices = 1 + random.nextInt(6);
            for (int d = 0; d < devices; d++) {
                events.addAll(deviceHistory(new TestEvents(5000 + d), random));
            }
            Instant last = events.stream().map(EmnifyEvent::getTimestamp).max(Comparator.naturalOrder()).orElseThrow();

            // sources: all by one, each device by one of two, or each event by either
            int sourcing = random.nextInt(3);
            Map<Long, IngestSource> deviceSource = new HashMap<>();
            Map<IngestSource, List<EmnifyEvent>> streams = new LinkedHashMap<>();
            streams.put(IngestSource.STREAMER, new ArrayList<>());
            streams.put(IngestSource.API, new ArrayList<>());
            for (EmnifyEvent e : events) {
                IngestSource source = switch (sourcing) {
                    case 0 -> IngestSource.STREAMER;
                    case 1 -> deviceSource.computeIfAbsent(e.getEndpoint().getId(),
                            k -> random.nextBoolean() ? IngestSource.STREAMER : IngestSource.API);
                    default -> random.nextBoolean() ? IngestSource.STREAMER : IngestSource.API;
                };
                streams.get(source).add(e);
            }
            // each source delivers at its own pace (live, or a catch-up up to 1000 times faster), from the same
            // moment on; some events arrive late, up to (not including) the lateness bound after their natural
            // arrival, so after events that happened later, however much later
            Instant first = events.stream().map(EmnifyEvent::getTimestamp).min(Comparator.naturalOrder()).orElseThrow();
            Instant wallClockStart = last.plus(Duration.ofHours(1));
            long origin = wallClockStart.toEpochMilli();
            double reorder = random.nextDouble();
            record Arrival(long at, EmnifyEvent event, IngestSource source) {
            }
            List<Arrival> arrivals = new ArrayList<>();
            StringBuilder paces = new StringBuilder();
            TestEvents unrelated = new TestEvents(4999);
            for (Map.Entry<IngestSource, List<EmnifyEvent>> stream : streams.entrySet()) {
                if (stream.getValue().isEmpty()) {
                    continue;
                }
                // a source holds a partition's clock back once it delivered there: each one is live from the start
                arrivals.add(new Arrival(origin, unrelated.ofType(0, first), stream.getKey()));
                long speed = new long[] {1, 30, 1000}[random.nextInt(3)];
                paces.append(' ').append(stream.getKey()).append(" x").append(speed);
                for (EmnifyEvent e : stream.getValue()) {
                    long natural = origin + (e.getTimestamp().toEpochMilli() - first.toEpochMilli()) / speed;
                    long late = random.nextDouble() < reorder ? random.nextLong(LATENESS.toMillis()) : 0;
                    arrivals.add(new Arrival(natural + late, e, stream.getKey()));
                }
            }
            arrivals.sort(Comparator.comparingLong(Arrival::at).thenComparing(Arrival::event, EVENT_ORDER));

            // batches between which the wall clock moves (never by the lateness) and a restart may fall
            int maxBatch = 1 + random.nextInt(60);
            List<Batch> batches = new ArrayList<>();
            for (int i = 0; i < arrivals.size(); ) {
                int size = Math.min(arrivals.size() - i, 1 + random.nextInt(maxBatch));
                List<EmnifyEvent> batch = new ArrayList<>(size);
                for (Arrival a : arrivals.subList(i, i + size)) {
                    batch.add(EmnifyEvent.newBuilder(a.event())
                            .setIngest(new IngestMetadata(a.source(), Instant.ofEpochMilli(a.at()))).build());
                }
                i += size;
                // a pause of a lateness or more would tell the processor that the sources delivered all they had
                batches.add(new Batch(batch, Duration.ofMillis(random.nextLong(LATENESS.toMillis() - 5_000))));
            }
            int restart = random.nextBoolean() ? random.nextInt(batches.size()) : -1;
            String shape = (sourcing == 0 ? "one source" : sourcing == 1 ? "two sources by device" : "two sources by event")
                    + String.format(",%s, %.0f%% late, batches up to %d", paces, reorder * 100, maxBatch);
            return new Scenario(seed, List.copyOf(events), batches, wallClockStart, restart, shape);
        }

        /** One device's life: sessions, reconnects at the edge of the window, rejections, purges, blocks. */
        private static List<EmnifyEvent> deviceHistory(TestEvents device, SplittableRandom random) {
            List<EmnifyEvent> events = new ArrayList<>();
            Instant at = T0.plusSeconds(random.nextInt(120));
            String open = null;
            Instant openedAt = null;
            int sessions = 0;
            int count = 3 + random.nextInt(18);
            for (int i = 0; i < count; i++) {
                at = at.plus(gap(random));
                int action = random.nextInt(100);
                if (action < 30 || (action < 55 && open == null)) {
                    open = device.endpointId() + "-s" + ++sessions;
                    openedAt = at;
                    events.add(device.createPdp(at, open));
                } else if (action < 55) {
                    events.add(device.deletePdp(at, open, openedAt, 1.5, 0.5));
                    open = null;
                } else if (action < 58) {
                    events.add(device.deletePdp(at, device.endpointId() + "-other", at, 0, 0));
                } else if (action < 63) {
                    events.add(device.rejectedCreate(at));
                } else if (action < 75) {
                    events.add(random.nextBoolean() ? device.updateLocation(at) : device.updateGprsLocation(at));
                } else if (action < 80) {
                    events.add(random.nextBoolean() ? device.purge(at) : device.purgeGprs(at));
                    open = null;
                } else if (action < 84) {
                    events.add(device.deviceOffline(at));
                } else if (action < 87) {
                    events.add(device.blocked(at));
                } else {
                    events.add(device.ofType(random.nextBoolean() ? 0 : 20, at)); // not a connectivity event
                }
            }
            return events;
        }

        /** Often across the edge of the offline window, sometimes exactly on it or at the same instant. */
        private static Duration gap(SplittableRandom random) {
            int kind = random.nextInt(10);
            return switch (kind) {
                case 0 -> Duration.ZERO;
                case 1, 2, 3 -> Duration.ofSeconds(1 + random.nextInt(30));
                case 4, 5, 6 -> WINDOW.minusSeconds(10).plusSeconds(random.nextInt(21));
                case 7 -> WINDOW;
                default -> Duration.ofMinutes(6 + random.nextInt(15));
            };
        }
    }
}
