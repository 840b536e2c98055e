package io.fleetstream.ingest.normalise;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.ingest.publish.KeyedRecord;
import io.fleetstream.ingest.publish.RecordKind;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.emnify.UsageRecordReader;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class NormaliserTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00Z");

    private final Normaliser<EmnifyEvent> normaliser =
            new Normaliser<>(new EmnifyEventReader(), RecordKind.EVENT, "ingest.test", IngestSource.API);

    @Test
    void aReadableEventIsKeyedByItsEndpointAndKeepsItsStageAndBytes() throws Exception {
        RawEvent raw = raw("{\"id\": 11, \"timestamp\": \"2026-11-22T09:59:00Z\", \"event_type\": {\"id\": 3},"
                + " \"endpoint\": {\"id\": 20200078}, \"organisation\": {\"id\": 1825}}");

        Normaliser.Normalised<EmnifyEvent> normalised = normaliser.normalise(raw, RECEIVED);

        assertThat(normalised).isInstanceOf(Normaliser.Keyed.class);
        KeyedRecord<EmnifyEvent> keyed = ((Normaliser.Keyed<EmnifyEvent>) normalised).record();
        assertThat(keyed.key()).isEqualTo("20200078");
        assertThat(keyed.stage()).isEqualTo("ingest.test");
        assertThat(keyed.original()).isEqualTo(raw.original());
        assertThat(keyed.record().getIngest().getSource()).isEqualTo(IngestSource.API);
        assertThat(keyed.record().getIngest().getReceivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void anUnreadableEventBecomesADeadLetterWithTheReasonAndTheExactBytes() throws Exception {
        RawEvent raw = raw("{\"timestamp\": \"2026-11-22T09:59:00Z\", \"event_type\": {\"id\": 3}}");

        Normaliser.Normalised<EmnifyEvent> normalised = normaliser.normalise(raw, RECEIVED);

        assertThat(normalised).isInstanceOf(Normaliser.DeadLettered.class);
        DeadLetter letter = ((Normaliser.DeadLettered<EmnifyEvent>) normalised).deadLetter();
        assertThat(letter.getStage()).isEqualTo("ingest.test");
        assertThat(letter.getReason()).contains("id");
        assertThat(letter.getOriginal()).isEqualTo(ByteBuffer.wrap(raw.original()));
        assertThat(letter.getAt()).isEqualTo(RECEIVED);
        assertThat(letter.getSource()).isEqualTo("API");
    }

    @Test
    void aUsageRecordIsKeyedByItsEndpointAndARejectedOneNamesItsField() throws Exception {
        Normaliser<UsageRecord> usage =
                new Normaliser<>(new UsageRecordReader(), RecordKind.USAGE, "ingest.test", IngestSource.STREAMER);
        RawEvent raw = raw("{\"id\": 9001, \"traffic_type\": {\"id\": 5}, \"start_timestamp\": \"2026-11-22 09:58:00\","
                + " \"end_timestamp\": \"2026-11-22 09:59:00\", \"endpoint\": {\"id\": 20200078},"
                + " \"organisation\": {\"id\": 1825}, \"cost\": \"0.00188512\", \"currency\": {\"id\": 1, \"code\": \"EUR\"},"
                + " \"volume\": {\"total\": 0.5, \"rx\": 0.3, \"tx\": 0.2}}");

        Normaliser.Normalised<UsageRecord> normalised = usage.normalise(raw, RECEIVED);

        assertThat(normalised).isInstanceOf(Normaliser.Keyed.class);
        KeyedRecord<UsageRecord> keyed = ((Normaliser.Keyed<UsageRecord>) normalised).record();
        assertThat(keyed.key()).isEqualTo("20200078");
        assertThat(keyed.kind()).isSameAs(RecordKind.USAGE);
        assertThat(keyed.record().getId()).isEqualTo(9001L);
        assertThat(keyed.original()).isEqualTo(raw.original());
        assertThat(keyed.toString()).isEqualTo("KeyedRecord[usage record key=20200078, id=9001, "
                + raw.original().length + " bytes]");

        RawEvent noCost = raw(new String(raw.original(), StandardCharsets.UTF_8).replace("\"0.00188512\"", "\"free\""));
        Normaliser.Normalised<UsageRecord> rejected = usage.normalise(noCost, RECEIVED);
        assertThat(rejected).isInstanceOf(Normaliser.DeadLettered.class);
        DeadLetter letter = ((Normaliser.DeadLettered<UsageRecord>) rejected).deadLetter();
        assertThat(letter.getReason()).contains("cost");
        assertThat(letter.getOriginal()).isEqualTo(ByteBuffer.wrap(noCost.original()));
        assertThat(letter.getSource()).isEqualTo("STREAMER");
    }

    private static RawEvent raw(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new RawEvent(Json.mapper().readTree(bytes), bytes);
    }
}
