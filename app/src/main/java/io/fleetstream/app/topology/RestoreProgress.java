package io.fleetstream.app.topology;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many changelog records this instance still has to restore into the stores of its active tasks before it can
 * process them: a task moved here, or state rebuilt after a crash. Kafka Streams calls it from its restoring threads
 * (the state updater, or each stream thread), hence a concurrent map; the gauge and the readiness check read it.
 *
 * <p>Counted in changelog offsets, from the position restored so far to the end offset the restore started with; under
 * exactly-once the transaction markers in that range are counted too, so it is an upper bound on records.
 */
final class RestoreProgress implements StateRestoreListener {

    private record Changelog(TopicPartition partition, String store) {
    }

    /** Per store partition being restored: its end offset and what remains before it. */
    private static final class Restoring {
        final long endOffset;
        volatile long remaining;

        Restoring(long endOffset, long remaining) {
            this.endOffset = endOffset;
            this.remaining = remaining;
        }
    }

    private final Map<Changelog, Restoring> restoring = new ConcurrentHashMap<>();

    /** Records still to restore on this instance, over every store partition being restored now. */
    long remaining() {
        long total = 0;
        for (Restoring r : restoring.values()) {
            total += r.remaining;
        }
        return total;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        // the ending offset is exclusive (the next offset the changelog would get)
        restoring.put(new Changelog(partition, store), new Restoring(endingOffset, Math.max(0, endingOffset - startingOffset)));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        Restoring r = restoring.get(new Changelog(partition, store));
        if (r != null) {
            // the batch's end offset is inclusive
            r.remaining = Math.max(0, r.endOffset - batchEndOffset - 1);
        }
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        restoring.remove(new Changelog(partition, store));
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        // the task moved away (or was closed) before its restore finished: it is no longer this instance's to restore
        restoring.remove(new Changelog(partition, store));
    }
}
