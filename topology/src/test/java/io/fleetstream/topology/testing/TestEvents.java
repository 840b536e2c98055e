package io.fleetstream.topology.testing;

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
import java.util.concurrent.atomic.AtomicLong;

/** Builds normalised events for one device, the way the ingest reader produces them. */
public final class TestEvents {

    public static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    /** shared by every device, as emnify's ids are unique across the platform */
    private static final AtomicLong IDS = new AtomicLong(1_000_000);
    private final long endpointId;
    private final long organisationId;
    /** {@code endpoint.tags} of every event, as emnify writes it: comma-separated names, or null */
    private final String tags;

    public TestEvents(long endpointId) {
        this(endpointId, 42);
    }

    public TestEvents(long endpointId, long organisationId) {
        this(endpointId, organisationId, null);
    }

    private TestEvents(long endpointId, long organisationId, String tags) {
        this.endpointId = endpointId;
        this.organisationId = organisationId;
        this.tags = tags;
    }

    /** The same device with {@code endpoint.tags} set to {@code tags} (null for none) in the events built from now. */
    public TestEvents taggedAs(String tags) {
        return new TestEvents(endpointId, organisationId, tags);
    }

    public long endpointId() {
        return endpointId;
    }

    public String key() {
        return Long.toString(endpointId);
    }

    public EmnifyEvent updateLocation(Instant at) {
        return base(1, "Update location", 0, at).setOperator(vodafone()).build();
    }

    public EmnifyEvent updateGprsLocation(Instant at) {
        return base(2, "Update GPRS location", 0, at).setOperator(vodafone()).build();
    }

    public EmnifyEvent createPdp(Instant at, String sessionId) {
        return base(3, "Create PDP Context", 0, at).setOperator(vodafone())
                .setPdp(PdpSession.newBuilder().setSessionId(sessionId).setApn("em").setRatType(6)
                        .setUeIpAddress("10.0.0.1").setTunnelCreated(at).build())
                .build();
    }

    public EmnifyEvent rejectedCreate(Instant at) {
        return base(3, "Create PDP Context", 1, at).setAlert(true)
                .setEventSeverity(new CodedValue(1, "Warn"))
                .setDescription("PDP Context Request rejected, because endpoint has no quota.")
                .build();
    }

    public EmnifyEvent deletePdp(Instant at, String sessionId, Instant tunnelCreated, double rx, double tx) {
        return base(5, "Delete PDP Context", 0, at).setOperator(vodafone())
                .setPdp(PdpSession.newBuilder().setSessionId(sessionId).setTunnelCreated(tunnelCreated)
                        .setVolumeRx(rx).setVolumeTx(tx).setVolumeTotal(rx + tx).build())
                .build();
    }

    public EmnifyEvent purge(Instant at) {
        return base(15, "Purge location", 0, at).build();
    }

    public EmnifyEvent purgeGprs(Instant at) {
        return base(16, "Purge GPRS location", 0, at).build();
    }

    public EmnifyEvent blocked(Instant at) {
        return base(11, "Endpoint blocked", 1, at).setAlert(true)
                .setDescription("Blocking data access for endpoint, traffic limit exceeded.").build();
    }

    public EmnifyEvent deviceOffline(Instant at) {
        return base(49, "Device offline", 0, at).build();
    }

    public EmnifyEvent quota(int type, Instant at, QuotaDetail quota) {
        return base(type, "quota " + type, 1, at).setQuota(quota).build();
    }

    /**
     * An organisation-level event (no endpoint), as quota management enabled/disabled (52-55) comes:
     * source API, the service profile only in the description.
     */
    public EmnifyEvent organisationEvent(int type, Instant at, String description) {
        return base(type, "type " + type, 2, at).setEndpoint(null).setDescription(description).build();
    }

    public EmnifyEvent ofType(int type, Instant at) {
        return base(type, "type " + type, 0, at).build();
    }

    /** The same event again: what an at-least-once source delivers. */
    public static EmnifyEvent copyOf(EmnifyEvent event) {
        return EmnifyEvent.newBuilder(event).build();
    }

    public EmnifyEvent.Builder base(int type, String typeName, int source, Instant at) {
        return EmnifyEvent.newBuilder()
                .setId(IDS.incrementAndGet())
                .setTimestamp(at)
                .setEventType(new CodedValue(type, typeName))
                .setEventSource(new CodedValue(source, source == 0 ? "Network" : source == 1 ? "Policy Control" : "API"))
                .setEventSeverity(new CodedValue(0, "Info"))
                .setAlert(false)
                .setDescription(typeName)
                .setOrganisation(new Organisation(organisationId, "Test Org"))
                .setEndpoint(Endpoint.newBuilder().setId(endpointId).setName("device " + endpointId).setTags(tags).build())
                .setDetailEncoding(DetailEncoding.NONE)
                .setIngest(new IngestMetadata(IngestSource.SIMULATOR, at));
    }

    private static VisitedOperator vodafone() {
        return VisitedOperator.newBuilder().setId(3L).setName("Vodafone").setCountryName("Germany")
                .setIsoCode("de").setMcc("262").setMnc("02").build();
    }
}
