package io.fleetstream.app.local;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code local}'s one-line status, every {@code --status-interval}:
 * <pre>
 * status: in 41.2 events/s, out 8316 category records, devices 93 online / 7 offline, dlq 2, lag 0
 * </pre>
 * <ul>
 *   <li>in: events the webhook accepted plus events the poller pulled, per second over the last interval;</li>
 *   <li>out: records the topology routed to the category topics, since the start;</li>
 *   <li>devices: online (debounced presence) and the other devices the topology's stores hold;</li>
 *   <li>dlq: records dead-lettered by ingest (webhook events and usage records, poller) and by the topology, since
 *   the start;</li>
 *   <li>lag: the Kafka Streams consumer's records behind the end of its partitions, summed.</li>
 * </ul>
 * It reads the meters of both of {@code local}'s registries (the ingest port's and the query port's) by their names
 * (the issue 14 contract); a meter not registered (yet) prints as {@code -}. The line goes through the logger, so
 * {@code --log-format json} makes it a JSON line with the numbers as fields ({@value #EVENTS_IN_PER_SECOND}, ...).
 */
public final class LocalStatus implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStatus.class);

    static final String WEBHOOK_ACCEPTED = "fleetstream.ingest.webhook.events.accepted";
    static final String POLLER_PULLED = "fleetstream.ingest.poller.events.pulled";
    static final String ROUTED = "fleetstream.topology.events.routed";
    static final String DEVICES = "fleetstream.topology.devices";
    static final String DEVICES_ONLINE = "fleetstream.topology.devices.online";
    static final String WEBHOOK_DEAD_LETTERED = "fleetstream.ingest.webhook.events.dead.lettered";
    static final String POLLER_DEAD_LETTERED = "fleetstream.ingest.poller.events.dead.lettered";
    static final String USAGE_DEAD_LETTERED = "fleetstream.ingest.webhook.usage.records.dead.lettered";
    static final String TOPOLOGY_DEAD_LETTERS = "fleetstream.topology.dead.letters";
    /** Per partition, from Micrometer's KafkaStreamsMetrics. */
    static final String RECORDS_LAG = "kafka.consumer.fetch.manager.records.lag";

    /** The status line's fields in JSON logs. */
    public static final String EVENTS_IN_PER_SECOND = "events_in_per_second";
    public static final String CATEGORY_RECORDS_OUT = "category_records_out";
    public static final String DEVICES_ONLINE_FIELD = "devices_online";
    public static final String DEVICES_OFFLINE_FIELD = "devices_offline";
    public static final String DEAD_LETTERS = "dead_letters";
    public static final String CONSUMER_LAG = "consumer_lag_records";

    private static final String MISSING = "-";

    private final List<MeterRegistry> registries;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer;
    private Snapshot previous;

    LocalStatus(List<MeterRegistry> registries, LongSupplier nanoTime, ScheduledExecutorService timer) {
        this.registries = List.copyOf(registries);
        this.nanoTime = nanoTime;
        this.timer = timer;
        this.previous = snapshot();
    }

    /**
     * Logs the status line every {@code interval}, the first one interval from now; nothing for a zero interval.
     *
     * @param registries where the meters are: in {@code local}, the ingest port's and the query port's
     */
    public static LocalStatus start(Duration interval, MeterRegistry... registries) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("the status interval cannot be negative, got " + interval);
        }
        if (interval.isZero()) {
            return new LocalStatus(List.of(registries), System::nanoTime, null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fleetstream-local-status");
            thread.setDaemon(true);
            return thread;
        });
        LocalStatus status = new LocalStatus(List.of(registries), System::nanoTime, timer);
        timer.scheduleAtFixedRate(status::logNow, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return status;
    }

    /** Logs one status line, over the time since the previous one. */
    void logNow() {
        try {
            Snapshot now = snapshot();
            Line line = line(previous, now);
            previous = now;
            LoggingEventBuilder event = log.atInfo();
            line.eventsInPerSecond().ifPresent(v -> event.addKeyValue(EVENTS_IN_PER_SECOND, Math.round(v * 10) / 10.0));
            line.recordsOut().ifPresent(v -> event.addKeyValue(CATEGORY_RECORDS_OUT, (long) v));
            line.devicesOnline().ifPresent(v -> event.addKeyValue(DEVICES_ONLINE_FIELD, (long) v));
            line.devicesOffline().ifPresent(v -> event.addKeyValue(DEVICES_OFFLINE_FIELD, (long) v));
            line.deadLetters().ifPresent(v -> event.addKeyValue(DEAD_LETTERS, (long) v));
            line.lag().ifPresent(v -> event.addKeyValue(CONSUMER_LAG, (long) v));
            event.log(line.text());
        } catch (RuntimeException e) {
            // a status line is not worth stopping local for
            log.debug("no status line this time: {}", e.toString());
        }
    }

    /** What the meters say now. */
    Snapshot snapshot() {
        OptionalDouble devices = sum(DEVICES);
        OptionalDouble online = sum(DEVICES_ONLINE);
        return new Snapshot(nanoTime.getAsLong(), sum(WEBHOOK_ACCEPTED, POLLER_PULLED), sum(ROUTED), online,
                devices.isPresent() && online.isPresent()
                        ? OptionalDouble.of(Math.max(0, devices.getAsDouble() - online.getAsDouble())) : OptionalDouble.empty(),
                sum(WEBHOOK_DEAD_LETTERED, USAGE_DEAD_LETTERED, POLLER_DEAD_LETTERED, TOPOLOGY_DEAD_LETTERS), lag());
    }

    /** The line between two snapshots. */
    static Line line(Snapshot before, Snapshot now) {
        double seconds = (now.nanos() - before.nanos()) / 1e9;
        OptionalDouble rate = now.eventsIn().isPresent() && seconds > 0
                ? OptionalDouble.of(Math.max(0, now.eventsIn().getAsDouble()
                        - before.eventsIn().orElse(0)) / seconds)
                : OptionalDouble.empty();
        String text = "status: in " + (rate.isPresent() ? String.format(Locale.ROOT, "%.1f", rate.getAsDouble()) : MISSING)
                + " events/s, out " + whole(now.recordsOut()) + " category records, devices " + whole(now.devicesOnline())
                + " online / " + whole(now.devicesOffline()) + " offline, dlq " + whole(now.deadLetters())
                + ", lag " + whole(now.lag());
        return new Line(text, rate, now.recordsOut(), now.devicesOnline(), now.devicesOffline(), now.deadLetters(), now.lag());
    }

    private static String whole(OptionalDouble value) {
        return value.isPresent() ? Long.toString(Math.round(value.getAsDouble())) : MISSING;
    }

    /** The sum over every meter of these names (all tags, both registries); empty when none is registered. */
    private OptionalDouble sum(String... names) {
        double total = 0;
        boolean found = false;
        for (MeterRegistry registry : registries) {
            for (String name : names) {
                for (Meter meter : registry.find(name).meters()) {
                    OptionalDouble value = value(meter);
                    if (value.isPresent()) {
                        total += value.getAsDouble();
                        found = true;
                    }
                }
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    /**
     * The Kafka Streams main consumer's lag: its records-lag per assigned partition, summed. The restore consumer's
     * is left out (restoring is not falling behind the input); a partition not fetched yet reports NaN and counts as
     * unknown. Kafka reports a topic with dots twice, also as the name with underscores
     * ({@code emnify_events_raw}, deprecated): each partition is counted once.
     */
    private OptionalDouble lag() {
        Map<String, Double> byPartition = new HashMap<>();
        for (MeterRegistry registry : registries) {
            for (Meter meter : registry.find(RECORDS_LAG).meters()) {
                String client = String.valueOf(meter.getId().getTag("client.id"));
                if (client.endsWith("restore-consumer")) {
                    continue;
                }
                OptionalDouble value = value(meter);
                if (value.isPresent()) {
                    String topic = String.valueOf(meter.getId().getTag("topic")).replace('.', '_');
                    byPartition.merge(client + " " + topic + " " + meter.getId().getTag("partition"), value.getAsDouble(),
                            Math::max);
                }
            }
        }
        return byPartition.isEmpty() ? OptionalDouble.empty()
                : OptionalDouble.of(byPartition.values().stream().mapToDouble(Double::doubleValue).sum());
    }

    /** A counter's count, a gauge's value; empty when it has neither or it is NaN. */
    private static OptionalDouble value(Meter meter) {
        for (Measurement measurement : meter.measure()) {
            Statistic statistic = measurement.getStatistic();
            if (statistic == Statistic.COUNT || statistic == Statistic.VALUE || statistic == Statistic.TOTAL) {
                double value = measurement.getValue();
                return Double.isNaN(value) || Double.isInfinite(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
            }
        }
        return OptionalDouble.empty();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The meters at one instant; empty where a meter is not registered. */
    record Snapshot(long nanos, OptionalDouble eventsIn, OptionalDouble recordsOut, OptionalDouble devicesOnline,
                    OptionalDouble devicesOffline, OptionalDouble deadLetters, OptionalDouble lag) {
    }

    /** One status line: its text, and its numbers for the JSON fields. */
    record Line(String text, OptionalDouble eventsInPerSecond, OptionalDouble recordsOut, OptionalDouble devicesOnline,
                OptionalDouble devicesOffline, OptionalDouble deadLetters, OptionalDouble lag) {
    }
}
