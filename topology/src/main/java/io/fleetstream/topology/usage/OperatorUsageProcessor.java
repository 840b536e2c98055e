package io.fleetstream.topology.usage;

import io.fleetstream.avro.UsageOperator;
import io.fleetstream.avro.UsageRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import java.time.Duration;

/**
 * Keeps the fleet's usage per operator and UTC day: each deduplicated usage record of a routed traffic type is added
 * to the day its {@code end_timestamp} falls in, under its operator's id, per currency, in {@value #STORE}. A task
 * holds the sums of its own partition only: a device's records all go to one partition, an operator's are spread over
 * all of them, so the query API gathers every partition and adds the parts up (exact decimals, so the order of the
 * additions does not matter). A record without an operator id is counted under {@value #NO_OPERATOR} (shown as an
 * unknown operator), not left out: the per-operator figures then add up to the fleet's.
 *
 * <p>A persistent window store of one-day windows, logged, with the history retention (segments dropped, no sweep),
 * as {@link UsageTotalsProcessor}'s hours.
 */
public final class OperatorUsageProcessor implements Processor<String, ReceivedUsage, Void, Void> {

    /** {@link #operatorKey} at the start of a UTC day → {@link OperatorDay}. */
    public static final String STORE = "operator-usage-daily";
    public static final Duration DAY = Duration.ofDays(1);
    /** The key of records that name no operator id. */
    public static final String NO_OPERATOR = "";

    private WindowStore<String, byte[]> store;

    public static StoreBuilder<WindowStore<String, byte[]>> store(Duration retention) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, retention.plus(DAY), DAY, false),
                Serdes.String(), Serdes.ByteArray());
    }

    /** The operator's emnify id in decimal, or {@value #NO_OPERATOR}. */
    public static String operatorKey(UsageOperator operator) {
        return operator == null || operator.getId() == null ? NO_OPERATOR : Long.toString(operator.getId());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ReceivedUsage> record) {
        UsageRecord usage = record.value().usage();
        UsageTraffic traffic = UsageTraffic.of(usage.getTrafficType().getId());
        if (traffic == null) {
            return;
        }
        long day = Math.floorDiv(usage.getEndTimestamp().toEpochMilli(), DAY.toMillis()) * DAY.toMillis();
        String key = operatorKey(usage.getOperator());
        byte[] stored = store.fetch(key, day);
        OperatorDay sums = stored == null ? new OperatorDay(null, new UsageBucket()) : OperatorDay.decode(stored);
        String name = usage.getOperator() == null || usage.getOperator().getName() == null ? sums.operatorName()
                : usage.getOperator().getName();
        sums.usage().add(UsageTotalsProcessor.totalsOf(usage, traffic));
        store.put(key, new OperatorDay(name, sums.usage()).encode(), day);
    }
}
