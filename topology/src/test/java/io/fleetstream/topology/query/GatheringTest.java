package io.fleetstream.topology.query;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.topology.history.HistoryOrder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Merging the parts gathered from partitions and instances. */
class GatheringTest {

    private static EventSlice.Listed event(long time, long id) {
        return new EventSlice.Listed(time, id, "{\"id\":" + id + ",\"timestamp\":\"" + java.time.Instant.ofEpochMilli(time) + "\"}");
    }

    @Test
    void eventPartsMergeIntoTheFirstOfAllInOrderWithTheirTotalsSummed() {
        EventSlice a = new EventSlice(10, List.of(event(900, 9), event(500, 5), event(100, 1)));
        EventSlice b = new EventSlice(4, List.of(event(800, 8), event(500, 6), event(200, 2)));

        EventSlice merged = EventSlice.merge(List.of(a, b), HistoryOrder.NEWEST_FIRST, 4);

        assertThat(merged.total()).isEqualTo(14);
        assertThat(merged.events()).extracting(EventSlice.Listed::id).containsExactly(9L, 8L, 6L, 5L);
        assertThat(merged.slice(2, 5).events()).extracting(EventSlice.Listed::id).containsExactly(6L, 5L);
        assertThat(merged.slice(4, 5).events()).isEmpty();
        assertThat(EventSlice.merge(List.of(a, b), HistoryOrder.ID_ASCENDING, 2).events())
                .extracting(EventSlice.Listed::id).containsExactly(1L, 2L);
    }

    @Test
    void anEventPartReadsBackExactlyAsWritten() {
        String json = "[{\"id\":7,\"timestamp\":\"2025-03-01T10:00:00.000Z\",\"detail\":{\"volume\":20.0,\"tiny\":1.0E-4}}]";
        EventSlice part = EventSlice.fromJson(json.getBytes(StandardCharsets.UTF_8), 3);

        assertThat(part.total()).isEqualTo(3);
        assertThat(part.events()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(7);
            assertThat(e.timeMillis()).isEqualTo(java.time.Instant.parse("2025-03-01T10:00:00Z").toEpochMilli());
        });
        assertThat(JsonItems.text(part.toJson())).isEqualTo(json);
    }

    @Test
    void devicePartsMergeByKeyAndSayWhetherMoreFollow() {
        DevicePage a = new DevicePage(List.of(listed("100"), listed("300")), true);
        DevicePage b = new DevicePage(List.of(listed("200")), false);

        DevicePage first = DevicePage.merge(List.of(a, b), 2);
        assertThat(first.devices()).extracting(DevicePage.Listed::key).containsExactly("100", "200");
        assertThat(first.more()).isTrue();
        assertThat(first.toJson().get("next_cursor").asText()).isEqualTo(DeviceQuery.encodeCursor("200"));

        DevicePage all = DevicePage.merge(List.of(new DevicePage(List.of(listed("100")), false), b), 5);
        assertThat(all.more()).isFalse();
        assertThat(all.toJson().get("next_cursor").isNull()).isTrue();

        DevicePage read = DevicePage.fromJson(JsonItems.text(first.toJson()).getBytes(StandardCharsets.UTF_8));
        assertThat(read).isEqualTo(first);
    }

    private static DevicePage.Listed listed(String key) {
        return new DevicePage.Listed(key, "{\"endpoint_id\":" + key + ",\"volume\":2.0}");
    }

    @Test
    void summariesOfDisjointPartitionsAddUpAndSurviveTheirJson() {
        FleetSummary a = new FleetSummary();
        a.countDevice(DeviceState.newBuilder().setEndpointId(1).setStatus(ConnectivityStatus.ONLINE).setOnline(true).build());
        a.countDevice(DeviceState.newBuilder().setEndpointId(2).setStatus(ConnectivityStatus.ATTACHED).setOnline(false).build());
        a.countQuota(quota(QuotaStatus.ACTIVE, QuotaStatus.NONE));
        a.countPartition();
        FleetSummary b = new FleetSummary();
        b.countDevice(DeviceState.newBuilder().setEndpointId(3).setStatus(ConnectivityStatus.ONLINE).setOnline(true).build());
        b.countQuota(quota(QuotaStatus.EXHAUSTED, QuotaStatus.ACTIVE));
        b.countPartition();

        FleetSummary total = new FleetSummary().add(FleetSummary.fromJson(a.toJson())).add(FleetSummary.fromJson(b.toJson()));

        assertThat(total.devices()).isEqualTo(3);
        assertThat(total.online()).isEqualTo(2);
        assertThat(total.devicesWith(ConnectivityStatus.ONLINE)).isEqualTo(2);
        assertThat(total.devicesWith(ConnectivityStatus.BLOCKED)).isZero();
        assertThat(total.dataQuotasWith(QuotaStatus.ACTIVE)).isEqualTo(1);
        assertThat(total.dataQuotasWith(QuotaStatus.EXHAUSTED)).isEqualTo(1);
        assertThat(total.smsQuotasWith(QuotaStatus.NONE)).isEqualTo(1);
        assertThat(total.partitions()).isEqualTo(2);
        assertThat(total.toJson().get("quotas").get("endpoints").asInt()).isEqualTo(2);
    }

    private static QuotaState quota(QuotaStatus data, QuotaStatus sms) {
        return QuotaState.newBuilder().setEndpointId(1)
                .setData(EndpointQuota.newBuilder().setStatus(data).build())
                .setSms(EndpointQuota.newBuilder().setStatus(sms).build())
                .build();
    }
}
