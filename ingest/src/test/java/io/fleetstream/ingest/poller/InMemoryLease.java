package io.fleetstream.ingest.poller;

import io.fleetstream.ingest.publish.KafkaUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lease held or not as the test says, with a checkpoint store that can be shared between pollers (a restart) and
 * made to fail.
 */
final class InMemoryLease implements PollerLease {

    /** The durable part: what survives a poller. */
    static final class Store {
        private final List<PollerCheckpoint> saved = new ArrayList<>();
        private final AtomicInteger failNextSaves = new AtomicInteger();

        synchronized Optional<PollerCheckpoint> latest() {
            return saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(saved.size() - 1));
        }

        synchronized List<PollerCheckpoint> saved() {
            return List.copyOf(saved);
        }

        synchronized void put(PollerCheckpoint checkpoint) {
            saved.add(checkpoint);
        }

        void failNextSaves(int count) {
            failNextSaves.set(count);
        }
    }

    private final Store store;
    private volatile boolean granted;
    private volatile boolean closed;
    private Optional<PollerCheckpoint> checkpoint = Optional.empty();
    private boolean holding;

    InMemoryLease(Store store, boolean granted) {
        this.store = store;
        this.granted = granted;
    }

    void grant(boolean value) {
        granted = value;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public boolean held(Duration wait) {
        boolean now = granted && !closed;
        if (now && !holding) {
            checkpoint = store.latest();
        }
        holding = now;
        if (!wait.isZero()) {
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return now;
    }

    @Override
    public Optional<PollerCheckpoint> checkpoint() {
        return checkpoint;
    }

    @Override
    public void save(PollerCheckpoint next) throws KafkaUnavailableException {
        if (store.failNextSaves.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new KafkaUnavailableException("injected: checkpoint not acknowledged");
        }
        store.put(next);
        checkpoint = Optional.of(next);
    }

    @Override
    public void close() {
        closed = true;
    }
}
