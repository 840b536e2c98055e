package io.fleetstream.topology.usage;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.UsageOperator;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TestUsage;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage per session (joined to the device state's sessions by {@code session_id}) and per operator and UTC day,
 * through the real topology, on hand-computed sums.
 */
class SessionAndOperatorUsageTopologyTest {

    private static final long DEVICE = 4242;
    private static final long OTHER = 4343;
    private static final Instant DAY = Instant.parse("2025-03-01T00:00:00Z");
    private static final UsageOperator VODAFONE = new UsageOperator(3L, "Vodafone", "02", null);
    private static final UsageOperator TELEKOM = new UsageOperator(4L, "Telekom", "01", null);

    @TempDir
    Path stateDir;
    private TopologyFixture fixture;
    private TestInputTopic<String, UsageRecord> usageRaw;
    private final TestEvents device = new TestEvents(DEVICE);

    @BeforeEach
    void start() {
        // in order: no reorder buffer, so the device state has each event as soon as it is sent
        TopologyConfig config = TopologyConfig.defaults(Topics.withDefaultPrefix())
                .withDeviceTimers(DeviceTimers.defaults().withLateness(Duration.ZERO));
        fixture = new TopologyFixture(config, stateDir, DAY.plus(Duration.ofDays(3)), new InMemorySchemaRegistry());
        usageRaw = fixture.driver.createInputTopic(fixture.topics.usageRaw(), Serdes.String().serializer(),
                fixture.serdes.forValue(UsageRecord.class).serializer());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void send(UsageRecord usage) {
        usageRaw.pipeInput(EventKeys.keyOf(usage), usage, usage.getReceivedAt());
    }

    private static Instant at(String time) {
        return Instant.parse("2025-03-01T" + time + "Z");
    }

    private static UsageRecord data(long id, long endpointId, String session, UsageOperator operator, Instant end,
                                    String currency, String cost, String total, String rx, String tx) {
        return UsageRecord.newBuilder(TestUsage.data(id, endpointId, end, currency, cost, total, rx, tx))
                .setSessionId(session).setOperator(operator).build();
    }

    private DeviceState state() {
        KeyValueStore<String, DeviceState> states = fixture.driver.getKeyValueStore(DeviceStateProcessor.STATE_STORE);
        return states.get(EventKeys.ofEndpoint(DEVICE));
    }

    private WindowStore<Bytes, byte[]> sessions() {
        return fixture.driver.getWindowStore(SessionUsageProcessor.STORE);
    }

    /** A session's usage per currency as counts and decimals in plain notation. */
    private static List<String> totals(UsageBucket bucket) {
        return bucket.totals().stream().map(t -> t.currency() + " records=" + t.records() + " sms=" + t.sms()
                + " mb=" + plain(t.volumeTotal()) + "/" + plain(t.volumeRx()) + "/" + plain(t.volumeTx())
                + " cost=" + plain(t.cost())).toList();
    }

    private static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    @Test
    void usageIsJoinedToTheOpenSessionSoFarAndToTheClosedSessionInFull() {
        fixture.send(device.createPdp(at("10:00:00"), "s-1"));
        send(data(1, DEVICE, "s-1", VODAFONE, at("10:15:00"), "EUR", "0.00188512", "0.219933", "0.172848", "0.047085"));
        send(data(2, DEVICE, "s-1", VODAFONE, at("10:30:00"), "EUR", "0.0000000001", "1.000001", "0.5", "0.500001"));
        // another device's usage in a session of the same name is not this device's
        send(data(3, OTHER, "s-1", VODAFONE, at("10:20:00"), "EUR", "9", "9", "9", "0"));

        String open = state().getSession().getSessionId();
        SessionUsage soFar = SessionLedger.session(sessions(), DEVICE, open).orElseThrow();

        assertThat(open).isEqualTo("s-1");
        assertThat(totals(soFar.usage())).containsExactly("EUR records=2 sms=0 mb=1.219934/0.672848/0.547086 cost=0.0018851201");
        assertThat(soFar.firstStart()).isEqualTo(at("10:14:15"));
        assertThat(soFar.lastEnd()).isEqualTo(at("10:30:00"));
        assertThat(soFar.operatorId()).isEqualTo(3L);
        assertThat(soFar.operatorName()).isEqualTo("Vodafone");

        fixture.send(device.deletePdp(at("11:00:00"), "s-1", at("10:00:00"), 1.0, 1.0));
        // the session's last interval is reported after it ended, and an SMS is part of it too
        send(data(4, DEVICE, "s-1", VODAFONE, at("10:59:30"), "EUR", "0.5", "2", "1", "1"));
        send(UsageRecord.newBuilder(TestUsage.sms(5, DEVICE, at("10:45:00"), "EUR", "0.09")).setSessionId("s-1")
                .setOperator(VODAFONE).build());
        fixture.send(device.createPdp(at("11:05:00"), "s-2"));
        send(data(6, DEVICE, "s-2", TELEKOM, at("11:10:00"), "EUR", "0.7", "3", "2", "1"));

        DeviceState after = state();
        SessionUsage closed = SessionLedger.session(sessions(), DEVICE, after.getLastSession().getSessionId()).orElseThrow();
        SessionUsage next = SessionLedger.session(sessions(), DEVICE, after.getSession().getSessionId()).orElseThrow();

        assertThat(after.getLastSession().getSessionId()).isEqualTo("s-1");
        // 0.219933 + 1.000001 + 2 + 0; 0.00188512 + 0.0000000001 + 0.5 + 0.09
        assertThat(totals(closed.usage())).containsExactly("EUR records=4 sms=1 mb=3.219934/1.672848/1.547086 cost=0.5918851201");
        assertThat(closed.lastEnd()).isEqualTo(at("10:59:30"));
        assertThat(totals(next.usage())).containsExactly("EUR records=1 sms=0 mb=3/2/1 cost=0.7");
        assertThat(next.operatorName()).isEqualTo("Telekom");
    }

    @Test
    void theLedgerListsTheSessionsWhoseRecordsMeetTheRangeInTheirOrder() {
        send(data(1, DEVICE, "b", VODAFONE, at("12:00:00"), "EUR", "1", "1", "1", "0"));
        send(data(2, DEVICE, "a", VODAFONE, at("09:00:00"), "EUR", "2", "2", "2", "0"));
        send(data(3, DEVICE, "a", VODAFONE, at("10:00:00"), "USD", "3", "3", "3", "0"));
        send(data(4, OTHER, "c", VODAFONE, at("10:00:00"), "EUR", "4", "4", "4", "0"));
        // a record without a session id belongs to no session
        send(UsageRecord.newBuilder(TestUsage.data(5, DEVICE, at("10:00:00"), "EUR", "5", "5", "5", "0")).setSessionId(null)
                .build());

        List<SessionUsage> all = SessionLedger.sessions(sessions(), DEVICE, DAY, DAY.plus(Duration.ofDays(1)));
        List<SessionUsage> morning = SessionLedger.sessions(sessions(), DEVICE, at("09:30:00"), at("11:59:15"));

        assertThat(all).extracting(SessionUsage::sessionId).containsExactly("a", "b");
        assertThat(totals(all.get(0).usage())).containsExactly("EUR records=1 sms=0 mb=2/2/0 cost=2",
                "USD records=1 sms=0 mb=3/3/0 cost=3");
        // "a" spans 08:59:15-10:00; "b" starts at 11:59:15, the range's (exclusive) end
        assertThat(morning).extracting(SessionUsage::sessionId).containsExactly("a");
        assertThat(SessionLedger.sessions(sessions(), OTHER, DAY, DAY.plus(Duration.ofDays(1))))
                .extracting(SessionUsage::sessionId).containsExactly("c");
    }

    @Test
    void dailyTotalsPerOperatorSplitAtMidnightUtcAndAddUpExactly() {
        send(data(1, DEVICE, "s", VODAFONE, at("23:59:59.999"), "EUR", "0.00188512", "0.219933", "0.172848", "0.047085"));
        send(data(2, OTHER, "t", VODAFONE, at("23:10:00"), "EUR", "0.0000000001", "1.000001", "0.5", "0.500001"));
        send(data(3, DEVICE, "s", VODAFONE, Instant.parse("2025-03-02T00:00:00Z"), "EUR", "0.7", "3", "2", "1"));
        send(data(4, OTHER, "t", TELEKOM, at("12:00:00"), "USD", "1.25", "0.000001", "0.000001", "0"));
        send(data(5, OTHER, "t", null, at("13:00:00"), "EUR", "0.1", "1", "1", "0"));

        WindowStore<String, byte[]> store = fixture.driver.getWindowStore(OperatorUsageProcessor.STORE);
        long day1 = DAY.toEpochMilli();
        long day2 = DAY.plus(Duration.ofDays(1)).toEpochMilli();

        OperatorDay vodafone1 = OperatorDay.decode(store.fetch("3", day1));
        assertThat(vodafone1.operatorName()).isEqualTo("Vodafone");
        assertThat(totals(vodafone1.usage())).containsExactly("EUR records=2 sms=0 mb=1.219934/0.672848/0.547086 cost=0.0018851201");
        assertThat(totals(OperatorDay.decode(store.fetch("3", day2)).usage())).containsExactly("EUR records=1 sms=0 mb=3/2/1 cost=0.7");
        assertThat(totals(OperatorDay.decode(store.fetch("4", day1)).usage()))
                .containsExactly("USD records=1 sms=0 mb=0.000001/0.000001/0 cost=1.25");
        assertThat(store.fetch("4", day2)).isNull();
        OperatorDay unknown = OperatorDay.decode(store.fetch(OperatorUsageProcessor.NO_OPERATOR, day1));
        assertThat(unknown.operatorName()).isNull();
        assertThat(totals(unknown.usage())).containsExactly("EUR records=1 sms=0 mb=1/1/0 cost=0.1");
    }
}
