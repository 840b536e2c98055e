package io.fleetstream.topology.quota;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.QuotaManagement;
import io.fleetstream.avro.QuotaManagementSetting;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.ServiceProfileQuotaManagement;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.schemas.emnify.EventOrder;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An organisation's quota management: for each service profile, whether data and SMS quota
 * management are enabled (52 / 54) or disabled (53 / 55). With management enabled, the profile's
 * endpoints without an active quota are throttled or blocked, so this table explains why a device
 * without a quota cannot connect.
 *
 * <p>The events have no endpoint and no detail; the service profile is parsed from the description
 * ({@link ServiceProfileReference}). A description that names none is kept under the key
 * {@value #UNNAMED_PROFILE} rather than dropped. Each setting (profile × data/SMS) orders its own events
 * ({@link EventOrder}: event time, then event id), as {@link QuotaLedger} does for a device's
 * quotas: older events and repeats change nothing.
 *
 * <p>Plain Java, no Kafka types; changes the Avro state it is given in place.
 */
public final class QuotaManagementLedger {

    /** Which setting an event type changes, and to what. */
    private record Change(QuotaKind kind, QuotaManagement status) {
    }

    /** The quota management events, by event type id from the catalog. */
    private static final Map<Integer, Change> CHANGES = Map.of(
            EventTypes.DATA_QUOTA_ENABLED.id(), new Change(QuotaKind.DATA, QuotaManagement.ENABLED),
            EventTypes.DATA_QUOTA_DISABLED.id(), new Change(QuotaKind.DATA, QuotaManagement.DISABLED),
            EventTypes.SMS_QUOTA_ENABLED.id(), new Change(QuotaKind.SMS, QuotaManagement.ENABLED),
            EventTypes.SMS_QUOTA_DISABLED.id(), new Change(QuotaKind.SMS, QuotaManagement.DISABLED));

    /** The map key of the changes whose description names no service profile. */
    public static final String UNNAMED_PROFILE = "unnamed";

    /** What one call did: the state (possibly the same object) and whether it changed. */
    public record Outcome(QuotaManagementState state, boolean changed) {
    }

    /** Whether the event is a quota management change (52-55) of a known organisation. */
    public static boolean isRelevant(EmnifyEvent event) {
        return event.getOrganisation() != null && CHANGES.containsKey(event.getEventType().getId());
    }

    /** An organisation never seen: no profile known. */
    public static QuotaManagementState none(long organisationId) {
        return QuotaManagementState.newBuilder()
                .setOrganisationId(organisationId)
                .setServiceProfiles(new HashMap<>())
                .build();
    }

    /** The key of a service profile in {@code service_profiles}: its id, or {@value #UNNAMED_PROFILE} for none. */
    public static String profileKey(Long serviceProfileId) {
        return serviceProfileId == null ? UNNAMED_PROFILE : Long.toString(serviceProfileId);
    }

    /** The entry of one service profile ({@code null}: the unnamed one), if the organisation has one. */
    public static Optional<ServiceProfileQuotaManagement> profile(QuotaManagementState state, Long serviceProfileId) {
        return Optional.ofNullable(state.getServiceProfiles().get(profileKey(serviceProfileId)));
    }

    /** Applies one event of the organisation. {@code state} is null for an organisation never seen. */
    public Outcome apply(QuotaManagementState state, EmnifyEvent event) {
        if (!isRelevant(event)) {
            return new Outcome(state, false);
        }
        Change change = CHANGES.get(event.getEventType().getId());
        Optional<ServiceProfileReference> reference = ServiceProfileReference.in(event.getDescription());
        Long profileId = reference.map(ServiceProfileReference::id).orElse(null);

        QuotaManagementState s = state != null ? state : none(event.getOrganisation().getId());
        Map<String, ServiceProfileQuotaManagement> profiles = new HashMap<>(s.getServiceProfiles());
        ServiceProfileQuotaManagement profile = profiles.computeIfAbsent(profileKey(profileId),
                ignored -> ServiceProfileQuotaManagement.newBuilder()
                        .setServiceProfileId(profileId)
                        .setData(unknown())
                        .setSms(unknown())
                        .build());
        QuotaManagementSetting setting = change.kind() == QuotaKind.DATA ? profile.getData() : profile.getSms();
        if (!EventOrder.follows(setting.getChangedAt(), setting.getEventId(), event)) {
            return new Outcome(s, false);
        }
        setting.setStatus(change.status());
        setting.setChangedAt(event.getTimestamp());
        setting.setEventId(event.getId());
        if (reference.isPresent() && reference.get().name() != null) {
            profile.setServiceProfileName(reference.get().name());
        }
        if (event.getOrganisation().getName() != null) {
            s.setOrganisationName(event.getOrganisation().getName());
        }
        s.setServiceProfiles(profiles);
        return new Outcome(s, true);
    }

    private static QuotaManagementSetting unknown() {
        return QuotaManagementSetting.newBuilder().setStatus(QuotaManagement.UNKNOWN).build();
    }
}
