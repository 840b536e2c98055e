package io.fleetstream.topology.timeindex;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.emnify.EventOrder;
import io.fleetstream.topology.testing.TestEvents;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class TimeIndexTest {

    private KeyValueStore<Bytes, byte[]> store;
    private TimeIndex index;

    @BeforeEach
    void open() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("index"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        index = new TimeIndex(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void timeAndIdReadBackFromKeys() {
        byte[] key = TimeIndex.key(1_700_000_000_000L, 77).get();
        assertThat(TimeIndex.time(key)).isEqualTo(1_700_000_000_000L);
        assertThat(TimeIndex.id(key)).isEqualTo(77);
    }

    @Test
    void entriesComeBackOldestFirstUpToTheLimitAndTheMaximum() {
        index.put(300, 1, new byte[]{3});
        index.put(-5, 9, new byte[]{0});
        index.put(100, 2, new byte[]{1});
        index.put(100, 1, new byte[]{2});
        index.put(301, 1, new byte[]{4});

        assertThat(index.upTo(300, 10)).extracting(TimeIndex.Entry::time, TimeIndex.Entry::id)
                .containsExactly(tuple(-5L, 9L), tuple(100L, 1L),
                        tuple(100L, 2L), tuple(300L, 1L));
        assertThat(index.upTo(300, 2)).hasSize(2);
        assertThat(index.upTo(99, 10)).singleElement().satisfies(e -> assertThat(e.value()).containsExactly(0));
        assertThat(index.earliest()).isEqualTo(-5);
    }

    @Test
    void scansFromItsFloorSeeWhatAScanFromTheBottomSeesWhateverTheOrderOfChanges() {
        // a model (a sorted set of (time, id)) and the index under random puts, deletes, scans and restarts: the
        // floor a scan starts from must never hide an entry, including one put below everything released so far
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            java.util.TreeSet<long[]> model = new java.util.TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                    : Long.compare(a[1], b[1]));
            TimeIndex current = new TimeIndex(store);
            long clock = 1_000;
            for (int step = 0; step < 2_000; step++) {
                int action = random.nextInt(10);
                if (action < 4) {
                    // mostly ahead of the clock, sometimes behind what was already released
                    long time = clock + random.nextLong(-300, 500);
                    long id = random.nextLong(5);
                    current.put(time, id, new byte[]{(byte) step});
                    model.add(new long[]{time, id});
                } else if (action < 7) {
                    clock += random.nextLong(0, 200);
                    int max = 1 + random.nextInt(5);
                    List<TimeIndex.Entry> due = current.upTo(clock, max);
                    List<long[]> expected = model.headSet(new long[]{clock, Long.MAX_VALUE}, true).stream().limit(max).toList();
                    assertThat(due).extracting(TimeIndex.Entry::time, TimeIndex.Entry::id).as("seed %d step %d", seed, step)
                            .containsExactlyElementsOf(expected.stream().map(e -> tuple(e[0], e[1])).toList());
                    for (TimeIndex.Entry e : due) {
                        current.delete(e.time(), e.id());
                        model.remove(new long[]{e.time(), e.id()});
                    }
                } else if (action < 9) {
                    assertThat(current.earliest()).as("seed %d step %d", seed, step)
                            .isEqualTo(model.isEmpty() ? Long.MAX_VALUE : model.first()[0]);
                } else {
                    // the task reopened on the same store: a new index, its floor at the bottom again
                    current = new TimeIndex(store);
                }
            }
            for (long[] e : model) {
                current.delete(e[0], e[1]);
            }
        }
    }

    @Test
    void deletedEntriesAreGoneAndAnEmptyIndexHasNoEarliest() {
        index.put(10, 1, new byte[0]);
        index.delete(10, 1);

        assertThat(index.upTo(Long.MAX_VALUE, 10)).isEmpty();
        assertThat(index.earliest()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void eventsIndexedByTimeAndIdComeOutInTheOneEventOrder() {
        // the device processor's reorder buffer is such an index: it must release events as EventOrder orders them
        TestEvents events = new TestEvents(7);
        SplittableRandom random = new SplittableRandom(11);
        List<EmnifyEvent> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            EmnifyEvent event = events.base(3, "Create PDP Context", 0, TestEvents.T0.plusMillis(random.nextInt(-20, 20)))
                    .setId(random.nextLong(-1_000, 1_000_000_000_000L)).build();
            all.add(event);
            index.put(event.getTimestamp().toEpochMilli(), event.getId(), new byte[0]);
        }

        List<Long> released = index.upTo(Long.MAX_VALUE, all.size()).stream().map(TimeIndex.Entry::id).toList();

        assertThat(released).containsExactlyElementsOf(
                all.stream().sorted(EventOrder.EVENT_TIME_THEN_ID).map(EmnifyEvent::getId).distinct().toList());
    }
}
