package io.fleetstream.ingest.normalise;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.publish.KeyedRecord;
import io.fleetstream.ingest.publish.RecordKind;
import io.fleetstream.schemas.deadletter.DeadLetters;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.emnify.RecordReader;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.Objects;

/**
 * The step every way into ingest shares: one element as emnify sent it (an event, a usage record) becomes either a
 * record keyed for its raw topic or a dead letter with the reader's reason and the exact bytes. The webhook (one for
 * events, one for usage records) and the poller each hold one, for their own dead-letter stage and
 * {@link IngestSource}.
 */
public final class Normaliser<T extends SpecificRecord> {

    /** What became of one raw element. */
    public sealed interface Normalised<T extends SpecificRecord> {
    }

    /** Normalised and keyed: to be published to the raw topic of its kind. */
    public record Keyed<T extends SpecificRecord>(KeyedRecord<T> record) implements Normalised<T> {
    }

    /** Rejected by the reader: to be published to the dead-letter topic. */
    public record DeadLettered<T extends SpecificRecord>(DeadLetter deadLetter) implements Normalised<T> {
    }

    private final RecordReader<T> reader;
    private final RecordKind<T> kind;
    private final String stage;
    private final IngestSource source;

    /**
     * @param stage  the dead-letter stage of what this way in rejects, e.g. {@code ingest.webhook}
     * @param source how records arrive this way, recorded in each record and dead letter
     */
    public Normaliser(RecordReader<T> reader, RecordKind<T> kind, String stage, IngestSource source) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.stage = Objects.requireNonNull(stage, "stage");
        this.source = Objects.requireNonNull(source, "source");
    }

    public Normalised<T> normalise(RawEvent raw, Instant receivedAt) {
        ReadResult<T> result = reader.read(raw.json(), source, receivedAt);
        if (result instanceof ReadResult.Accepted<T> accepted) {
            return new Keyed<>(KeyedRecord.of(kind, accepted.record(), stage, raw.original()));
        }
        ReadResult.Rejected<T> rejected = (ReadResult.Rejected<T>) result;
        return new DeadLettered<>(DeadLetters.unreadable(stage, rejected.reason(), raw.original(), receivedAt, source));
    }
}
