package io.fleetstream.topology.incident;

import io.fleetstream.avro.AffectedDevice;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.IncidentKind;
import io.fleetstream.avro.IncidentStatus;
import io.fleetstream.avro.NetworkKind;
import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.avro.NetworkPresenceChange;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.IncidentRules;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.testing.PoisonValues;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class IncidentTopologyTest {

    /** Each device's events are sent in order and applied as they arrive (no lateness), as in DevicePresenceTopologyTest. */
    private static final TopologyConfig CONFIG = new TopologyConfig(Topics.withDefaultPrefix(),
            TopologyConfig.DEFAULT_DEDUPE_RETENTION, new DeviceTimers(Duration.ofMinutes(5), Duration.ZERO,
            Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofSeconds(5)))
            .withIncidents(IncidentRules.defaults());

    /** Germany: a small operator and a big one. */
    private static final VisitedOperator SMALL_DE = operator(3, "Vodafone", "Germany", "262", "02");
    private static final VisitedOperator BIG_DE = operator(9, "Telekom", "Germany", "262", "01");
    /** The United Kingdom: three operators of ten devices each. */
    private static final VisitedOperator[] UK = {operator(20, "EE", "United Kingdom", "234", "30"),
            operator(21, "O2", "United Kingdom", "234", "10"), operator(22, "Three", "United Kingdom", "234", "20")};

    @TempDir
    Path stateDir;
    private long nextEndpoint = 10_000;

    @Test
    void anOperatorOutageOpensOneIncidentAndResolvesItWhenTheDevicesComeBack() {
        try (Fleet f = new Fleet()) {
            List<TestEvents> small = f.online(SMALL_DE, 30, at(0));
            f.online(BIG_DE, 300, at(0)); // keeps Germany as a whole below the share
            List<TestEvents> down = small.subList(0, 25);
            for (int i = 0; i < down.size(); i++) {
                f.send(down.get(i).purge(at(10).plusSeconds(i * 5L))); // 25 devices in two minutes
            }

            List<FleetIncident> opened = f.written();
            assertThat(opened).singleElement().satisfies(i -> {
                assertThat(i.getStatus()).isEqualTo(IncidentStatus.OPEN);
                assertThat(i.getKind()).isEqualTo(IncidentKind.OPERATOR);
                assertThat(i.getGroup()).isEqualTo("operator:3");
                assertThat(i.getOperator()).isEqualTo("Vodafone");
                assertThat(i.getCountry()).isEqualTo("Germany");
                assertThat(i.getOpenedAt()).isEqualTo(at(10));
                // the 20th device met the rules (20 of 30 online just before); the rest joined it
                assertThat(i.getDetectedAt()).isEqualTo(at(10).plusSeconds(19 * 5L));
                assertThat(i.getIncidentId()).isEqualTo("operator:3@" + at(10));
            });
            FleetIncident stored = f.stored().get(0);
            assertThat(stored.getAffected()).isEqualTo(25);
            assertThat(stored.getDevicesOnlineBefore()).isEqualTo(30);
            assertThat(stored.getDevices()).extracting(AffectedDevice::getEndpointId)
                    .containsExactlyElementsOf(down.stream().map(TestEvents::endpointId).toList());

            // 80% of 25 is 20: the 20th device back resolves it
            for (int i = 0; i < 19; i++) {
                f.send(f.create(down.get(i), SMALL_DE, at(30).plusSeconds(i)));
            }
            assertThat(f.written()).isEmpty();
            f.send(f.create(down.get(19), SMALL_DE, at(31)));

            assertThat(f.written()).singleElement().satisfies(i -> {
                assertThat(i.getIncidentId()).isEqualTo("operator:3@" + at(10));
                assertThat(i.getStatus()).isEqualTo(IncidentStatus.RESOLVED);
                assertThat(i.getResolvedAt()).isEqualTo(at(31));
                assertThat(i.getAffected()).isEqualTo(25);
                assertThat(i.getRecovered()).isEqualTo(20);
            });
            assertThat(f.stored()).singleElement().satisfies(i -> assertThat(i.getStatus()).isEqualTo(IncidentStatus.RESOLVED));

            // the next devices back change nothing more
            f.send(f.create(down.get(20), SMALL_DE, at(32)));
            assertThat(f.written()).isEmpty();
        }
    }

    @Test
    void presenceRecordsThatDoNotDecodeAreDeadLetteredWithTheirBytesAndTheDetectorGoesOn() {
        try (Fleet f = new Fleet()) {
            TestInputTopic<byte[], byte[]> byNetwork = f.fixture.driver.createInputTopic(
                    f.fixture.topics.fleetPresenceByNetwork(), Serdes.ByteArray().serializer(),
                    Serdes.ByteArray().serializer());
            byte[] group = "operator:3".getBytes(StandardCharsets.UTF_8);
            byte[] notAvro = PoisonValues.notAvro();
            byte[] unknownSchema = PoisonValues.unknownSchema();
            byte[] otherSchema = PoisonValues.otherSchema(f.fixture.serdes);

            byNetwork.pipeInput(group, notAvro, T0);
            byNetwork.pipeInput(group, unknownSchema, T0);
            // a key that is not UTF-8 fails nothing either: the String deserializer replaces what it cannot read
            byNetwork.pipeInput(new byte[] {(byte) 0xff, (byte) 0xfe}, otherSchema, T0);
            // the feed never writes a tombstone: one here is not fleetstream's
            byNetwork.pipeInput(group, null, T0);

            List<DeadLetter> dead = f.fixture.deadLetters.readValuesToList();
            assertThat(dead).extracting(DeadLetter::getStage).containsOnly(IncidentTopology.DECODING_STAGE);
            assertThat(dead).extracting(DeadLetter::getTopic).containsOnly(f.fixture.topics.fleetPresenceByNetwork());
            assertThat(dead).extracting(d -> d.getOriginal().array())
                    .containsExactly(notAvro, unknownSchema, otherSchema, new byte[0]);
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(0L, 1L, 2L, 3L);
            assertThat(dead).extracting(DeadLetter::getKey)
                    .containsExactly("operator:3", "operator:3", "\uFFFD\uFFFD", "operator:3");
            assertThat(dead).extracting(DeadLetter::getReason)
                    .allSatisfy(r -> assertThat(r).startsWith("cannot decode network presence: "));
            assertThat(dead.get(0).getReason()).contains("unknown magic byte 0x7b");
            assertThat(dead.get(1).getReason()).contains("schema id " + PoisonValues.UNKNOWN_SCHEMA_ID);
            assertThat(dead.get(2).getReason()).contains("which NetworkPresence cannot read");
            assertThat(dead.get(3).getReason()).contains("no value")
                    .contains("fleetstream writes no tombstone to " + f.fixture.topics.fleetPresenceByNetwork());
            for (String reason : List.of("not_avro", "unknown_schema", "schema_mismatch", "no_value")) {
                assertThat(f.fixture.meters.get(DeadLetterSink.DEAD_LETTERS)
                        .tags(DeadLetterSink.STAGE_TAG, IncidentTopology.DECODING_STAGE, DeadLetterSink.REASON_TAG, reason)
                        .counter().count()).as(reason).isEqualTo(1.0);
            }

            // the task goes on: the presence changes the feed writes after them open an incident
            List<TestEvents> small = f.online(SMALL_DE, 30, at(0));
            for (TestEvents device : small.subList(0, 25)) {
                f.send(device.purge(at(10)));
            }
            assertThat(f.written("operator:3")).singleElement()
                    .satisfies(i -> assertThat(i.getStatus()).isEqualTo(IncidentStatus.OPEN));
            assertThat(f.fixture.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void aFewDevicesGoingOfflineIsADeviceFaultNotAnIncident() {
        try (Fleet f = new Fleet()) {
            List<TestEvents> small = f.online(SMALL_DE, 30, at(0));
            for (int i = 0; i < 5; i++) {
                f.send(small.get(i).purge(at(10).plusSeconds(i)));
            }
            assertThat(f.written()).isEmpty();
            assertThat(f.stored()).isEmpty();
        }
    }

    @Test
    void manyDevicesOfABigOperatorAreNotEnoughOfItsShare() {
        try (Fleet f = new Fleet()) {
            List<TestEvents> big = f.online(BIG_DE, 300, at(0));
            for (int i = 0; i < 25; i++) { // 25 of 300: 8%, below 10%
                f.send(big.get(i).purge(at(10).plusSeconds(i)));
            }
            assertThat(f.written()).isEmpty();
        }
    }

    @Test
    void devicesGoingOfflineSpreadOverMoreThanTheWindowOpenNothing() {
        try (Fleet f = new Fleet()) {
            List<TestEvents> small = f.online(SMALL_DE, 30, at(0));
            for (int i = 0; i < 25; i++) { // one every 30 s: never 20 within 5 minutes
                f.send(small.get(i).purge(at(10).plusSeconds(30L * i)));
            }
            assertThat(f.written()).isEmpty();
        }
    }

    @Test
    void devicesOfSeveralOperatorsOfACountryOpenACountryIncident() {
        try (Fleet f = new Fleet()) {
            List<TestEvents> down = new ArrayList<>();
            for (VisitedOperator operator : UK) {
                down.addAll(f.online(operator, 10, at(0)).subList(0, 7)); // 7 of each: no operator reaches 20
            }
            for (int i = 0; i < down.size(); i++) {
                f.send(down.get(i).purge(at(10).plusSeconds(i)));
            }
            assertThat(f.written()).singleElement().satisfies(i -> {
                assertThat(i.getKind()).isEqualTo(IncidentKind.COUNTRY);
                assertThat(i.getGroup()).isEqualTo("country:234");
                assertThat(i.getMcc()).isEqualTo("234");
                assertThat(i.getCountry()).isEqualTo("United Kingdom");
                assertThat(i.getOperatorId()).isNull();
                assertThat(i.getDevicesOnlineBefore()).isEqualTo(30);
            });
            assertThat(f.stored()).singleElement().satisfies(i -> assertThat(i.getAffected()).isEqualTo(21));
        }
    }

    /**
     * A device-state task tells the detectors it exists at its first record (with clock 0 when its clock has no value
     * yet), then its clock, every step of event time and at the punctuation after a presence change.
     */
    @Test
    void theDeviceStateTaskAnnouncesItselfThenItsClock() {
        try (Fleet f = new Fleet()) {
            // the first record: the task announces itself, with its clock (without lateness it has one at once)
            f.online(SMALL_DE, 1, at(0));
            assertThat(clocks(f)).singleElement().satisfies(c -> {
                assertThat(c.getGroup()).isEqualTo("clock:0");
                assertThat(c.getSourcePartition()).isZero();
                assertThat(c.getAt()).isEqualTo(at(0));
            });
            // a presence change 5 s later (less than a step): announced at the next punctuation, not before
            f.online(SMALL_DE, 1, at(0).plusSeconds(5));
            assertThat(clocks(f)).isEmpty();
            f.written();
            assertThat(clocks(f)).extracting(NetworkPresence::getAt).containsExactly(at(0).plusSeconds(5));
            // nothing changed since: nothing more until the clock moves a step
            f.written();
            assertThat(clocks(f)).isEmpty();
            f.online(SMALL_DE, 1, at(1));
            assertThat(clocks(f)).extracting(NetworkPresence::getAt).containsExactly(at(1));
        }
    }

    private static List<NetworkPresence> clocks(Fleet f) {
        return f.feed.readValuesToList().stream().filter(p -> p.getChange() == NetworkPresenceChange.CLOCK).toList();
    }

    @Test
    void theSameOfflinesInAnotherOrderOpenTheSameIncident() {
        List<FleetIncident> inOrder = outage(false);
        List<FleetIncident> shuffled = outage(true);
        assertThat(shuffled).hasSize(1);
        FleetIncident a = inOrder.get(0);
        FleetIncident b = shuffled.get(0);
        assertThat(b.getIncidentId()).isEqualTo(a.getIncidentId());
        assertThat(b.getOpenedAt()).isEqualTo(a.getOpenedAt());
        assertThat(b.getAffected()).isEqualTo(a.getAffected()).isEqualTo(25);
        assertThat(b.getDevices()).extracting(AffectedDevice::getEndpointId)
                .containsExactlyInAnyOrderElementsOf(a.getDevices().stream().map(AffectedDevice::getEndpointId).toList());
    }

    private List<FleetIncident> outage(boolean shuffle) {
        nextEndpoint = 10_000;
        try (Fleet f = new Fleet(stateDir.resolve(shuffle ? "shuffled" : "in-order"))) {
            List<TestEvents> small = f.online(SMALL_DE, 30, at(0));
            List<EmnifyEvent> purges = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                purges.add(small.get(i).purge(at(10).plusSeconds(i * 5L)));
            }
            if (shuffle) {
                Collections.shuffle(purges, new Random(7));
            }
            purges.forEach(f::send);
            return f.stored("operator:3");
        }
    }

    @Test
    void devicesBackOnlineOnAnotherOperatorResolveTheIncident() {
        try (Fleet f = new Fleet()) {
            List<TestEvents> small = f.online(SMALL_DE, 30, at(0));
            for (int i = 0; i < 25; i++) {
                f.send(small.get(i).purge(at(10).plusSeconds(i)));
            }
            assertThat(f.written("operator:3")).singleElement()
                    .satisfies(i -> assertThat(i.getStatus()).isEqualTo(IncidentStatus.OPEN));
            // they roam to the big operator: back online, just not on the failed network
            for (int i = 0; i < 20; i++) {
                f.send(f.create(small.get(i), BIG_DE, at(20).plusSeconds(i)));
            }
            assertThat(f.written("operator:3")).singleElement().satisfies(i -> {
                assertThat(i.getStatus()).isEqualTo(IncidentStatus.RESOLVED);
                assertThat(i.getRecovered()).isEqualTo(20);
                assertThat(i.getResolvedAt()).isEqualTo(at(20).plusSeconds(19));
            });
        }
    }

    @Test
    void aReplayedPresenceChangeCountsOnce() {
        try (Fleet f = new Fleet()) {
            List<TestEvents> small = f.online(SMALL_DE, 30, at(0));
            // 19 devices offline, and the 19th's offline delivered again (at-least-once): still 19, no incident
            for (int i = 0; i < 19; i++) {
                f.send(small.get(i).purge(at(10).plusSeconds(i)));
            }
            TestInputTopic<String, NetworkPresence> byNetwork = f.fixture.driver.createInputTopic(
                    f.fixture.topics.fleetPresenceByNetwork(), Serdes.String().serializer(),
                    f.fixture.serdes.forValue(NetworkPresence.class).serializer());
            NetworkPresence replay = f.lastFeed("operator:3");
            byNetwork.pipeInput(replay.getGroup(), replay);
            byNetwork.pipeInput(replay.getGroup(), replay);
            assertThat(f.written()).isEmpty();

            f.send(small.get(19).purge(at(10).plusSeconds(19)));
            assertThat(f.written("operator:3")).singleElement()
                    .satisfies(i -> assertThat(i.getDevicesOnlineBefore()).isEqualTo(30));
        }
    }

    @Test
    void aDeviceThatMovedToAnotherOperatorNoLongerCountsForTheOldOne() {
        try (Fleet f = new Fleet()) {
            List<TestEvents> small = f.online(SMALL_DE, 30, at(0));
            // 10 devices roam to the big operator while online: a new session there, no presence change
            for (int i = 0; i < 10; i++) {
                f.send(f.create(small.get(i), BIG_DE, at(2)));
            }
            // they go offline on the big operator, where they were never counted online: they leave the small one,
            // which is not an outage there
            for (int i = 0; i < 10; i++) {
                f.send(small.get(i).purge(at(10)));
            }
            assertThat(f.written()).isEmpty();
            for (int i = 10; i < 30; i++) {
                f.send(small.get(i).purge(at(11)));
            }
            assertThat(f.written("operator:3")).singleElement()
                    .satisfies(i -> assertThat(i.getDevicesOnlineBefore()).isEqualTo(20));
            assertThat(f.stored("operator:3").get(0).getDevices()).extracting(AffectedDevice::getEndpointId)
                    .doesNotContainAnyElementsOf(small.subList(0, 10).stream().map(TestEvents::endpointId).toList());
        }
    }

    /**
     * Two device-state tasks whose presence changes reach the detector one task after the other, as tasks that run
     * minutes of event time apart do: each device's offline comes right before its online ten minutes later, so in
     * arrival order no moment has more than a few devices offline. Applied in event-time order up to the tasks'
     * watermarks, the thirty offlines are one outage, and the onlines resolve it.
     */
    @Test
    void changesOfTwoTasksInterleavedMinutesApartAreAppliedInEventTimeOrder() {
        try (Fleet f = new Fleet()) {
            TestInputTopic<String, NetworkPresence> byNetwork = f.fixture.driver.createInputTopic(
                    f.fixture.topics.fleetPresenceByNetwork(), Serdes.String().serializer(),
                    f.fixture.serdes.forValue(NetworkPresence.class).serializer());
            // both tasks announce themselves when they start
            byNetwork.pipeInput("clock:0", clock(0, at(0).minusSeconds(1)));
            byNetwork.pipeInput("clock:1", clock(1, at(0).minusSeconds(1)));
            for (int source = 0; source < 2; source++) {
                for (int i = 0; i < 15; i++) {
                    byNetwork.pipeInput("operator:3", change(source, 20_000 + source * 100 + i,
                            NetworkPresenceChange.ONLINE, at(0)));
                }
            }
            for (int source = 0; source < 2; source++) {
                for (int i = 0; i < 15; i++) {
                    long endpoint = 20_000 + source * 100 + i;
                    byNetwork.pipeInput("operator:3", change(source, endpoint, NetworkPresenceChange.OFFLINE,
                            at(10).plusSeconds(source * 15 + i)));
                    byNetwork.pipeInput("operator:3", change(source, endpoint, NetworkPresenceChange.ONLINE,
                            at(20).plusSeconds(source * 15 + i)));
                }
                byNetwork.pipeInput("clock:" + source, clock(source, at(30)));
                if (source == 0) {
                    // task 1 has not got this far: nothing of task 0's is applied yet
                    assertThat(f.written()).isEmpty();
                }
            }

            List<FleetIncident> written = f.written();
            assertThat(written).extracting(FleetIncident::getStatus)
                    .containsExactly(IncidentStatus.OPEN, IncidentStatus.RESOLVED);
            FleetIncident resolved = written.get(1);
            assertThat(resolved.getOpenedAt()).isEqualTo(at(10));
            // the 20th offline in event time met the rules (20 of 30 online just before)
            assertThat(written.get(0).getDetectedAt()).isEqualTo(at(10).plusSeconds(19));
            assertThat(resolved.getAffected()).isEqualTo(30);
            assertThat(resolved.getDevicesOnlineBefore()).isEqualTo(30);
            // 80% of 30: the 24th device back, in event-time order
            assertThat(resolved.getResolvedAt()).isEqualTo(at(20).plusSeconds(23));
        }
    }

    private static NetworkPresence clock(int source, Instant upTo) {
        return NetworkPresence.newBuilder().setGroup("clock:" + source).setKind(NetworkKind.OPERATOR).setEndpointId(0)
                .setChange(NetworkPresenceChange.CLOCK).setAt(upTo).setSourcePartition(source).build();
    }

    private static NetworkPresence change(int source, long endpoint, NetworkPresenceChange change, Instant at) {
        return NetworkPresence.newBuilder().setGroup("operator:3").setKind(NetworkKind.OPERATOR).setOperatorId(3L)
                .setOperator("Vodafone").setCountry("Germany").setMcc("262").setEndpointId(endpoint).setChange(change)
                .setAt(at).setSourcePartition(source).build();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static VisitedOperator operator(long id, String name, String country, String mcc, String mnc) {
        return VisitedOperator.newBuilder().setId(id).setName(name).setCountryName(country).setMcc(mcc).setMnc(mnc)
                .build();
    }

    /** The topology with its incident topic and store. */
    private final class Fleet implements AutoCloseable {
        final TopologyFixture fixture;
        final TestOutputTopic<String, FleetIncident> incidents;
        final TestOutputTopic<String, NetworkPresence> feed;

        Fleet() {
            this(stateDir);
        }

        Fleet(Path dir) {
            fixture = new TopologyFixture(CONFIG, dir, T0);
            incidents = fixture.driver.createOutputTopic(fixture.topics.fleetIncidents(), Serdes.String().deserializer(),
                    fixture.serdes.forValue(FleetIncident.class).deserializer());
            feed = fixture.driver.createOutputTopic(fixture.topics.fleetPresenceByNetwork(),
                    Serdes.String().deserializer(), fixture.serdes.forValue(NetworkPresence.class).deserializer());
        }

        /** {@code n} new devices that come online on the operator. */
        List<TestEvents> online(VisitedOperator operator, int n, Instant at) {
            List<TestEvents> devices = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                TestEvents device = new TestEvents(nextEndpoint++);
                send(create(device, operator, at));
                devices.add(device);
            }
            return devices;
        }

        EmnifyEvent create(TestEvents device, VisitedOperator operator, Instant at) {
            return device.base(3, "Create PDP Context", 0, at).setOperator(operator)
                    .setPdp(PdpSession.newBuilder().setSessionId("s-" + at.toEpochMilli()).setApn("em").setRatType(6)
                            .setTunnelCreated(at).build())
                    .build();
        }

        void send(EmnifyEvent event) {
            fixture.send(event);
        }

        /**
         * What the incident topic got since the last read, after a punctuation: the device-state task announces its
         * clock after presence changes (else only every {@code PROGRESS_STEP_MS} of event time), and the detector
         * applies what it buffered up to it.
         */
        List<FleetIncident> written() {
            fixture.driver.advanceWallClockTime(CONFIG.deviceTimers().punctuationInterval());
            return incidents.readValuesToList();
        }

        NetworkPresence lastFeed(String group) {
            List<KeyValue<String, NetworkPresence>> all = feed.readKeyValuesToList();
            NetworkPresence last = null;
            for (KeyValue<String, NetworkPresence> kv : all) {
                if (kv.key.equals(group)) {
                    last = kv.value;
                }
            }
            return last;
        }

        /** What the incident topic got of one group since the last read; the rest of what it got is dropped. */
        List<FleetIncident> written(String group) {
            return written().stream().filter(i -> i.getGroup().equals(group)).toList();
        }

        List<FleetIncident> stored(String group) {
            return stored().stream().filter(i -> i.getGroup().equals(group)).toList();
        }

        List<FleetIncident> stored() {
            fixture.driver.advanceWallClockTime(CONFIG.deviceTimers().punctuationInterval());
            KeyValueStore<String, FleetIncident> store = fixture.driver.getKeyValueStore(IncidentTopology.STORE);
            List<FleetIncident> found = new ArrayList<>();
            try (KeyValueIterator<String, FleetIncident> it = store.all()) {
                it.forEachRemaining(kv -> found.add(kv.value));
            }
            return found;
        }

        @Override
        public void close() {
            fixture.close();
        }
    }
}
