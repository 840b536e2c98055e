package io.fleetstream.ingest.publish;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Plain Avro binary (no registry) for tests; production uses the Confluent wire format. */
public final class AvroBinarySerializer<T extends SpecificRecord> implements Serializer<T> {

    @Override
    public byte[] serialize(String topic, T data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new SpecificDatumWriter<T>(data.getSchema()).write(data, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new SerializationException(e);
        }
        return out.toByteArray();
    }

    public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            return new SpecificDatumReader<>(type).read(null, decoder);
        } catch (IOException e) {
            throw new IllegalArgumentException("not Avro binary of " + type.getSimpleName(), e);
        }
    }
}
