package io.fleetstream.app.query;

import io.fleetstream.avro.CodedValue;
import io.fleetstream.avro.DetailEncoding;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Endpoint;
import io.fleetstream.avro.IngestMetadata;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.Organisation;
import io.fleetstream.avro.PdpSession;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.VisitedOperator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;

/**
 * A small fleet's events, normalised as ingest writes them to the raw topic, with what the query API
 * must answer about them: every device's status and history, every organisation's history.
 */
final class SimulatedFleet {

    static final long FIRST_DEVICE = 100_001;

    private final Instant start;
    private final int devices;
    private final List<EmnifyEvent> events = new ArrayList<>();
    private long nextId = 5_000_000;

    SimulatedFleet(Instant start, int devices) {
        this.start = start;
        this.devices = devices;
        for (int i = 1; i <= devices; i++) {
            long endpoint = FIRST_DEVICE + i - 1;
            Instant t = start.plusSeconds(i);
            add(event(endpoint, 1, "Update location", 0, 0, t).setOperator(operator()));
            add(event(endpoint, 3, "Create PDP Context", 0, 0, t.plusSeconds(10)).setOperator(operator())
                    .setPdp(PdpSession.newBuilder().setSessionId("s" + endpoint).setApn("em").setRatType(6)
                            .setTunnelCreated(t.plusSeconds(10)).build()));
            if (i % 4 == 0) {
                add(event(endpoint, 3, "Create PDP Context", 1, 1, t.plusSeconds(15)).setAlert(true)
                        .setDescription("PDP Context Request rejected, because endpoint has no quota."));
            }
            if (i % 3 == 0) {
                add(event(endpoint, 5, "Delete PDP Context", 0, 0, t.plusSeconds(20)).setOperator(operator())
                        .setPdp(PdpSession.newBuilder().setSessionId("s" + endpoint).setTunnelCreated(t.plusSeconds(10))
                                .setVolumeRx(1.5).setVolumeTx(0.5).setVolumeTotal(2.0).build()));
            }
            if (i % 6 == 0) {
                add(event(endpoint, 56, "Data quota assigned", 2, 0, t.plusSeconds(25))
                        .setQuota(QuotaDetail.newBuilder().setStatusId(1).setVolume(100.0).setActionOnExhaustionId(1).build()));
            }
            if (i % 8 == 0) {
                add(event(endpoint, 19, "Quota used up", 1, 1, t.plusSeconds(27)).setAlert(true)
                        .setQuota(QuotaDetail.newBuilder().setVolume(0.0).build()));
            }
            if (i % 5 == 0) {
                add(event(endpoint, 15, "Purge location", 0, 0, t.plusSeconds(30)));
            }
        }
        add(event(0, 52, "Data quota enabled", 2, 0, start).setEndpoint(null).setOrganisation(new Organisation(11L, "Org 11"))
                .setDescription("Data quota management enabled for service profile (id = 4 - Meters)"));
        add(event(0, 54, "SMS quota enabled", 2, 0, start).setEndpoint(null).setOrganisation(new Organisation(12L, "Org 12"))
                .setDescription("SMS quota management enabled for service profile (id = 9 - Pumps)"));
    }

    List<EmnifyEvent> events() {
        return List.copyOf(events);
    }

    List<Long> deviceIds() {
        return LongStream.range(FIRST_DEVICE, FIRST_DEVICE + devices).boxed().toList();
    }

    static long organisationOf(long endpoint) {
        return endpoint % 2 == 0 ? 12 : 11;
    }

    /** The connectivity status each device ends in: purged devices OFFLINE, ended sessions ATTACHED, else ONLINE. */
    String statusOf(long endpoint) {
        long i = endpoint - FIRST_DEVICE + 1;
        return i % 5 == 0 ? "OFFLINE" : i % 3 == 0 ? "ATTACHED" : "ONLINE";
    }

    /** Ids of a device's events matching the type filter (null: all), newest first. */
    List<Long> deviceHistory(long endpoint, List<Integer> types) {
        return newestFirst(events.stream().filter(e -> e.getEndpoint() != null && e.getEndpoint().getId() == endpoint)
                .filter(e -> types == null || types.contains(e.getEventType().getId())).toList());
    }

    /** Ids of an organisation's events, newest first. */
    List<Long> organisationHistory(long organisation) {
        return newestFirst(events.stream().filter(e -> e.getOrganisation().getId() == organisation).toList());
    }

    private static List<Long> newestFirst(List<EmnifyEvent> list) {
        return list.stream()
                .sorted(Comparator.comparing(EmnifyEvent::getTimestamp).thenComparing(EmnifyEvent::getId).reversed())
                .map(EmnifyEvent::getId).toList();
    }

    private void add(EmnifyEvent.Builder builder) {
        events.add(builder.build());
    }

    private EmnifyEvent.Builder event(long endpoint, int type, String name, int source, int severity, Instant at) {
        return EmnifyEvent.newBuilder()
                .setId(nextId++)
                .setTimestamp(at)
                .setEventType(new CodedValue(type, name))
                .setEventSource(new CodedValue(source, source == 0 ? "Network" : source == 1 ? "Policy Control" : "API"))
                .setEventSeverity(new CodedValue(severity, severity == 0 ? "Info" : "Warn"))
                .setAlert(false)
                .setDescription(name)
                .setOrganisation(new Organisation(organisationOf(endpoint), "Org " + organisationOf(endpoint)))
                .setEndpoint(Endpoint.newBuilder().setId(endpoint).setName("meter " + endpoint).build())
                .setDetailEncoding(DetailEncoding.NONE)
                .setIngest(new IngestMetadata(IngestSource.SIMULATOR, at));
    }

    private static VisitedOperator operator() {
        return VisitedOperator.newBuilder().setId(3L).setName("Vodafone").setCountryName("Germany")
                .setIsoCode("de").setMcc("262").setMnc("02").build();
    }
}
