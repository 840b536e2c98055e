package io.fleetstream.microbench;

import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventType;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.deadletter.DeadLetterSink;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.device.DeviceTopology;
import io.fleetstream.topology.routing.ReceivedEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A fleet of devices on one partition of the device-state processor: the processor in a {@link MockProcessorContext}
 * with its real RocksDB stores in a temporary directory (changelogging and caching off: a mock context has no
 * changelog, and that cost belongs to the broker round trip the macro benchmarks measure), and a timeline of events.
 *
 * <p><b>Time.</b> Every event arrives at its own event time (ingest time = event time, as live Data Streamer traffic
 * does, give or take), and each event is one step of event time after the one before. A step is
 * {@value #PASS_SPAN_SECONDS} s divided by the number of devices, so one event for every device spans
 * {@value #PASS_SPAN_SECONDS} s of event time whatever the fleet's size: less than the 5-minute offline window, so
 * no offline falls due in the middle of a pass of deletes. The processor therefore runs as it does live: every
 * connectivity event waits in the reorder buffer until the partition's clock (the lateness bound, 30 s of arrival,
 * behind) passes it, and each event's processing releases, on average, one event that arrived about 30 s before.
 */
final class DeviceFleet implements AutoCloseable {

    static final int PASS_SPAN_SECONDS = 100;

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String RAW = Topics.withDefaultPrefix().raw();
    private static final Organisation ORGANISATION = new Organisation(42L, "bench");
    private static final CodedValue NETWORK = new CodedValue(0, "Network");
    private static final CodedValue INFO = new CodedValue(0, "Info");
    private static final VisitedOperator OPERATOR = VisitedOperator.newBuilder().setId(3L).setName("Vodafone")
            .setCountryName("Germany").setMcc("262").setMnc("02").build();

    final int devices;
    final DeviceTimers timers = DeviceTimers.defaults();
    final MockProcessorContext<String, Object> context;
    final DeviceStateProcessor processor;
    private final Path directory;
    private final List<KeyValueStore<?, ?>> stores;
    private final Serializer<EmnifyEvent> wireFormat;
    private final Punctuator punctuator;
    /** per device: the number of its current (or last) data session */
    private final int[] sessions;
    private final long stepMicros;
    /** the event (and arrival) time of the next event, in microseconds */
    private long timeMicros = T0.toEpochMilli() * 1000;
    private long nextEventId = 1;

    DeviceFleet(int devices) {
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be at least 1, got " + devices);
        }
        this.devices = devices;
        this.sessions = new int[devices];
        this.stepMicros = Math.max(1, PASS_SPAN_SECONDS * 1_000_000L / devices);
        try {
            this.directory = Files.createTempDirectory("fleetstream-microbench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleetstream-microbench");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(config, new TaskId(0, 0), directory.toFile());
        KeyValueStore<String, DeviceState> states = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.STATE_STORE), Serdes.String(),
                serdes.forValue(DeviceState.class)).withLoggingDisabled().withCachingDisabled().build();
        KeyValueStore<Bytes, byte[]> timerIndex = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.TIMER_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        KeyValueStore<Bytes, byte[]> reorderBuffer = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.REORDER_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        KeyValueStore<String, byte[]> clock = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.CLOCK_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        stores = List.of(states, timerIndex, reorderBuffer, clock);
        for (KeyValueStore<?, ?> store : stores) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        Serde<EmnifyEvent> events = serdes.forValue(EmnifyEvent.class);
        wireFormat = events.serializer();
        processor = new DeviceStateProcessor(timers, events.deserializer(), RAW, "state", "presence",
                new DeadLetterSink("dead-letters", new SimpleMeterRegistry()).processingStage(DeviceTopology.STAGE));
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        processor.init(context);
        punctuator = context.scheduledPunctuators().get(0).getPunctuator();
    }

    /**
     * The next event of {@code device} as the processor receives it (decoded, and the bytes the raw topic holds),
     * one step of event time after the previous event. A Create PDP Context opens the device's next session; a
     * Delete PDP Context ends its current one.
     */
    Record<String, ReceivedEvent> next(EventType type, int device) {
        long at = timeMicros / 1000;
        timeMicros += stepMicros;
        return record(event(type, device, at));
    }

    /** Processes the next event of each device in {@code [from, to)}, outside any measurement. */
    void feed(EventType type, int from, int to) {
        for (int device = from; device < to; device++) {
            Record<String, ReceivedEvent> record = next(type, device);
            context.setCurrentSystemTimeMs(record.timestamp());
            processor.process(record);
            if (device % 1_000 == 0) {
                context.resetForwards();
            }
        }
        context.resetForwards();
    }

    /**
     * Lets {@code gap} of event time pass, then the partition receive nothing for the lateness bound, as a quiet
     * partition would: its clock reaches its latest event, every buffered event is applied and every offline due by
     * then fires. What follows arrives after the quiet spell, and waits in the buffer for the lateness bound again.
     */
    void settle(Duration gap) {
        long at = timeMicros / 1000 + gap.toMillis();
        timeMicros = at * 1000;
        // an organisation's event moves the partition's clock and changes no device
        Record<String, ReceivedEvent> tick = record(organisationEvent(at));
        timeMicros += stepMicros;
        context.setCurrentSystemTimeMs(at);
        processor.process(tick);
        long quietUntil = at + timers.lateness().toMillis();
        context.setCurrentSystemTimeMs(quietUntil);
        punctuator.punctuate(quietUntil);
        timeMicros = Math.max(timeMicros, (quietUntil + 1_000) * 1000);
        context.resetForwards();
    }

    /**
     * How many events arrive before the partition's clock passes the first of them (the lateness bound, and the clock's
     * one-second steps of arrival): fed before a measurement starts, they fill the reorder buffer as steady traffic
     * keeps it filled.
     */
    int lag() {
        long lagMicros = (timers.lateness().toMillis() + 2_000) * 1000;
        return (int) Math.min(devices, (lagMicros + stepMicros - 1) / stepMicros);
    }

    /** The processor's wall-clock punctuation, at {@code wallClock}. */
    void tick(long wallClock) {
        punctuator.punctuate(wallClock);
    }

    /** The wall-clock time of the last record processed outside a measurement. */
    long lastRecordWallClock() {
        return context.currentSystemTimeMs();
    }

    private Record<String, ReceivedEvent> record(EmnifyEvent event) {
        String key = event.getEndpoint() == null
                ? EventKeys.keyOf(event) : EventKeys.ofEndpoint(event.getEndpoint().getId());
        return new Record<>(key, new ReceivedEvent(event, wireFormat.serialize(RAW, event)),
                event.getTimestamp().toEpochMilli());
    }

    private EmnifyEvent event(EventType type, int device, long atMillis) {
        Instant at = Instant.ofEpochMilli(atMillis);
        long endpoint = 1_000_000L + device;
        PdpSession pdp = null;
        if (type == EventTypes.CREATE_PDP_CONTEXT) {
            pdp = PdpSession.newBuilder().setSessionId(session(endpoint, ++sessions[device])).setApn("em")
                    .setRatType(6).setTunnelCreated(at).build();
        } else if (type == EventTypes.DELETE_PDP_CONTEXT) {
            pdp = PdpSession.newBuilder().setSessionId(session(endpoint, sessions[device])).setApn("em")
                    .setRatType(6).setVolumeRx(1.0).setVolumeTx(0.5).setVolumeTotal(1.5).build();
        }
        return EmnifyEvent.newBuilder()
                .setId(nextEventId++)
                .setTimestamp(at)
                .setEventType(new CodedValue(type.id(), type.name()))
                .setEventSource(NETWORK)
                .setEventSeverity(INFO)
                .setOrganisation(ORGANISATION)
                .setEndpoint(Endpoint.newBuilder().setId(endpoint).setName("device " + device).build())
                .setOperator(OPERATOR)
                .setPdp(pdp)
                .setDetailEncoding(DetailEncoding.NONE)
                .setIngest(new IngestMetadata(IngestSource.STREAMER, at))
                .build();
    }

    private EmnifyEvent organisationEvent(long atMillis) {
        Instant at = Instant.ofEpochMilli(atMillis);
        EventType type = EventTypes.DATA_QUOTA_ENABLED;
        return EmnifyEvent.newBuilder()
                .setId(nextEventId++)
                .setTimestamp(at)
                .setEventType(new CodedValue(type.id(), type.name()))
                .setEventSource(new CodedValue(2, "Policy Control"))
                .setOrganisation(ORGANISATION)
                .setDetailEncoding(DetailEncoding.NONE)
                .setIngest(new IngestMetadata(IngestSource.STREAMER, at))
                .build();
    }

    private static String session(long endpoint, int number) {
        return "s-" + endpoint + "-" + number;
    }

    @Override
    public void close() {
        processor.close();
        for (KeyValueStore<?, ?> store : stores) {
            store.close();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
