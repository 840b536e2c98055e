package io.fleetstream.topology.testing;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.schemas.serde.AvroSerdes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Values that do not decode as the record of the topic they are written to: what any producer allowed to write a
 * topic fleetstream reads could put there.
 */
public final class PoisonValues {

    /** A schema id the in-memory registry has not given out. */
    public static final int UNKNOWN_SCHEMA_ID = 987_654;

    private PoisonValues() {
    }

    /** JSON: its first byte, {@code {} (0x7b), is no Confluent magic byte. */
    public static byte[] notAvro() {
        return "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
    }

    /** The Confluent wire format (magic byte 0, a 4-byte schema id) with {@link #UNKNOWN_SCHEMA_ID}, then a body. */
    public static byte[] unknownSchema() {
        return ByteBuffer.allocate(9).put((byte) 0).putInt(UNKNOWN_SCHEMA_ID).putInt(42).array();
    }

    /** A device state, its schema registered under another topic's subject: well-formed, but of another record. */
    public static byte[] otherSchema(AvroSerdes serdes) {
        return serdes.forValue(DeviceState.class).serializer().serialize("elsewhere", DeviceState.newBuilder()
                .setEndpointId(4711).setStatus(ConnectivityStatus.ONLINE).setOnline(true).build());
    }
}
