package io.fleetstream.topology.taskcounts;

import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;

/**
 * Counts of the values in one store, by class (a device's status, whether it is online, ...), for every active task
 * of this instance, summed for a gauge. A gauge that scanned the stores on each scrape would read every device of the
 * instance every 15 seconds; these counts cost one scan when a task's processor is initialised (Kafka Streams does that
 * once the task's stores are restored, after a move or a restart) and then follow every write the processor makes.
 *
 * <p>A task's counts live from its processor's {@code init} to its {@code close}: Kafka Streams closes the processors
 * of a task it suspends, migrates or closes (clean or dirty), and initialises them again, after restoring, when it gets
 * the task back. A standby task runs no processor and is not counted, so the sums are what this instance serves as the
 * active owner: the same as the fleet summary of the query API over the partitions this instance owns.
 *
 * <p>Each task is written by one stream thread at a time; the gauges read from the scrape's thread, hence the atomic
 * counters. A sum taken during a write may be one off for that instant, which a gauge tolerates.
 *
 * @param <V> the store's value type
 */
public final class TaskCounts<V> {

    /** Which counters a value adds one to; a null value (no entry) adds to none. */
    @FunctionalInterface
    public interface Classifier<V> {
        void classify(V value, IntConsumer counter);
    }

    private final int size;
    private final Classifier<V> classifier;
    private final Map<TaskId, Task> tasks = new ConcurrentHashMap<>();

    /**
     * @param size       how many counters each task has (indices 0 to size - 1)
     * @param classifier which of them a value adds one to
     */
    public TaskCounts(int size, Classifier<V> classifier) {
        if (size < 1 || size > Long.SIZE) {
            throw new IllegalArgumentException("size must be 1 to 64, got " + size);
        }
        this.size = size;
        this.classifier = Objects.requireNonNull(classifier, "classifier");
    }

    /** One counter summed over the active tasks of this instance. */
    public long total(int counter) {
        long total = 0;
        for (Task task : tasks.values()) {
            total += task.counts.get(counter);
        }
        return total;
    }

    /**
     * The counters a value adds one to, as a bit set: taken before a processor changes a value in place (the state
     * machines update the object read from the store), to be handed to {@link Task#changed(long, Object)}.
     */
    public long classes(V value) {
        if (value == null) {
            return 0;
        }
        long[] bits = {0};
        classifier.classify(value, counter -> bits[0] |= 1L << counter);
        return bits[0];
    }

    /** How many tasks are counted: those whose processor is initialised and not closed. */
    public int tasks() {
        return tasks.size();
    }

    /**
     * Counts a task's store from scratch, replacing what was counted for that task before, and follows it from now
     * on. Called from the processor's {@code init}; the iterator (the store's {@code all()}) is closed here.
     */
    public Task open(TaskId id, KeyValueIterator<?, V> all) {
        Task task = new Task(id);
        try (all) {
            while (all.hasNext()) {
                task.changed(0, all.next().value);
            }
        }
        tasks.put(id, task);
        return task;
    }

    /** The counts of one task, written by its processor's thread. */
    public final class Task {
        private final TaskId id;
        private final AtomicLongArray counts = new AtomicLongArray(size);

        private Task(TaskId id) {
            this.id = id;
        }

        /**
         * The store's entry for a key went from a value of the classes {@code before} ({@link #classes}; 0 for no
         * entry) to {@code after} (null: deleted). Called right after the store write.
         */
        public void changed(long before, V after) {
            long now = classes(after);
            long changed = before ^ now;
            for (int counter = 0; changed != 0; counter++, changed >>>= 1) {
                if ((changed & 1) != 0) {
                    counts.addAndGet(counter, (now >>> counter & 1) != 0 ? 1 : -1);
                }
            }
        }

        /** The task is no longer this processor's (closed, suspended, migrated): its counts go. */
        public void close() {
            // only this one: a processor of the same task opened since (after a revival) keeps its counts
            tasks.remove(id, this);
        }
    }
}
