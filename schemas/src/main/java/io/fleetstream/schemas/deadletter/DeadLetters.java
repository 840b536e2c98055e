package io.fleetstream.schemas.deadletter;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.IngestSource;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Every {@link DeadLetter} fleetstream writes is built here, by ingest and by the topology alike, so that the
 * dead-letter topic has one shape whoever wrote to it: the stage, a reason for a person, the exact original bytes,
 * when, and where the record came from.
 */
public final class DeadLetters {

    /** How much of a too-large original a dead letter keeps: enough to see what it was, far below Kafka's limits. */
    public static final int KEPT_ORIGINAL_BYTES = 64 * 1024;

    private DeadLetters() {
    }

    /** An event ingest received but could not normalise, with the exact bytes it was sent as. */
    public static DeadLetter unreadable(String stage, String reason, byte[] original, Instant at, IngestSource source) {
        return builder(stage, reason, original, at).setSource(source.name()).build();
    }

    /**
     * A normalised event Kafka refused as too large, under the key it would have had. Shorten it with
     * {@link #keepingAtMost} before sending: its original is what made it too large.
     */
    public static DeadLetter tooLargeForKafka(String stage, String reason, byte[] original, Instant at,
                                              IngestSource source, String key) {
        return builder(stage, reason, original, at).setSource(source.name()).setKey(key).build();
    }

    /** A record read from a topic that could not be decoded, with where it was read. */
    public static DeadLetter undecodable(String stage, String reason, byte[] original, Instant at, String topic,
                                         Integer partition, Long offset, String key) {
        return builder(stage, reason, original, at)
                .setSource(topic)
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key)
                .build();
    }

    /**
     * A record read from a topic that decoded but could not be processed (a processing stage threw on it), with where
     * it was read; {@code offset} is null when it is no longer known (an event held back and applied later).
     */
    public static DeadLetter unprocessable(String stage, String reason, byte[] original, Instant at, String topic,
                                           Integer partition, Long offset, String key) {
        return undecodable(stage, reason, original, at, topic, partition, offset, key);
    }

    /** The dead letter with more said in its reason, e.g. why it was itself refused. */
    public static DeadLetter withMoreReason(DeadLetter deadLetter, String more) {
        return DeadLetter.newBuilder(deadLetter).setReason(deadLetter.getReason() + "; " + more).build();
    }

    /**
     * The dead letter with at most {@code keep} bytes of its original; when it loses any, it says so in its reason
     * and carries the whole original's size and SHA-256, so the original can still be recognised.
     */
    public static DeadLetter keepingAtMost(DeadLetter deadLetter, int keep) {
        ByteBuffer original = deadLetter.getOriginal().duplicate();
        int size = original.remaining();
        if (size <= keep) {
            return deadLetter;
        }
        byte[] whole = new byte[size];
        original.get(whole);
        String sha256;
        try {
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(whole));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        return DeadLetter.newBuilder(deadLetter)
                .setReason(deadLetter.getReason() + "; the original is " + size + " bytes with SHA-256 " + sha256
                        + (keep == 0 ? ", none of which are kept" : ", of which the first " + keep + " are kept"))
                .setOriginal(ByteBuffer.wrap(Arrays.copyOf(whole, keep)))
                .setOriginalSize((long) size)
                .setOriginalSha256(sha256)
                .build();
    }

    private static DeadLetter.Builder builder(String stage, String reason, byte[] original, Instant at) {
        return DeadLetter.newBuilder()
                .setStage(Objects.requireNonNull(stage, "stage"))
                .setReason(Objects.requireNonNull(reason, "reason"))
                .setOriginal(ByteBuffer.wrap(Objects.requireNonNull(original, "original")))
                .setAt(Objects.requireNonNull(at, "at"));
    }
}
