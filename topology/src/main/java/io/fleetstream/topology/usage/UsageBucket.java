package io.fleetstream.topology.usage;

import io.fleetstream.topology.storevalue.StoreValue;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A device's usage in one span of time (an hour in the store, an hour or a day in an answer), one {@link UsageTotals}
 * per currency, ordered by currency code: costs in different currencies are never added up.
 *
 * <p>Stored as a {@link StoreValue}: a count, then per currency its code (UTF), the record and SMS counts, and the four
 * decimals ({@link StoreValue.Out#writeDecimal exact}), so a value reads back exactly as it was summed.
 */
public final class UsageBucket {

    private static final byte VERSION = 1;

    private final Map<String, UsageTotals> byCurrency = new TreeMap<>();

    public UsageBucket add(UsageTotals totals) {
        byCurrency.merge(totals.currency(), totals, UsageTotals::plus);
        return this;
    }

    public UsageBucket addAll(UsageBucket other) {
        other.byCurrency.values().forEach(this::add);
        return this;
    }

    public Collection<UsageTotals> totals() {
        return List.copyOf(byCurrency.values());
    }

    public boolean isEmpty() {
        return byCurrency.isEmpty();
    }

    public byte[] encode() {
        return StoreValue.write(VERSION, out -> {
            out.writeInt(byCurrency.size());
            for (UsageTotals t : byCurrency.values()) {
                out.writeUTF(t.currency());
                out.writeLong(t.records());
                out.writeLong(t.sms());
                out.writeDecimal(t.volumeTotal());
                out.writeDecimal(t.volumeRx());
                out.writeDecimal(t.volumeTx());
                out.writeDecimal(t.cost());
            }
        });
    }

    public static UsageBucket decode(byte[] value) {
        return StoreValue.read(value, VERSION, "usage store value", in -> {
            UsageBucket bucket = new UsageBucket();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String currency = in.readUTF();
                long records = in.readLong();
                long sms = in.readLong();
                bucket.add(new UsageTotals(currency, records, sms, in.readDecimal(), in.readDecimal(), in.readDecimal(),
                        in.readDecimal()));
            }
            return bucket;
        });
    }
}
