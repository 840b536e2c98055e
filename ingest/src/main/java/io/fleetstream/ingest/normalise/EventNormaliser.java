package io.fleetstream.ingest.normalise;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.publish.KeyedEvent;
import io.fleetstream.schemas.deadletter.DeadLetters;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.emnify.ReadResult;

import java.time.Instant;
import java.util.Objects;

/**
 * The step every way into ingest shares: one event as emnify sent it becomes either an event keyed for the raw
 * topic or a dead letter with the reader's reason and the exact bytes. The webhook and the poller each hold one,
 * for their own dead-letter stage and {@link IngestSource}.
 */
public final class EventNormaliser {

    /** What became of one raw event. */
    public sealed interface Normalised {
    }

    /** Normalised and keyed: to be published to the raw topic. */
    public record Keyed(KeyedEvent event) implements Normalised {
    }

    /** Rejected by the reader: to be published to the dead-letter topic. */
    public record DeadLettered(DeadLetter deadLetter) implements Normalised {
    }

    private final EmnifyEventReader reader;
    private final String stage;
    private final IngestSource source;

    /**
     * @param stage  the dead-letter stage of what this way in rejects, e.g. {@code ingest.webhook}
     * @param source how events arrive this way, recorded in each event and dead letter
     */
    public EventNormaliser(EmnifyEventReader reader, String stage, IngestSource source) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.stage = Objects.requireNonNull(stage, "stage");
        this.source = Objects.requireNonNull(source, "source");
    }

    public Normalised normalise(RawEvent raw, Instant receivedAt) {
        ReadResult result = reader.read(raw.json(), source, receivedAt);
        if (result instanceof ReadResult.Accepted accepted) {
            return new Keyed(KeyedEvent.of(accepted.event(), stage, raw.original()));
        }
        ReadResult.Rejected rejected = (ReadResult.Rejected) result;
        return new DeadLettered(DeadLetters.unreadable(stage, rejected.reason(), raw.original(), receivedAt, source));
    }
}
