package io.fleetstream.topology.quota;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.QuotaManagement;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.ServiceProfileQuotaManagement;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class QuotaManagementLedgerTest {

    private static final int DATA_ENABLED = 52;
    private static final int DATA_DISABLED = 53;
    private static final int SMS_ENABLED = 54;
    private static final int SMS_DISABLED = 55;

    private final QuotaManagementLedger ledger = new QuotaManagementLedger();
    private final TestEvents org = new TestEvents(1, 9684);
    private QuotaManagementState state;

    private QuotaManagementLedger.Outcome apply(EmnifyEvent event) {
        QuotaManagementLedger.Outcome outcome = ledger.apply(state, event);
        state = outcome.state();
        return outcome;
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static String profile(long id, String name) {
        return "quota management changed for service profile (id = " + id + " - " + name + "), endpoints of this "
                + "service profile without an active quota will be throttled or blocked.";
    }

    private EmnifyEvent event(int type, Instant at, long profileId) {
        return org.organisationEvent(type, at, profile(profileId, "Profile " + profileId));
    }

    private ServiceProfileQuotaManagement profile(Long id) {
        return QuotaManagementLedger.profile(state, id).orElseThrow();
    }

    @Test
    void example015EnablesDataQuotaManagementForItsServiceProfile() {
        EmnifyEvent enabled = QuotaExamples.dataQuotaEnabled015().event();
        QuotaManagementLedger.Outcome outcome = apply(enabled);

        assertThat(outcome.changed()).isTrue();
        assertThat(state.getOrganisationId()).isEqualTo(9684L);
        assertThat(state.getOrganisationName()).isEqualTo("Example Org");
        assertThat(state.getServiceProfiles()).containsOnlyKeys("99133");
        assertThat(state.getServiceProfiles().values()).singleElement().satisfies(p -> {
            assertThat(p.getServiceProfileId()).isEqualTo(99133L);
            assertThat(p.getServiceProfileName()).isEqualTo("Generic Service Profile");
            assertThat(p.getData().getStatus()).isEqualTo(QuotaManagement.ENABLED);
            assertThat(p.getData().getChangedAt()).isEqualTo(Instant.parse("2022-07-14T13:32:49.046Z"));
            assertThat(p.getData().getEventId()).isEqualTo(215900319904123L);
            assertThat(p.getSms().getStatus()).isEqualTo(QuotaManagement.UNKNOWN);
            assertThat(p.getSms().getEventId()).isNull();
        });
    }

    @Test
    void eachEventTypeSetsItsOwnSetting() {
        apply(event(DATA_ENABLED, at(0), 1));
        apply(event(SMS_ENABLED, at(1), 1));
        assertThat(profile(1L).getData().getStatus()).isEqualTo(QuotaManagement.ENABLED);
        assertThat(profile(1L).getSms().getStatus()).isEqualTo(QuotaManagement.ENABLED);

        apply(event(DATA_DISABLED, at(2), 1));
        assertThat(profile(1L).getData().getStatus()).isEqualTo(QuotaManagement.DISABLED);
        assertThat(profile(1L).getSms().getStatus()).isEqualTo(QuotaManagement.ENABLED);

        EmnifyEvent smsOff = event(SMS_DISABLED, at(3), 1);
        apply(smsOff);
        assertThat(profile(1L).getSms().getStatus()).isEqualTo(QuotaManagement.DISABLED);
        assertThat(profile(1L).getSms().getChangedAt()).isEqualTo(at(3));
        assertThat(profile(1L).getSms().getEventId()).isEqualTo(smsOff.getId());
    }

    @Test
    void serviceProfilesAreKeptApartKeyedByTheirId() {
        apply(event(DATA_ENABLED, at(0), 300));
        apply(event(DATA_DISABLED, at(1), 20));
        apply(org.organisationEvent(SMS_ENABLED, at(2), "SMS quota management enabled"));

        assertThat(state.getServiceProfiles()).containsOnlyKeys("300", "20", QuotaManagementLedger.UNNAMED_PROFILE);
        assertThat(state.getServiceProfiles().get("20").getServiceProfileId()).isEqualTo(20L);
        assertThat(state.getServiceProfiles().get(QuotaManagementLedger.UNNAMED_PROFILE).getServiceProfileId()).isNull();
        assertThat(profile(300L).getData().getStatus()).isEqualTo(QuotaManagement.ENABLED);
        assertThat(profile(20L).getData().getStatus()).isEqualTo(QuotaManagement.DISABLED);
        assertThat(profile(null).getSms().getStatus()).as("a description naming no profile is kept, not dropped")
                .isEqualTo(QuotaManagement.ENABLED);
        assertThat(profile(null).getServiceProfileName()).isNull();
    }

    @Test
    void aLaterEventRenamesTheServiceProfile() {
        apply(org.organisationEvent(DATA_ENABLED, at(0), profile(5, "Old name")));
        apply(org.organisationEvent(SMS_ENABLED, at(1), profile(5, "New name")));

        assertThat(state.getServiceProfiles().values()).singleElement()
                .extracting(ServiceProfileQuotaManagement::getServiceProfileName).isEqualTo("New name");
    }

    @Test
    void olderEventDoesNotMoveASettingBack() {
        EmnifyEvent disabled = event(DATA_DISABLED, at(10), 1);
        apply(disabled);

        QuotaManagementLedger.Outcome late = apply(event(DATA_ENABLED, at(5), 1));

        assertThat(late.changed()).isFalse();
        assertThat(profile(1L).getData().getStatus()).isEqualTo(QuotaManagement.DISABLED);
        assertThat(profile(1L).getData().getEventId()).isEqualTo(disabled.getId());
    }

    @Test
    void anOldSmsChangeIsAppliedAfterANewerDataChange() {
        apply(event(DATA_ENABLED, at(10), 1));

        QuotaManagementLedger.Outcome sms = apply(event(SMS_ENABLED, at(5), 1));

        assertThat(sms.changed()).isTrue();
        assertThat(profile(1L).getSms().getStatus()).isEqualTo(QuotaManagement.ENABLED);
    }

    @Test
    void theSameEventAgainIsANoOp() {
        EmnifyEvent enabled = event(DATA_ENABLED, at(0), 1);
        apply(enabled);

        QuotaManagementLedger.Outcome again = apply(TestEvents.copyOf(enabled));

        assertThat(again.changed()).isFalse();
        assertThat(state.getServiceProfiles()).hasSize(1);
    }

    @Test
    void eventsOfTheSameInstantAreOrderedByEventId() {
        EmnifyEvent enabled = event(DATA_ENABLED, at(0), 1);
        EmnifyEvent disabled = event(DATA_DISABLED, at(0), 1); // the larger id: the later change

        apply(disabled);
        apply(enabled);

        assertThat(profile(1L).getData().getStatus()).isEqualTo(QuotaManagement.DISABLED);
    }

    @Test
    void otherEventsChangeNothing() {
        assertThat(apply(new TestEvents(77).quota(56, at(0), null)).changed()).isFalse();
        assertThat(apply(org.organisationEvent(12, at(0), "Organisation blocked")).changed()).isFalse();
        assertThat(state).isNull();
        assertThat(QuotaManagementLedger.isRelevant(org.organisationEvent(SMS_DISABLED, at(0), ""))).isTrue();
        assertThat(QuotaManagementLedger.isRelevant(org.organisationEvent(56, at(0), ""))).isFalse();
    }
}
