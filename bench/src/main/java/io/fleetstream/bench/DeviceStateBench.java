package io.fleetstream.bench;

import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.catalog.EventType;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.topology.DeviceTimers;
import io.fleetstream.topology.device.DeviceStateProcessor;
import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * The device-state processor alone on a fleet of up to millions of devices, with its real RocksDB
 * stores (changelogging off: that cost belongs to the broker round trip, measured elsewhere): the
 * cost of one event including the Avro encoding of what it emits, of firing pending offlines, and
 * of a punctuator tick with nothing due; and the heap, which must not grow with the number of
 * devices because RocksDB holds the state off-heap.
 */
final class DeviceStateBench {

    private static final long DELETE_SPAN_MS = 100_000;

    private Serializer<EmnifyEvent> rawEvents;

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private long nextId = 1;

    private EmnifyEvent event(EventType type, long endpoint, Instant at) {
        return EmnifyEvent.newBuilder()
                .setId(nextId++)
                .setTimestamp(at)
                .setEventType(new CodedValue(type.id(), type.name()))
                .setEventSource(new CodedValue(0, "Network"))
                .setOrganisation(new Organisation(42L, "bench"))
                .setEndpoint(Endpoint.newBuilder().setId(endpoint).build())
                .setOperator(VisitedOperator.newBuilder().setId(3L).setName("Vodafone").setCountryName("Germany")
                        .setMcc("262").setMnc("02").build())
                .setPdp(type == EventTypes.UPDATE_LOCATION ? null : PdpSession.newBuilder().setSessionId("s-" + endpoint).setApn("em").setRatType(6)
                        .setTunnelCreated(T0).setVolumeTotal(type == EventTypes.DELETE_PDP_CONTEXT ? 1.5 : null).build())
                .setDetailEncoding(DetailEncoding.NONE)
                .setIngest(new IngestMetadata(IngestSource.SIMULATOR, at))
                .build();
    }

    void run(BenchReport report, int devices, Path workDir) {
        report.section("device state: " + String.format("%,d", devices) + " devices (processor + RocksDB stores)");
        AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
        Serializer<DeviceState> stateOut = serdes.forValue(DeviceState.class).serializer();
        Serializer<PresenceChange> presenceOut = serdes.forValue(PresenceChange.class).serializer();
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "fleetstream-bench");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<String, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0),
                workDir.resolve("devices").toFile());
        KeyValueStore<String, DeviceState> states = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.STATE_STORE), Serdes.String(),
                serdes.forValue(DeviceState.class)).withLoggingDisabled().withCachingDisabled().build();
        KeyValueStore<Bytes, byte[]> timers = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.TIMER_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        KeyValueStore<Bytes, byte[]> buffer = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.REORDER_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        KeyValueStore<String, byte[]> clock = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceStateProcessor.CLOCK_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        for (KeyValueStore<?, ?> store : java.util.List.of(states, timers, buffer, clock)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        var events = serdes.forValue(EmnifyEvent.class);
        rawEvents = events.serializer();
        DeviceStateProcessor processor = new DeviceStateProcessor(DeviceTimers.defaults(),
                events.deserializer(), "emnify.events.raw", "state", "presence");
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        processor.init(context);

        report.heap("before");
        // every device creates a session, one a millisecond of event time: each waits in the reorder buffer
        // until the clock is the lateness bound past it, so the figure includes buffering and release
        long start = System.nanoTime();
        for (long d = 1; d <= devices; d++) {
            process(processor, context, stateOut, presenceOut, event(EventTypes.CREATE_PDP_CONTEXT, d, T0.plusMillis(d)));
        }
        report.rate("Create PDP Context, new device (goes online)", devices, System.nanoTime() - start);
        report.heap("after " + String.format("%,d", devices) + " devices");

        // every session ends: a pending offline per device in the due-time index
        Instant deletes = T0.plus(Duration.ofHours(1));
        start = System.nanoTime();
        for (long d = 1; d <= devices; d++) {
            // within 100 s of event time, shorter than the offline window: none falls due while the deletes go on,
            // so this phase measures deletes, and the fire phase fires every offline
            process(processor, context, stateOut, presenceOut, event(EventTypes.DELETE_PDP_CONTEXT, d,
                    deletes.plusMillis(d % DELETE_SPAN_MS)));
        }
        report.rate("Delete PDP Context (pending offline indexed)", devices, System.nanoTime() - start);

        // punctuator ticks within seconds of the last record (the context's wall clock): nothing is due and the partition
        // is not idle, so a tick must cost next to nothing. (Ticks an hour later would find the partition idle, settle
        // its clock and fire most offlines at once: that is the fire phase's work, not a tick's.)
        var tick = context.scheduledPunctuators().get(0).getPunctuator();
        int ticks = 10_000;
        start = System.nanoTime();
        for (int i = 0; i < ticks; i++) {
            tick.punctuate(T0.plusMillis(i).toEpochMilli());
        }
        report.rate("wall-clock tick, " + String.format("%,d", devices) + " pending, none due", ticks, System.nanoTime() - start);

        // an event ten minutes after the last delete, and one that arrives a lateness bound later (this bench's
        // events arrive at their own time), move the clock past every due time: every device goes offline
        Instant late = deletes.plusMillis(DELETE_SPAN_MS).plus(Duration.ofMinutes(10));
        start = System.nanoTime();
        int fired = process(processor, context, stateOut, presenceOut, event(EventTypes.UPDATE_LOCATION, 0, late));
        fired += process(processor, context, stateOut, presenceOut, event(EventTypes.UPDATE_LOCATION, 0,
                late.plus(DeviceTimers.defaults().lateness()).plusSeconds(1)));
        report.rate("offline fired by stream time (per device)", fired, System.nanoTime() - start);
        report.heap("after every device went offline");
        report.json("devices");
        processor.close();
        states.close();
        timers.close();
        buffer.close();
        clock.close();
    }

    /**
     * One event, and the Avro encoding a sink would do of what it emitted; returns the presence changes. The event is
     * encoded first, as the raw topic holds it (in the topology those bytes come with the record, free).
     */
    private int process(DeviceStateProcessor processor, MockProcessorContext<String, Object> context,
                                Serializer<DeviceState> stateOut, Serializer<PresenceChange> presenceOut, EmnifyEvent event) {
        ReceivedEvent received = new ReceivedEvent(event, rawEvents.serialize("emnify.events.raw", event));
        processor.process(new Record<>(Long.toString(event.getEndpoint().getId()), received, event.getTimestamp().toEpochMilli()));
        int presence = 0;
        for (var forward : context.forwarded()) {
            Object value = forward.record().value();
            if (value instanceof DeviceState s) {
                stateOut.serialize("emnify.device.state", s);
            } else if (value instanceof PresenceChange p) {
                presenceOut.serialize("emnify.device.presence", p);
                presence++;
            }
        }
        context.resetForwards();
        return presence;
    }
}
