package io.fleetstream.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.simulate.TrafficGenerator;
import io.fleetstream.app.simulate.TrafficProfile;
import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.Imsi;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.VisitedOperator;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.schemas.emnify.EmnifyEventReader;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.schemas.emnify.ReadResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Fills a raw topic with simulated traffic as ingest would write it (normalised, Avro in the wire format, keyed by
 * device), generated and sent a second of simulated time at a time so that a million events never sit in memory.
 */
final class RawTopicLoader {

    /**
     * Simulated time generated at once: a second of a million devices attaching is about 20,000 events in memory as
     * JSON trees; a minute of it would not fit a default heap.
     */
    private static final Duration STEP = Duration.ofSeconds(1);

    /** What was loaded. */
    record Loaded(long events, long bytes) {
    }

    private RawTopicLoader() {
    }

    static Loaded load(String bootstrapServers, String topic, Serializer<EmnifyEvent> serializer, int devices, long events) {
        return loadSimulated(bootstrapServers, topic, serializer, devices, events);
    }

    /**
     * One Create PDP Context for each of {@code devices} devices (endpoint ids 1 to {@code devices}), spread over the
     * last hour, as a fleet coming online: device state for every device at the least broker and topology time. Built
     * directly rather than simulated, because the simulator makes four or five attach events a device to get there.
     */
    static Loaded loadSessionStarts(String bootstrapServers, String topic, Serializer<EmnifyEvent> serializer, int devices) {
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = end.minus(Duration.ofHours(1));
        long spacing = Math.max(1, Duration.ofHours(1).toMillis() / devices);
        long bytes = 0;
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            for (int device = 1; device <= devices; device++) {
                Instant at = start.plusMillis(device * spacing);
                EmnifyEvent event = EmnifyEvent.newBuilder()
                        .setId(device)
                        .setTimestamp(at)
                        .setEventType(new CodedValue(EventTypes.CREATE_PDP_CONTEXT.id(), EventTypes.CREATE_PDP_CONTEXT.name()))
                        .setEventSource(new CodedValue(0, "Network"))
                        .setEventSeverity(new CodedValue(0, "Info"))
                        .setDescription("PDP Context created")
                        .setOrganisation(new Organisation(1L + device % 50, "bench organisation " + (1 + device % 50)))
                        .setEndpoint(Endpoint.newBuilder().setId(device).setName("device " + device)
                                .setIpAddress("10.0." + (device >> 8 & 255) + "." + (device & 255)).build())
                        .setImsi(Imsi.newBuilder().setImsi(Long.toString(295050900000000L + device)).build())
                        .setOperator(VisitedOperator.newBuilder().setId(3L).setName("Vodafone").setCountryName("Germany")
                                .setMcc("262").setMnc("02").build())
                        .setPdp(PdpSession.newBuilder().setSessionId("session-" + device).setApn("em").setRatType(6)
                                .setTunnelCreated(at).build())
                        .setDetailEncoding(DetailEncoding.NONE)
                        .setIngest(new IngestMetadata(IngestSource.SIMULATOR, at.plusSeconds(1)))
                        .build();
                byte[] value = serializer.serialize(topic, event);
                producer.send(new ProducerRecord<>(topic, EventKeys.keyOf(event), value));
                bytes += value.length;
            }
            producer.flush();
        }
        return new Loaded(devices, bytes);
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer());
    }

    private static Loaded loadSimulated(String bootstrapServers, String topic, Serializer<EmnifyEvent> serializer,
                                        int devices, long events) {
        // a day ago: recent enough that every event is kept in history (90 days from its own time), as live traffic is
        Instant start = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        TrafficGenerator generator = new TrafficGenerator(TrafficProfile.of(devices, 7, start));
        EmnifyEventReader reader = new EmnifyEventReader();
        long sent = 0;
        long bytes = 0;
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            Instant t = generator.position();
            while (sent < events) {
                t = t.plus(STEP);
                // received a little after the event, as from a Data Streamer that keeps up
                for (ObjectNode json : generator.advanceTo(t)) {
                    if (reader.read(json, IngestSource.SIMULATOR, t.plusSeconds(1)) instanceof ReadResult.Accepted<EmnifyEvent> accepted) {
                        EmnifyEvent event = accepted.record();
                        byte[] value = serializer.serialize(topic, event);
                        producer.send(new ProducerRecord<>(topic, EventKeys.keyOf(event), value));
                        bytes += value.length;
                        if (++sent == events) {
                            break;
                        }
                    }
                }
            }
            producer.flush();
        }
        return new Loaded(sent, bytes);
    }
}
