package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.testing.TestUsage;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage totals per device and hour through the real topology, on hand-computed sums. */
class UsageTotalsTopologyTest {

    private static final long DEVICE = 4242;
    private static final long OTHER = 4343;
    private static final Instant DAY = Instant.parse("2025-03-01T00:00:00Z");

    @TempDir
    Path stateDir;
    private TopologyFixture fixture;
    private TestInputTopic<String, UsageRecord> usageRaw;

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(TopologyConfig.defaults(Topics.withDefaultPrefix()), stateDir, DAY.plusSeconds(3 * 86_400),
                new InMemorySchemaRegistry());
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

    /** The device's stored hours: hour start → totals per currency. */
    private Map<Instant, List<UsageTotals>> hours(long endpointId) {
        WindowStore<Long, byte[]> store = fixture.driver.getWindowStore(UsageTotalsProcessor.STORE);
        Map<Instant, List<UsageTotals>> hours = new LinkedHashMap<>();
        try (WindowStoreIterator<byte[]> it = store.fetch(endpointId, DAY.minusSeconds(86_400), DAY.plusSeconds(3 * 86_400))) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> hour = it.next();
                hours.put(Instant.ofEpochMilli(hour.key), new ArrayList<>(UsageBucket.decode(hour.value).totals()));
            }
        }
        return hours;
    }

    /** The totals of one stored hour, each as currency, counts and decimals in plain notation. */
    private List<String> hour(long endpointId, Instant start) {
        return hours(endpointId).get(start).stream().map(t -> t.currency() + " records=" + t.records() + " sms=" + t.sms()
                + " mb=" + plain(t.volumeTotal()) + "/" + plain(t.volumeRx()) + "/" + plain(t.volumeTx())
                + " cost=" + plain(t.cost())).toList();
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    @Test
    void recordsLandInTheHourOfTheirEndTimestampSummedExactlyPerCurrency() {
        send(TestUsage.data(1, DEVICE, at("10:15:00"), "EUR", "0.00188512", "0.219933", "0.172848", "0.047085"));
        send(TestUsage.data(2, DEVICE, at("10:59:59.999"), "EUR", "0.0000000001", "1.000001", "0.5", "0.500001"));
        send(TestUsage.sms(3, DEVICE, at("11:00:00"), "EUR", "0.09"));
        send(TestUsage.data(4, DEVICE, at("23:30:00"), "USD", "1.25", "0.000001", "0.000001", "0"));
        send(TestUsage.data(5, DEVICE, at("23:45:00"), "EUR", "0.5", "2", "1", "1"));
        send(TestUsage.data(6, DEVICE, Instant.parse("2025-03-02T00:00:00Z"), "EUR", "0.7", "3", "2", "1"));
        send(TestUsage.data(7, OTHER, at("10:20:00"), "EUR", "9", "9", "9", "0"));

        Map<Instant, List<UsageTotals>> hours = hours(DEVICE);

        assertThat(hours.keySet()).containsExactly(at("10:00:00"), at("11:00:00"), at("23:00:00"),
                Instant.parse("2025-03-02T00:00:00Z"));
        assertThat(hour(DEVICE, at("10:00:00"))).containsExactly("EUR records=2 sms=0 mb=1.219934/0.672848/0.547086 cost=0.0018851201");
        assertThat(hours.get(at("10:00:00")).get(0).cost()).isEqualTo(new BigDecimal("0.0018851201"));
        assertThat(hour(DEVICE, at("11:00:00"))).containsExactly("EUR records=1 sms=1 mb=0/0/0 cost=0.09");
        assertThat(hour(DEVICE, at("23:00:00"))).containsExactly("EUR records=1 sms=0 mb=2/1/1 cost=0.5",
                        "USD records=1 sms=0 mb=0.000001/0.000001/0 cost=1.25");
        assertThat(hour(DEVICE, Instant.parse("2025-03-02T00:00:00Z")))
                .containsExactly("EUR records=1 sms=0 mb=3/2/1 cost=0.7");
        assertThat(hour(OTHER, at("10:00:00"))).containsExactly("EUR records=1 sms=0 mb=9/9/0 cost=9");
    }

    @Test
    void aDuplicateRecordIsCountedOnce() {
        UsageRecord record = TestUsage.data(1, DEVICE, at("10:15:00"), "EUR", "0.00188512", "0.219933", "0.172848", "0.047085");
        send(record);
        send(UsageRecord.newBuilder(record).setReceivedAt(record.getReceivedAt().plusSeconds(30)).build());

        List<UsageTotals> hour = hours(DEVICE).get(at("10:00:00"));

        assertThat(hour).hasSize(1);
        assertThat(hour.get(0).records()).isEqualTo(1);
        assertThat(hour.get(0).cost()).isEqualByComparingTo("0.00188512");
        assertThat(hour.get(0).volumeTotal()).isEqualByComparingTo("0.219933");
    }

    @Test
    void aRecordOfAnUnroutedTrafficTypeIsNotCounted() {
        send(TestUsage.base(8, 9, "Voice", DEVICE, at("10:15:00"), "EUR", "0.2").build());
        send(TestUsage.sms(9, DEVICE, at("10:16:00"), "EUR", "0.09"));

        List<UsageTotals> hour = hours(DEVICE).get(at("10:00:00"));

        assertThat(hour).hasSize(1);
        assertThat(hour.get(0).records()).isEqualTo(1);
        assertThat(hour.get(0).cost()).isEqualByComparingTo("0.09");
    }
}
