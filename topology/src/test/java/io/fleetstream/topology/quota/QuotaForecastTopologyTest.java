package io.fleetstream.topology.quota;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.QuotaAlert;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.topology.QuotaForecasting;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.deadletter.PoisonKind;
import io.fleetstream.topology.testing.PoisonValues;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TestUsage;
import io.fleetstream.topology.testing.TopologyFixture;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The quota run-out forecast through the real topology: quota events → quota state → its topic → the forecast, and
 * data usage records → the burn. A steady burn of 10 MB/h in records of 2.5 MB each covering 15 minutes, against a
 * quota assigned at T0, so every figure is computed by hand.
 */
class QuotaForecastTopologyTest {

    private static final long DEVICE = 5101;
    private static final Duration QUARTER = Duration.ofMinutes(15);

    @TempDir
    Path stateDir;
    private final TestEvents device = new TestEvents(DEVICE, 77);
    private TopologyFixture fixture;
    private TestInputTopic<String, UsageRecord> usageRaw;
    private TestOutputTopic<String, QuotaAlert> alerts;
    private long usageIds = 700_000;

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void start(Duration horizon) {
        TopologyConfig config = TopologyConfig.defaults(Topics.withDefaultPrefix())
                .withForecasting(new QuotaForecasting(horizon, Duration.ofHours(6)));
        fixture = new TopologyFixture(config, stateDir, T0);
        usageRaw = fixture.driver.createInputTopic(fixture.topics.usageRaw(), Serdes.String().serializer(),
                fixture.serdes.forValue(UsageRecord.class).serializer());
        alerts = fixture.driver.createOutputTopic(fixture.topics.quotaAlerts(), Serdes.String().deserializer(),
                fixture.serdes.forValue(QuotaAlert.class).deserializer());
    }

    private static QuotaDetail assignment(double volume) {
        return QuotaDetail.newBuilder().setStatusId(1).setVolume(volume).setLastVolumeAdded(volume)
                .setEndpointQuotaId(31L).setActionOnExhaustionId(1).build();
    }

    /** The k-th quarter hour of data after T0 (k from 1): 2.5 MB over [T0 + (k-1)·15 min, T0 + k·15 min]. */
    private UsageRecord quarter(int k) {
        Instant end = T0.plus(QUARTER.multipliedBy(k));
        return TestUsage.base(++usageIds, 5, "Data", DEVICE, end, "EUR", "0.01")
                .setStartTimestamp(end.minus(QUARTER))
                .setVolume(new io.fleetstream.avro.UsageVolume(mb("2.5"), mb("1.5"), mb("1")))
                .build();
    }

    private static BigDecimal mb(String value) {
        return new BigDecimal(value).setScale(6);
    }

    private void send(UsageRecord usage) {
        usageRaw.pipeInput(EventKeys.keyOf(usage), usage, usage.getReceivedAt());
    }

    private void burnQuarters(int fromK, int toK) {
        for (int k = fromK; k <= toK; k++) {
            send(quarter(k));
        }
    }

    private QuotaForecast forecast() {
        KeyValueStore<String, byte[]> store = fixture.driver.getKeyValueStore(QuotaForecastProcessor.STORE);
        byte[] stored = store.get(device.key());
        return stored == null ? null : QuotaBurn.decode(stored).forecast();
    }

    @Test
    void aSteadyBurnGivesTheHandComputedRateAndExhaustionTime() {
        start(Duration.ofHours(24));
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 4);

        // 4 records × 2.5 MB over T0..T0+1h: 10 MB/h; 100 − 10 = 90 MB left, 9 h after T0+1h
        QuotaForecast f = forecast();
        assertThat(f.burnRateMbPerHour()).isCloseTo(10.0, within(1e-9));
        assertThat(f.remainingNowMb()).isCloseTo(90.0, within(1e-9));
        assertThat(f.projectedExhaustionAt()).isEqualTo(T0.plus(Duration.ofHours(10)));
        assertThat(f.records()).isEqualTo(4);
        assertThat(f.from()).isEqualTo(T0);
        assertThat(f.until()).isEqualTo(T0.plus(Duration.ofHours(1)));

