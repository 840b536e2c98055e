package io.fleetstream.ingest.poller;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.ingest.publish.KafkaUnavailableException;
import io.fleetstream.ingest.publish.KeyedRecord;
import io.fleetstream.ingest.publish.PublishResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** What the poller published, as Kafka would have acknowledged it; can refuse the next publishes like an outage. */
final class RecordingSink implements EmnifyPoller.EventSink {

    private final List<KeyedRecord<EmnifyEvent>> events = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();

    @Override
    public synchronized PublishResult publish(List<KeyedRecord<EmnifyEvent>> newEvents, List<DeadLetter> newDeadLetters)
            throws KafkaUnavailableException {
        attempts.incrementAndGet();
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new KafkaUnavailableException("injected: Kafka did not acknowledge");
        }
        events.addAll(newEvents);
        deadLetters.addAll(newDeadLetters);
        return new PublishResult(newEvents.size(), newDeadLetters.size());
    }

    void failNext(int count) {
        failNext.set(count);
    }

    int attempts() {
        return attempts.get();
    }

    synchronized List<KeyedRecord<EmnifyEvent>> keyed() {
        return List.copyOf(events);
    }

    synchronized List<EmnifyEvent> events() {
        return events.stream().map(KeyedRecord::record).toList();
    }

    synchronized List<Long> ids() {
        return events.stream().map(e -> e.record().getId()).toList();
    }

    synchronized List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }
}
