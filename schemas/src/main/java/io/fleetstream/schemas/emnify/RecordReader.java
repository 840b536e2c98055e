package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.avro.IngestSource;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;

/**
 * Reads one element of a Data Streamer batch or an API page, as emnify sent it, into the record fleetstream publishes:
 * {@link EmnifyEventReader} for events, {@link UsageRecordReader} for usage records. Never throws on what emnify
 * sends: what cannot be read is a {@link ReadResult.Rejected} whose reason names the field and the bad value.
 */
public interface RecordReader<T extends SpecificRecord> {

    /**
     * @param source     how the element arrived, recorded in the record
     * @param receivedAt when fleetstream received it, recorded in the record
     */
    ReadResult<T> read(JsonNode json, IngestSource source, Instant receivedAt);
}
