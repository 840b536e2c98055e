package io.fleetstream.topology.taskcounts;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaskCountsTest {

    private static final int EVEN = 0;
    private static final int BIG = 1;

    /** Numbers: even ones in counter 0, those of 10 and more in counter 1. */
    private final TaskCounts<Integer> counts = new TaskCounts<>(2, (n, counter) -> {
        if (n % 2 == 0) {
            counter.accept(EVEN);
        }
        if (n >= 10) {
            counter.accept(BIG);
        }
    });

    @Test
    void tasksAreCountedFromTheirStoreAndSummed() {
        counts.open(new TaskId(0, 0), store(1, 2, 12));
        counts.open(new TaskId(0, 1), store(4, 11));

        assertThat(counts.total(EVEN)).isEqualTo(3);
        assertThat(counts.total(BIG)).isEqualTo(2);
        assertThat(counts.tasks()).isEqualTo(2);
    }

    @Test
    void aWriteMovesTheValueFromItsOldCountersToItsNewOnes() {
        TaskCounts<Integer>.Task task = counts.open(new TaskId(0, 0), store(2));

        task.changed(counts.classes(2), 13); // even, small -> odd, big
        assertThat(counts.total(EVEN)).isZero();
        assertThat(counts.total(BIG)).isEqualTo(1);
        task.changed(0, 20); // a new entry
        assertThat(counts.total(EVEN)).isEqualTo(1);
        assertThat(counts.total(BIG)).isEqualTo(2);
        task.changed(counts.classes(13), null); // deleted
        assertThat(counts.total(BIG)).isEqualTo(1);
    }

    @Test
    void aClosedTaskIsNoLongerCountedAndAReopenedOneIsCountedAnew() {
        TaskCounts<Integer>.Task first = counts.open(new TaskId(0, 0), store(2, 4));
        TaskCounts<Integer>.Task other = counts.open(new TaskId(0, 1), store(6));
        other.close();
        assertThat(counts.total(EVEN)).isEqualTo(2);

        // the task revived on this instance (a dirty close and restore): counted from its store again, not twice
        TaskCounts<Integer>.Task revived = counts.open(new TaskId(0, 0), store(2, 4, 8));
        assertThat(counts.total(EVEN)).isEqualTo(3);
        first.close(); // the old processor closing late does not take the new counts away
        assertThat(counts.total(EVEN)).isEqualTo(3);
        revived.close();
        assertThat(counts.total(EVEN)).isZero();
        assertThat(counts.tasks()).isZero();
    }

    private static KeyValueIterator<String, Integer> store(Integer... values) {
        Iterator<Integer> it = List.of(values).iterator();
        return new KeyValueIterator<>() {
            @Override
            public void close() {
            }

            @Override
            public String peekNextKey() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<String, Integer> next() {
                Integer v = it.next();
                return KeyValue.pair(Integer.toString(v), v);
            }
        };
    }
}
