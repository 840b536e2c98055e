package io.fleetstream.schemas.deadletter;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.IngestSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void anUnreadableEventKeepsItsExactBytesAndSaysWhereItArrived() {
        byte[] original = "{\"id\": 0}".getBytes(StandardCharsets.UTF_8);

        DeadLetter letter = DeadLetters.unreadable("ingest.webhook", "id is not positive", original, AT, IngestSource.STREAMER);

        assertThat(letter.getStage()).isEqualTo("ingest.webhook");
        assertThat(letter.getReason()).isEqualTo("id is not positive");
        assertThat(bytes(letter.getOriginal())).isEqualTo(original);
        assertThat(letter.getAt()).isEqualTo(AT);
        assertThat(letter.getSource()).isEqualTo("STREAMER");
        assertThat(letter.getTopic()).isNull();
        assertThat(letter.getKey()).isNull();
    }

    @Test
    void anUndecodableRecordSaysWhereItWasRead() {
        DeadLetter letter = DeadLetters.undecodable("topology.raw", "cannot decode", new byte[] {1, 2}, AT,
                "emnify.events.raw", 3, 42L, "20200078");

        assertThat(letter.getSource()).isEqualTo("emnify.events.raw");
        assertThat(letter.getTopic()).isEqualTo("emnify.events.raw");
        assertThat(letter.getPartition()).isEqualTo(3);
        assertThat(letter.getOffset()).isEqualTo(42L);
        assertThat(letter.getKey()).isEqualTo("20200078");
    }

    @Test
    void aShortenedDeadLetterKeepsTheFirstBytesAndTheWholeOriginalsSizeAndDigest() {
        byte[] original = new byte[DeadLetters.KEPT_ORIGINAL_BYTES + 10];
        Arrays.fill(original, (byte) 'x');
        DeadLetter letter = DeadLetters.tooLargeForKafka("ingest.poller", "event 7 is too large", original, AT,
                IngestSource.API, "org-9");

        DeadLetter kept = DeadLetters.keepingAtMost(letter, DeadLetters.KEPT_ORIGINAL_BYTES);
        DeadLetter none = DeadLetters.keepingAtMost(letter, 0);

        assertThat(kept.getOriginal().remaining()).isEqualTo(DeadLetters.KEPT_ORIGINAL_BYTES);
        assertThat(kept.getOriginalSize()).isEqualTo((long) original.length);
        assertThat(kept.getOriginalSha256()).hasSize(64);
        assertThat(kept.getReason()).startsWith("event 7 is too large; the original is " + original.length + " bytes")
                .endsWith("of which the first " + DeadLetters.KEPT_ORIGINAL_BYTES + " are kept");
        assertThat(kept.getKey()).isEqualTo("org-9");
        assertThat(none.getOriginal().remaining()).isZero();
        assertThat(none.getReason()).endsWith("none of which are kept");
    }

    @Test
    void aDeadLetterThatFitsIsNotShortened() {
        DeadLetter letter = DeadLetters.unreadable("ingest.webhook", "no id", new byte[] {1}, AT, IngestSource.STREAMER);

        assertThat(DeadLetters.keepingAtMost(letter, 1)).isSameAs(letter);
        assertThat(DeadLetters.withMoreReason(letter, "refused").getReason()).isEqualTo("no id; refused");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
