package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageRecord;
import io.fleetstream.avro.UsageVolume;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;

/**
 * Keeps every device's usage per hour: each deduplicated usage record of a routed traffic type (5 Data, 6 SMS) is
 * added to the bucket of its device and of the hour its {@code end_timestamp} falls in (UTC), per currency, in
 * {@value #STORE}. Records without an endpoint have no device to count for and are left out (they are still routed).
 *
 * <p>The store is a persistent window store of one-hour windows, logged to its changelog, with the history retention:
 * Kafka Streams drops whole segments once they are older than the retention (measured from the latest hour the task
 * has stored), so no sweep of its own is needed; a record for an hour already past the retention is not counted.
 */
public final class UsageTotalsProcessor implements Processor<String, ReceivedUsage, Void, Void> {

    /** Endpoint id, at the start of an hour → {@link UsageBucket} of that hour. */
    public static final String STORE = "device-usage-hourly";
    public static final Duration BUCKET = Duration.ofHours(1);

    private WindowStore<Long, byte[]> store;

    public static StoreBuilder<WindowStore<Long, byte[]>> store(Duration retention) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, retention.plus(BUCKET), BUCKET, false),
                Serdes.Long(), Serdes.ByteArray());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ReceivedUsage> record) {
        UsageRecord usage = record.value().usage();
        UsageTraffic traffic = UsageTraffic.of(usage.getTrafficType().getId());
        if (traffic == null || usage.getEndpoint() == null) {
            return;
        }
        long hour = hourOf(usage.getEndTimestamp().toEpochMilli());
        long endpointId = usage.getEndpoint().getId();
        byte[] stored = store.fetch(endpointId, hour);
        UsageBucket bucket = stored == null ? new UsageBucket() : UsageBucket.decode(stored);
        bucket.add(totalsOf(usage, traffic));
        store.put(endpointId, bucket.encode(), hour);
    }

    static UsageTotals totalsOf(UsageRecord usage, UsageTraffic traffic) {
        String currency = usage.getCurrency() == null || usage.getCurrency().getCode() == null ? ""
                : usage.getCurrency().getCode();
        UsageVolume volume = usage.getVolume();
        return UsageTotals.of(currency, traffic == UsageTraffic.SMS, volume == null ? null : volume.getTotal(),
                volume == null ? null : volume.getRx(), volume == null ? null : volume.getTx(), usage.getCost());
    }

    /** The start of the UTC hour of a time. */
    public static long hourOf(long millis) {
        return Math.floorDiv(millis, BUCKET.toMillis()) * BUCKET.toMillis();
    }
}
