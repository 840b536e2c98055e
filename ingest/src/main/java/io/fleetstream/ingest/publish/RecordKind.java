package io.fleetstream.ingest.publish;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.emnify.EventKeys;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What ingest needs to know of a kind of record it publishes, so that one path serves events and usage records: the
 * word for it in reasons and logs, its Kafka key, id, own time (the {@code event-time} header) and arrival (the Kafka
 * timestamp), how it arrived, and its raw topic.
 *
 * @param noun       e.g. {@code event}, in dead-letter reasons and errors
 * @param key        the Kafka key: endpoint id, else {@code org-<organisation id>}
 * @param eventTime  when what it reports happened: an event's timestamp, a usage record's end
 * @param receivedAt when fleetstream received it (the record's Kafka timestamp)
 * @param topic      its raw topic among the pipeline's topics
 */
public record RecordKind<T extends SpecificRecord>(String noun, Function<T, String> key, ToLongFunction<T> id,
                                                   Function<T, Instant> eventTime, Function<T, Instant> receivedAt,
                                                   Function<T, IngestSource> source, Function<Topics, String> topic) {

    public static final RecordKind<EmnifyEvent> EVENT = new RecordKind<>("event", EventKeys::keyOf, EmnifyEvent::getId,
            EmnifyEvent::getTimestamp, event -> event.getIngest().getReceivedAt(), event -> event.getIngest().getSource(),
            Topics::raw);

    public static final RecordKind<UsageRecord> USAGE = new RecordKind<>("usage record", EventKeys::keyOf,
            UsageRecord::getId, UsageRecord::getEndTimestamp, UsageRecord::getReceivedAt, RecordKind::sourceOf,
            Topics::usageRaw);

    /** A usage record keeps its source as text (the enum of events is not part of its schema). */
    private static IngestSource sourceOf(UsageRecord usage) {
        for (IngestSource source : IngestSource.values()) {
            if (source.name().equals(usage.getSource())) {
                return source;
            }
        }
        return IngestSource.UNKNOWN;
    }
}
