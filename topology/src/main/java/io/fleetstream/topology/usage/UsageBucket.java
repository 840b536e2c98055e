package io.fleetstream.topology.usage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A device's usage in one span of time (an hour in the store, an hour or a day in an answer), one {@link UsageTotals}
 * per currency, ordered by currency code: costs in different currencies are never added up.
 *
 * <p>Stored as: a version byte, a count, then per currency its code (UTF), the record and SMS counts, and the four
 * decimals each as scale and unscaled two's-complement bytes, so a value reads back exactly as it was summed.
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(byCurrency.size());
            for (UsageTotals t : byCurrency.values()) {
                out.writeUTF(t.currency());
                out.writeLong(t.records());
                out.writeLong(t.sms());
                for (BigDecimal d : List.of(t.volumeTotal(), t.volumeRx(), t.volumeTx(), t.cost())) {
                    byte[] unscaled = d.unscaledValue().toByteArray();
                    out.writeInt(d.scale());
                    out.writeInt(unscaled.length);
                    out.write(unscaled);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static UsageBucket decode(byte[] value) {
        UsageBucket bucket = new UsageBucket();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("usage store value of version " + version + ", this build reads " + VERSION);
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String currency = in.readUTF();
                long records = in.readLong();
                long sms = in.readLong();
                BigDecimal[] d = new BigDecimal[4];
                for (int j = 0; j < d.length; j++) {
                    int scale = in.readInt();
                    byte[] unscaled = in.readNBytes(in.readInt());
                    d[j] = new BigDecimal(new BigInteger(unscaled), scale);
                }
                bucket.add(new UsageTotals(currency, records, sms, d[0], d[1], d[2], d[3]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable usage store value", e);
        }
        return bucket;
    }
}
