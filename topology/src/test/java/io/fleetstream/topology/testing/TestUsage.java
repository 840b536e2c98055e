package io.fleetstream.topology.testing;

import io.fleetstream.avro.Currency;
import io.fleetstream.avro.TrafficType;
import io.fleetstream.avro.UsageEndpoint;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.avro.UsageVolume;

import java.math.BigDecimal;
import java.time.Instant;

/** Usage records for tests: cost and volumes given as decimal strings, at the schema's scales (10 and 6). */
public final class TestUsage {

    private TestUsage() {
    }

    public static UsageRecord data(long id, long endpointId, Instant end, String currency, String cost, String total,
                                   String rx, String tx) {
        return base(id, 5, "Data", endpointId, end, currency, cost)
                .setVolume(new UsageVolume(mb(total), mb(rx), mb(tx)))
                .build();
    }

    public static UsageRecord sms(long id, long endpointId, Instant end, String currency, String cost) {
        return base(id, 6, "SMS", endpointId, end, currency, cost).build();
    }

    public static UsageRecord.Builder base(long id, int trafficType, String description, long endpointId, Instant end,
                                           String currency, String cost) {
        return UsageRecord.newBuilder()
                .setId(id)
                .setTrafficType(new TrafficType(trafficType, description))
                .setStartTimestamp(end.minusSeconds(45))
                .setEndTimestamp(end)
                .setEndpoint(new UsageEndpoint(endpointId, "dev-" + endpointId, null, null, null))
                .setCurrency(new Currency(1L, currency, null))
                .setCost(new BigDecimal(cost).setScale(10))
                .setSessionId("session-" + endpointId)
                .setSource("STREAMER")
                .setReceivedAt(end.plusSeconds(1));
    }

    private static BigDecimal mb(String value) {
        return new BigDecimal(value).setScale(6);
    }
}
