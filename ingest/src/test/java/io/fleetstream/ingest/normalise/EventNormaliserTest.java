package io.fleetstream.ingest.normalise;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.publish.KeyedEvent;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.RawEvent;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EventNormaliserTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00Z");

    private final EventNormaliser normaliser = new EventNormaliser(new EmnifyEventReader(), "ingest.test", IngestSource.API);

    @Test
    void aReadableEventIsKeyedByItsEndpointAndKeepsItsStageAndBytes() throws Exception {
        RawEvent raw = raw("{\"id\": 11, \"timestamp\": \"2026-11-22T09:59:00Z\", \"event_type\": {\"id\": 3},"
                + " \"endpoint\": {\"id\": 20200078}, \"organisation\": {\"id\": 1825}}");

        EventNormaliser.Normalised normalised = normaliser.normalise(raw, RECEIVED);

        assertThat(normalised).isInstanceOf(EventNormaliser.Keyed.class);
        KeyedEvent keyed = ((EventNormaliser.Keyed) normalised).event();
        assertThat(keyed.key()).isEqualTo("20200078");
        assertThat(keyed.stage()).isEqualTo("ingest.test");
        assertThat(keyed.original()).isEqualTo(raw.original());
        assertThat(keyed.event().getIngest().getSource()).isEqualTo(IngestSource.API);
        assertThat(keyed.event().getIngest().getReceivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void anUnreadableEventBecomesADeadLetterWithTheReasonAndTheExactBytes() throws Exception {
        RawEvent raw = raw("{\"timestamp\": \"2026-11-22T09:59:00Z\", \"event_type\": {\"id\": 3}}");

        EventNormaliser.Normalised normalised = normaliser.normalise(raw, RECEIVED);

        assertThat(normalised).isInstanceOf(EventNormaliser.DeadLettered.class);
        DeadLetter letter = ((EventNormaliser.DeadLettered) normalised).deadLetter();
        assertThat(letter.getStage()).isEqualTo("ingest.test");
        assertThat(letter.getReason()).contains("id");
        assertThat(letter.getOriginal()).isEqualTo(ByteBuffer.wrap(raw.original()));
        assertThat(letter.getAt()).isEqualTo(RECEIVED);
        assertThat(letter.getSource()).isEqualTo("API");
    }

    private static RawEvent raw(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new RawEvent(Json.mapper().readTree(bytes), bytes);
    }
}
