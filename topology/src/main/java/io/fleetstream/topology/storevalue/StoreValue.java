package io.fleetstream.topology.storevalue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The binary form of the values of the stores fleetstream alone writes and reads (usage sums, sessions, quota
 * burns): a version byte, then the fields as {@link java.io.DataOutput} writes them. Not Avro: these stores never
 * leave the application, and no schema needs registering before Kafka Streams writes their changelogs. The version
 * byte is there because a changelog outlives a build: a build restoring a value it does not know refuses it rather
 * than misreading it.
 *
 * <p>What the values share beyond the primitives ({@link Out}, {@link In}): optional fields as a presence byte and a
 * placeholder, exact decimals, and a value nested in another as its length and bytes.
 */
public final class StoreValue {

    private StoreValue() {
    }

    /** Writes the fields of one value after its version byte. */
    @FunctionalInterface
    public interface Fields {
        void writeTo(Out out) throws IOException;
    }

    /** Reads the fields of one value, after its version byte was checked. */
    @FunctionalInterface
    public interface Parser<T> {
        T readFrom(In in) throws IOException;
    }

    public static byte[] write(byte version, Fields fields) {
        return write(version, 32, fields);
    }

    /** @param expectedSize the buffer's first size, for values known to be large */
    public static byte[] write(byte version, int expectedSize, Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(expectedSize);
        try (Out out = new Out(bytes)) {
            out.writeByte(version);
            fields.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a value written by {@link #write} in {@code version}.
     *
     * @param what names the value in errors ("usage store value")
     * @throws IllegalStateException a value of another version: written by another build
     * @throws UncheckedIOException  a value cut short
     */
    public static <T> T read(byte[] value, byte version, String what, Parser<T> parser) {
        try (In in = new In(new ByteArrayInputStream(value))) {
            byte found = in.readByte();
            if (found != version) {
                throw new IllegalStateException(what + " of version " + found + ", this build reads " + version);
            }
            return parser.readFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + what, e);
        }
    }

    /** A value's fields being written. */
    public static final class Out extends DataOutputStream {

        private Out(ByteArrayOutputStream bytes) {
            super(bytes);
        }

        /** A presence byte, then the text, or an empty text when absent. */
        public void writeOptionalUtf(String value) throws IOException {
            writeBoolean(value != null);
            writeUTF(value == null ? "" : value);
        }

        /** A presence byte, then the number, or -1 when absent. */
        public void writeOptionalLong(Long value) throws IOException {
            writeBoolean(value != null);
            writeLong(value == null ? -1 : value);
        }

        /** The scale, then the unscaled value's two's-complement bytes and their count: reads back exactly. */
        public void writeDecimal(BigDecimal value) throws IOException {
            byte[] unscaled = value.unscaledValue().toByteArray();
            writeInt(value.scale());
            writeInt(unscaled.length);
            write(unscaled);
        }

        /** Another value's bytes (with its own version), after their count. */
        public void writeNested(byte[] value) throws IOException {
            writeInt(value.length);
            write(value);
        }
    }

    /** A value's fields being read, in the order {@link Out} wrote them. */
    public static final class In extends DataInputStream {

        private In(ByteArrayInputStream bytes) {
            super(bytes);
        }

        public String readOptionalUtf() throws IOException {
            boolean present = readBoolean();
            String value = readUTF();
            return present ? value : null;
        }

        public Long readOptionalLong() throws IOException {
            boolean present = readBoolean();
            long value = readLong();
            return present ? value : null;
        }

        public BigDecimal readDecimal() throws IOException {
            int scale = readInt();
            byte[] unscaled = readNBytes(readInt());
            return new BigDecimal(new BigInteger(unscaled), scale);
        }

        public byte[] readNested() throws IOException {
            return readNBytes(readInt());
        }
    }
}
