package io.fleetstream.ingest.normalise;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.publish.KeyedUsage;
import io.fleetstream.schemas.deadletter.DeadLetters;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.emnify.UsageReadResult;
import io.fleetstream.schemas.emnify.UsageRecordReader;

import java.time.Instant;
import java.util.Objects;

/**
 * {@link EventNormaliser}'s counterpart for usage records: one usage record as emnify sent it becomes a record keyed
 * for the raw usage topic, or a dead letter with the reader's reason and the exact bytes.
 */
public final class UsageNormaliser {

    /** What became of one raw usage record. */
    public sealed interface Normalised {
    }

    /** Normalised and keyed: to be published to the raw usage topic. */
    public record Keyed(KeyedUsage usage) implements Normalised {
    }

    /** Rejected by the reader: to be published to the dead-letter topic. */
    public record DeadLettered(DeadLetter deadLetter) implements Normalised {
    }

    private final UsageRecordReader reader;
    private final String stage;
    private final IngestSource source;

    /**
     * @param stage  the dead-letter stage of what this way in rejects, e.g. {@code ingest.webhook}
     * @param source how usage records arrive this way, recorded in each record and dead letter
     */
    public UsageNormaliser(UsageRecordReader reader, String stage, IngestSource source) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.stage = Objects.requireNonNull(stage, "stage");
        this.source = Objects.requireNonNull(source, "source");
    }

    public Normalised normalise(RawEvent raw, Instant receivedAt) {
        UsageReadResult result = reader.read(raw.json(), source, receivedAt);
        if (result instanceof UsageReadResult.Accepted accepted) {
            return new Keyed(KeyedUsage.of(accepted.usage(), stage, raw.original()));
        }
        UsageReadResult.Rejected rejected = (UsageReadResult.Rejected) result;
        return new DeadLettered(DeadLetters.unreadable(stage, rejected.reason(), raw.original(), receivedAt, source));
    }
}
