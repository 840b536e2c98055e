package io.fleetstream.app.local;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStatusTest {

    private final MeterRegistry ingest = new SimpleMeterRegistry();
    private final MeterRegistry query = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void theLineAddsUpBothRegistriesAndTheRateIsOverTheInterval() {
        Counter accepted = ingest.counter(LocalStatus.WEBHOOK_ACCEPTED);
        Counter pulled = ingest.counter(LocalStatus.POLLER_PULLED);
        ingest.counter(LocalStatus.WEBHOOK_DEAD_LETTERED).increment(2);
        ingest.counter(LocalStatus.USAGE_DEAD_LETTERED).increment(3);
        query.counter(LocalStatus.TOPOLOGY_DEAD_LETTERS, "stage", "route", "reason", "bad").increment(1);
        query.counter(LocalStatus.TOPOLOGY_DEAD_LETTERS, "stage", "device", "reason", "bad").increment(4);
        query.counter(LocalStatus.ROUTED, "category", "data-connection").increment(300);
        query.counter(LocalStatus.ROUTED, "category", "other").increment(12);
        query.gauge(LocalStatus.DEVICES, List.of(Tag.of("status", "ONLINE")), 70);
        query.gauge(LocalStatus.DEVICES, List.of(Tag.of("status", "OFFLINE")), 25);
        query.gauge(LocalStatus.DEVICES, List.of(Tag.of("status", "ATTACHED")), 5);
        query.gauge(LocalStatus.DEVICES_ONLINE, 72);
        lag("stream-thread-1-consumer", "emnify.events.raw", "0", 3);
        lag("stream-thread-1-consumer", "emnify.events.raw", "1", 4);
        // Kafka's deprecated twin of a topic name with dots
        lag("stream-thread-1-consumer", "emnify_events_raw", "0", 3);
        lag("stream-thread-1-consumer", "emnify_events_raw", "1", 4);
        lag("stream-thread-1-restore-consumer", "fleetstream-device-state-changelog", "0", 1000);
        lag("stream-thread-1-consumer", "emnify.events.raw", "2", Double.NaN);
        accepted.increment(100);
        LocalStatus status = status();
        LocalStatus.Snapshot before = status.snapshot();

        accepted.increment(400);
        pulled.increment(100);
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        LocalStatus.Line line = LocalStatus.line(before, status.snapshot());

        // (500 + 100 - 100) events in 5 s; 10 DLQ records from ingest (events and usage records) and two topology
        // stages; the restore consumer's lag, a partition not fetched yet (NaN) and the underscore twins are left out
        assertThat(line.text()).isEqualTo(
                "status: in 100.0 events/s, out 312 category records, devices 72 online / 28 offline, dlq 10, lag 7");
        assertThat(line.eventsInPerSecond()).hasValue(100.0);
        assertThat(line.deadLetters()).hasValue(10);
    }

    @Test
    void aMeterNotRegisteredPrintsAsADash() {
        LocalStatus status = status();
        LocalStatus.Snapshot before = status.snapshot();
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());

        LocalStatus.Line line = LocalStatus.line(before, status.snapshot());

        assertThat(line.text()).isEqualTo("status: in - events/s, out - category records, devices - online / - offline, dlq -, lag -");
        assertThat(line.eventsInPerSecond()).isEmpty();
    }

    @Test
    void theLoggedLineCarriesItsNumbersAsKeyValues() {
        ingest.counter(LocalStatus.WEBHOOK_ACCEPTED).increment(10);
        query.gauge(LocalStatus.DEVICES_ONLINE, 3);
        LocalStatus status = status();
        ingest.counter(LocalStatus.WEBHOOK_ACCEPTED).increment(20);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        Logger logger = (Logger) LoggerFactory.getLogger(LocalStatus.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            status.logNow();
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list).hasSize(1);
        ILoggingEvent event = appender.list.get(0);
        assertThat(event.getFormattedMessage()).isEqualTo(
                "status: in 10.0 events/s, out - category records, devices 3 online / - offline, dlq -, lag -");
        Map<String, Object> fields = event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        assertThat(fields).containsExactlyInAnyOrderEntriesOf(Map.of(
                LocalStatus.EVENTS_IN_PER_SECOND, 10.0, LocalStatus.DEVICES_ONLINE_FIELD, 3L));
    }

    @Test
    void zeroTurnsItOffAndANegativeIntervalIsRefused() {
        try (LocalStatus off = LocalStatus.start(Duration.ZERO, ingest, query)) {
            assertThat(off).isNotNull();
        }
        assertThatThrownBy(() -> LocalStatus.start(Duration.ofSeconds(-1), ingest))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private LocalStatus status() {
        return new LocalStatus(List.of(ingest, query), nanos::get, null);
    }

    private void lag(String client, String topic, String partition, double value) {
        Gauge.builder(LocalStatus.RECORDS_LAG, () -> value)
                .tags("client.id", client, "topic", topic, "partition", partition)
                .register(query);
    }
}
