package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.emnify.UsageRecordReader;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's SMS usage records (traffic type 6): one per SMS a device sends, in the shape of a usage
 * record, and for devices with an SMS quota exactly the SMS that the quota's threshold and used-up events
 * report, and none while the device has no active SMS quota.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmsUsageRecordsTest {

    private static final Instant START = Instant.parse("2024-05-01T00:00:00Z");
    private static final Duration RUN = Duration.ofHours(6);

    private TrafficGenerator generator;
    private List<ObservedEvent> events;
    /** Endpoint id → the times (epoch millis) of its SMS records, in order. */
    private final Map<Long, List<Long>> smsByDevice = new HashMap<>();
    private final List<ObjectNode> smsRecords = new ArrayList<>();
    private int dataRecords;

    @BeforeAll
    void simulateSixHoursOfTwoHundredDevices() {
        generator = new TrafficGenerator(TrafficProfile.of(200, 21, START).withDriftFraction(0).withDuplicateFraction(0), true);
        List<ObjectNode> all = new ArrayList<>();
        List<ObjectNode> usage = new ArrayList<>();
        for (Instant now = START; !now.isAfter(START.plus(RUN)); now = now.plus(Duration.ofMinutes(3))) {
            all.addAll(generator.advanceTo(now));
            usage.addAll(generator.usageUpTo(now));
        }
        events = ObservedEvent.firstOccurrences(all);
        for (ObjectNode record : usage) {
            if (record.path("traffic_type").path("id").asInt() == 6) {
                smsRecords.add(record);
                smsByDevice.computeIfAbsent(record.path("endpoint").path("id").asLong(), key -> new ArrayList<>())
                        .add(Instant.parse(record.get("end_timestamp").asText()).toEpochMilli());
            } else {
                dataRecords++;
            }
        }
    }

    @Test
    void anSmsRecordIsOneMessageSentByTheDeviceAtTheOperatorsSmsRate() throws Exception {
        assertThat(smsRecords).hasSizeGreaterThan(500);
        assertThat(dataRecords).as("SMS are a modest part of the usage").isGreaterThan(smsRecords.size());
        Map<Long, SimulatedDevice> devices = new HashMap<>();
        generator.devices().forEach(device -> devices.put(device.endpointId(), device));
        UsageRecordReader reader = new UsageRecordReader();
        for (ObjectNode json : smsRecords) {
            ReadResult<UsageRecord> result = reader.read(Json.mapper().readTree(json.toString()), IngestSource.SIMULATOR, START);
            assertThat(result).as("%s", json).isInstanceOf(ReadResult.Accepted.class);
            UsageRecord record = ((ReadResult.Accepted<UsageRecord>) result).record();
            SimulatedDevice device = devices.get(record.getEndpoint().getId());
            assertThat(device).isNotNull();
            assertThat(record.getTrafficType().getId()).isEqualTo(6);
            assertThat(record.getTrafficType().getDescription()).isEqualTo("SMS");
            assertThat(record.getVolume().getTotal()).isEqualByComparingTo(BigDecimal.ONE);
            assertThat(record.getVolume().getRx()).as("sent, not received").isEqualByComparingTo(BigDecimal.ZERO);
            assertThat(record.getVolume().getTx()).isEqualByComparingTo(BigDecimal.ONE);
            assertThat(record.getStartTimestamp()).isEqualTo(record.getEndTimestamp());
            assertThat(record.getSessionId()).as("an SMS is not part of a data session").isNull();
            assertThat(json.has("session_id")).isFalse();
            assertThat(record.getCost()).isEqualByComparingTo(StreamerUsage.smsRate(device.network()));
            assertThat(record.getCurrency().getCode()).isEqualTo("EUR");
            assertThat(record.getImsi()).isEqualTo(device.imsi().imsi());
            assertThat(record.getSim().getIccid()).isEqualTo(device.sim().iccid());
            assertThat(record.getOrganisation().getId()).isEqualTo(device.organisation().id());
            assertThat(record.getOperator().getId()).isEqualTo(device.network().id());
        }
    }

    @Test
    void devicesWithoutAnSmsQuotaSendAnSmsNowAndThen() {
        for (SimulatedDevice device : generator.devices()) {
            if (!device.smsQuotaManaged()) {
                // one every 30 minutes to 6 hours on average, at least 15 minutes apart
                assertThat(smsByDevice.getOrDefault(device.endpointId(), List.of())).as("device %d", device.endpointId())
                        .hasSizeBetween(1, 25);
            }
        }
    }

    @Test
    void aDeviceWithAnSmsQuotaSendsTheSmsItsThresholdAndUsedUpEventsCountAndNoneWithoutAnActiveQuota() {
        Map<String, List<ObservedEvent>> byDevice = ObservedEvent.byDevice(events);
        int thresholds = 0;
        int usedUp = 0;
        for (SimulatedDevice device : generator.devices()) {
            if (!device.smsQuotaManaged()) {
                continue;
            }
            List<Long> sms = smsByDevice.getOrDefault(device.endpointId(), List.of());
            boolean active = false;
            BigDecimal volume = null;
            long since = START.toEpochMilli() - 1;
            for (ObservedEvent event : byDevice.getOrDefault(device.recordKey(), List.of())) {
                long at = event.time().toEpochMilli();
                switch (event.type()) {
                    case 58 -> {
                        assertThat(sentBetween(sms, since, at)).as("device %s: no SMS without an active quota", device.name())
                                .isZero();
                        active = true;
                        since = at;
                        volume = ObservedEvent.decimal(event.json().get("detail").get("quota").get("volume"));
                    }
                    case 20 -> {
                        BigDecimal remaining = ObservedEvent.decimal(event.json().get("detail").get("quota").get("volume"));
                        assertThat(BigDecimal.valueOf(sentBetween(sms, since, at))).as("device %s: SMS to the threshold", device.name())
                                .isEqualByComparingTo(volume.subtract(remaining));
                        thresholds++;
                    }
                    case 21 -> {
                        assertThat(BigDecimal.valueOf(sentBetween(sms, since, at))).as("device %s: SMS to used up", device.name())
                                .isEqualByComparingTo(volume);
                        active = false;
                        since = at;
                        usedUp++;
                    }
                    case 59, 61 -> {
                        assertThat(BigDecimal.valueOf(sentBetween(sms, since, at))).isLessThanOrEqualTo(volume);
                        active = false;
                        since = at;
                    }
                    default -> {
                    }
                }
            }
            long end = START.plus(RUN).toEpochMilli();
            if (active) {
                assertThat(BigDecimal.valueOf(sentBetween(sms, since, end))).isLessThanOrEqualTo(volume);
            } else {
                assertThat(sentBetween(sms, since, end)).as("device %s: no SMS without an active quota", device.name()).isZero();
            }
        }
        assertThat(thresholds).isGreaterThan(20);
        assertThat(usedUp).isGreaterThan(10);
    }

    /** SMS sent in {@code (after, until]}. */
    private static long sentBetween(List<Long> sms, long after, long until) {
        return sms.stream().filter(at -> at > after && at <= until).count();
    }
}