        // 8 h later the 6 h window holds 24 records, 60 MB over 6 h; 100 − 80 = 20 MB left, 2 h after T0+8h
        burnQuarters(5, 32);
        f = forecast();
        assertThat(f.records()).isEqualTo(24);
        assertThat(f.from()).isEqualTo(T0.plus(Duration.ofHours(2)));
        assertThat(f.burnRateMbPerHour()).isCloseTo(10.0, within(1e-9));
        assertThat(f.remainingNowMb()).isCloseTo(20.0, within(1e-9));
        assertThat(f.projectedExhaustionAt()).isEqualTo(T0.plus(Duration.ofHours(10)));
    }

    @Test
    void tooFewRecordsOrTooShortASpanGiveNoRate() {
        start(Duration.ofHours(24));
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 2);

        QuotaForecast f = forecast();
        assertThat(f.burnRateMbPerHour()).isNull();
        assertThat(f.projectedExhaustionAt()).isNull();
        assertThat(f.remainingNowMb()).isCloseTo(95.0, within(1e-9));
        assertThat(f.note()).contains("fewer than 3");
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void anAlertWhenTheProjectionEntersTheHorizonExactlyOnce() {
        start(Duration.ofHours(6));
        fixture.send(device.quota(56, T0, assignment(100)));
        // exhaustion stays at T0+10h: inside 6 h from the record ending at T0+4h (the 16th), not before
        burnQuarters(1, 15);
        assertThat(alerts.isEmpty()).isTrue();
        burnQuarters(16, 24);

        List<KeyValue<String, QuotaAlert>> written = alerts.readKeyValuesToList();
        assertThat(written).hasSize(1);
        assertThat(written.get(0).key).isEqualTo(device.key());
        QuotaAlert alert = written.get(0).value;
        assertThat(alert.getEndpointId()).isEqualTo(DEVICE);
        assertThat(alert.getOrganisationId()).isEqualTo(77L);
        assertThat(alert.getEndpointQuotaId()).isEqualTo(31L);
        assertThat(alert.getAssignedAt()).isEqualTo(T0);
        assertThat(alert.getUsageEndTimestamp()).isEqualTo(T0.plus(Duration.ofHours(4)));
        assertThat(alert.getUsageRecordId()).isEqualTo(quarterId(16));
        assertThat(alert.getRemainingVolume()).isEqualTo(100.0);
        assertThat(alert.getRemainingNowMb()).isCloseTo(60.0, within(1e-9));
        assertThat(alert.getBurnRateMbPerHour()).isCloseTo(10.0, within(1e-9));
        assertThat(alert.getProjectedExhaustionAt()).isEqualTo(T0.plus(Duration.ofHours(10)));
        assertThat(alert.getHorizonSeconds()).isEqualTo(6 * 3600);
        assertThat(alert.getBasedOnRecords()).isEqualTo(16);
        assertThat(alert.getBasedOnFrom()).isEqualTo(T0);
        assertThat(alert.getBasedOnUntil()).isEqualTo(T0.plus(Duration.ofHours(4)));
        assertThat(fixture.meters.get(QuotaForecastTopology.ALERTS).counter().count()).isEqualTo(1.0);
    }

    /** The id {@link #quarter} gave the k-th record of the test (the first test record is k = 1). */
    private static long quarterId(int k) {
        return 700_000 + k;
    }

    @Test
    void aNewAssignmentReArmsTheAlert() {
        start(Duration.ofHours(6));
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 16);
        assertThat(alerts.readValuesToList()).hasSize(1);

        // topped up at T0+4h to 100 MB again: 10 h away, then inside 6 h from T0+8h on
        fixture.send(device.quota(56, T0.plus(Duration.ofHours(4)), assignment(100)));
        burnQuarters(17, 31);
        assertThat(alerts.isEmpty()).isTrue();
        burnQuarters(32, 33);
        List<QuotaAlert> written = alerts.readValuesToList();
        assertThat(written).hasSize(1);
        assertThat(written.get(0).getAssignedAt()).isEqualTo(T0.plus(Duration.ofHours(4)));
        assertThat(written.get(0).getUsageEndTimestamp()).isEqualTo(T0.plus(Duration.ofHours(8)));
        assertThat(written.get(0).getProjectedExhaustionAt()).isEqualTo(T0.plus(Duration.ofHours(14)));
    }

    @Test
    void noAlertWhileExhaustionIsFarAway() {
        start(Duration.ofHours(24));
        fixture.send(device.quota(56, T0, assignment(1000)));
        burnQuarters(1, 24);

        QuotaForecast f = forecast();
        assertThat(f.remainingNowMb()).isCloseTo(940.0, within(1e-9));
        assertThat(f.projectedExhaustionAt()).isEqualTo(T0.plus(Duration.ofHours(100)));
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void aThresholdEventResetsTheRemainingVolumeAndUsageCountsFromIt() {
        start(Duration.ofHours(1));
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 8);
        // emnify meters 58 MB left at T0+2h (we counted 80): its figure wins, and only usage after it is taken off
        fixture.send(device.quota(18, T0.plus(Duration.ofHours(2)), QuotaDetail.newBuilder().setVolume(58.0).build()));
        burnQuarters(9, 10);

        QuotaForecast f = forecast();
        assertThat(f.remainingNowMb()).isCloseTo(53.0, within(1e-9));
        assertThat(f.burnRateMbPerHour()).isCloseTo(10.0, within(1e-9));
        // 53 MB at 10 MB/h after T0+2h30: 5 h 18 min
        assertThat(f.projectedExhaustionAt()).isEqualTo(T0.plus(Duration.ofMinutes(150 + 318)));
    }

    @Test
    void aQuotaEventArrivingAfterTheUsageThatFollowedItCountsThatUsage() {
        start(Duration.ofHours(1));
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 10);
        fixture.send(device.quota(18, T0.plus(Duration.ofHours(2)), QuotaDetail.newBuilder().setVolume(58.0).build()));

        assertThat(forecast().remainingNowMb()).isCloseTo(53.0, within(1e-9));
    }

    @Test
    void anExhaustedQuotaClearsTheForecastAndUsageWithoutAQuotaKeepsNone() {
        start(Duration.ofHours(24));
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 8);
        assertThat(forecast()).isNotNull();

        fixture.send(device.quota(19, T0.plus(Duration.ofHours(2)), QuotaDetail.newBuilder().setVolume(0.0).build()));
        assertThat(forecast()).isNull();
        burnQuarters(9, 12);
        assertThat(forecast()).isNull();
        // the alert of the first 8 records (inside 24 h from the 3rd on), and none after
        assertThat(alerts.readValuesToList()).hasSize(1);
    }

    @Test
    void aQuotaThatExpiresBeforeItRunsOutIsNotAlerted() {
        start(Duration.ofHours(24));
        Instant expiry = T0.plus(Duration.ofHours(8));
        fixture.send(device.quota(56, T0, QuotaDetail.newBuilder(assignment(100)).setExpiry(expiry).build()));
        burnQuarters(1, 8);

        QuotaForecast f = forecast();
        assertThat(f.projectedExhaustionAt()).isEqualTo(T0.plus(Duration.ofHours(10)));
        assertThat(f.expiry()).isEqualTo(expiry);
        assertThat(f.note()).isEqualTo("the quota expires at 2025-03-01T18:00:00Z, before it runs out at this rate");
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void smsAndOtherDevicesDoNotBurnTheQuota() {
        start(Duration.ofHours(24));
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 4);
        send(TestUsage.sms(++usageIds, DEVICE, T0.plus(Duration.ofMinutes(61)), "EUR", "0.09"));
        send(TestUsage.data(++usageIds, DEVICE + 1, T0.plus(Duration.ofMinutes(61)), "EUR", "0.1", "50", "25", "25"));

        QuotaForecast f = forecast();
        assertThat(f.records()).isEqualTo(4);
        assertThat(f.remainingNowMb()).isCloseTo(90.0, within(1e-9));
    }

    private TestInputTopic<byte[], byte[]> quotaStateBytes() {
        return fixture.driver.createInputTopic(fixture.topics.quotaState(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
    }

    private double deadLetters(PoisonKind kind) {
        Counter counter = fixture.meters.find(DeadLetterSink.DEAD_LETTERS).tags(DeadLetterSink.STAGE_TAG,
                QuotaForecastTopology.DECODING_STAGE, DeadLetterSink.REASON_TAG, kind.tag()).counter();
        return counter == null ? -1 : counter.count();
    }

    @Test
    void quotaStatesThatDoNotDecodeAreDeadLetteredWithTheirBytesAndTheForecastGoesOn() {
        start(Duration.ofHours(24));
        TestInputTopic<byte[], byte[]> quotaStates = quotaStateBytes();
        byte[] key = device.key().getBytes(StandardCharsets.UTF_8);
        byte[] notAvro = PoisonValues.notAvro();
        byte[] unknownSchema = PoisonValues.unknownSchema();
        byte[] otherSchema = PoisonValues.otherSchema(fixture.serdes);

        quotaStates.pipeInput(key, notAvro, T0);
        // a key that is not UTF-8 fails nothing either: the String deserializer replaces what it cannot read
        quotaStates.pipeInput(new byte[] {(byte) 0xff, (byte) 0xfe}, unknownSchema, T0);
        quotaStates.pipeInput(key, otherSchema, T0);

        List<DeadLetter> dead = fixture.deadLetters.readValuesToList();
        assertThat(dead).extracting(DeadLetter::getStage).containsOnly(QuotaForecastTopology.DECODING_STAGE);
        assertThat(dead).extracting(DeadLetter::getTopic).containsOnly(fixture.topics.quotaState());
        assertThat(dead).extracting(d -> d.getOriginal().array()).containsExactly(notAvro, unknownSchema, otherSchema);
        assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(0L, 1L, 2L);
        assertThat(dead).extracting(DeadLetter::getKey).containsExactly(device.key(), "\uFFFD\uFFFD", device.key());
        assertThat(dead).extracting(DeadLetter::getReason).allSatisfy(r -> assertThat(r).startsWith("cannot decode quota state: "));
        assertThat(dead.get(0).getReason()).contains("unknown magic byte 0x7b");
        assertThat(dead.get(1).getReason()).contains("schema id " + PoisonValues.UNKNOWN_SCHEMA_ID);
        assertThat(dead.get(2).getReason()).contains("which QuotaState cannot read");
        assertThat(deadLetters(PoisonKind.NOT_AVRO)).isEqualTo(1.0);
        assertThat(deadLetters(PoisonKind.UNKNOWN_SCHEMA)).isEqualTo(1.0);
        assertThat(deadLetters(PoisonKind.SCHEMA_MISMATCH)).isEqualTo(1.0);
        assertThat(deadLetters(PoisonKind.NO_VALUE)).as("a tombstone is a delete here, never a dead letter").isEqualTo(-1);

        // the task goes on: the quota state written after them is read, and the forecast made
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 4);
        assertThat(forecast().burnRateMbPerHour()).isCloseTo(10.0, within(1e-9));
        assertThat(forecast().remainingNowMb()).isCloseTo(90.0, within(1e-9));
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aTombstoneOnTheCompactedQuotaStatesForgetsTheForecastAsADeletedQuotaDoes() {
        start(Duration.ofHours(24));
        fixture.send(device.quota(56, T0, assignment(100)));
        burnQuarters(1, 4);
        assertThat(forecast()).isNotNull();

        quotaStateBytes().pipeInput(device.key().getBytes(StandardCharsets.UTF_8), null, T0.plus(Duration.ofHours(1)));

        assertThat(forecast()).isNull();
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
        // usage without a quota keeps no forecast; the next assignment starts one again
        burnQuarters(5, 8);
        assertThat(forecast()).isNull();
        fixture.send(device.quota(56, T0.plus(Duration.ofHours(2)), assignment(100)));
        burnQuarters(9, 12);
        assertThat(forecast().records()).isEqualTo(4);
        assertThat(forecast().burnRateMbPerHour()).isCloseTo(10.0, within(1e-9));
    }
}
