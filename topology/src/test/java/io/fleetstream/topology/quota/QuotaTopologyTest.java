package io.fleetstream.topology.quota;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.ExhaustionAction;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.QuotaManagement;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.TopologyConfig;
import io.fleetstream.topology.testing.TestEvents;
import io.fleetstream.topology.testing.TopologyFixture;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class QuotaTopologyTest {

    @TempDir
    Path stateDir;
    private TopologyFixture fixture;
    private final TestEvents device = new TestEvents(5001, 77);
    private final TestEvents other = new TestEvents(5002, 77);

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(TopologyConfig.defaults(Topics.withDefaultPrefix()), stateDir, T0);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static QuotaDetail assignment(double volume, int action) {
        return QuotaDetail.newBuilder().setStatusId(1).setVolume(volume).setLastVolumeAdded(volume)
                .setThresholdPercentage(20.0).setThresholdVolume(volume / 5).setActionOnExhaustionId(action)
                .setPeakThroughput(128000L).setExpiry(Instant.parse("2025-04-01T00:00:00Z")).setAutoRefill(false)
                .build();
    }

    private static QuotaDetail remaining(double volume) {
        return QuotaDetail.newBuilder().setVolume(volume).build();
    }

    private KeyValueStore<String, QuotaState> quotaStore() {
        return fixture.driver.getKeyValueStore(QuotaStateProcessor.STATE_STORE);
    }

    @Test
    void assignThresholdUsedUpAndANewAssignmentEachEmitTheQuotaState() {
        fixture.send(device.quota(56, at(0), assignment(100, 2)));
        fixture.send(device.createPdp(at(1), "s1")); // no quota event: no quota state
        fixture.send(device.quota(18, at(30), remaining(19.5)));
        fixture.send(device.quota(19, at(50), remaining(-0.3)));
        EmnifyEvent reassigned = device.quota(56, at(60), assignment(500, 1));
        fixture.send(reassigned);

        List<KeyValue<String, QuotaState>> records = fixture.quotaStates.readKeyValuesToList();
        assertThat(records).extracting(r -> r.key).containsOnly(device.key());
        assertThat(records).extracting(r -> r.value.getData().getStatus())
                .containsExactly(QuotaStatus.ACTIVE, QuotaStatus.ACTIVE, QuotaStatus.EXHAUSTED, QuotaStatus.ACTIVE);
        assertThat(records).extracting(r -> r.value.getData().getThresholdReached())
                .containsExactly(false, true, true, false);
        assertThat(records).extracting(r -> r.value.getData().getRemainingVolume())
                .containsExactly(100.0, 19.5, -0.3, 500.0);

        QuotaState last = records.get(records.size() - 1).value;
        assertThat(last.getEndpointId()).isEqualTo(5001L);
        assertThat(last.getOrganisationId()).isEqualTo(77L);
        assertThat(last.getData().getActionOnExhaustion()).isEqualTo(ExhaustionAction.BLOCK);
        assertThat(last.getData().getEventId()).isEqualTo(reassigned.getId());
        assertThat(last.getSms().getStatus()).isEqualTo(QuotaStatus.NONE);
        assertThat(quotaStore().get(device.key())).isEqualTo(last);
    }

    @Test
    void expiredAndDeletedQuotasAreKeptWithTheirStatus() {
        fixture.send(device.quota(56, at(0), assignment(100, 1)));
        fixture.send(device.quota(58, at(0), assignment(50, 1)));
        fixture.send(other.quota(56, at(0), assignment(10, 1)));
        fixture.send(device.quota(60, at(90), null));
        EmnifyEvent smsDeleted = device.quota(59, at(95), null);
        fixture.send(smsDeleted);
        fixture.send(other.quota(57, at(99), null));

        QuotaState a = quotaStore().get(device.key());
        assertThat(a.getData().getStatus()).isEqualTo(QuotaStatus.EXPIRED);
        assertThat(a.getData().getChangedAt()).isEqualTo(at(90));
        assertThat(a.getSms().getStatus()).isEqualTo(QuotaStatus.DELETED);
        assertThat(a.getSms().getEventId()).isEqualTo(smsDeleted.getId());
        QuotaState b = quotaStore().get(other.key());
        assertThat(b.getData().getStatus()).isEqualTo(QuotaStatus.DELETED);
        assertThat(b.getData().getAssignedVolume()).isEqualTo(10.0);
        assertThat(fixture.quotaStates.readKeyValuesToMap()).containsEntry(device.key(), a).containsEntry(other.key(), b);
    }

    @Test
    void duplicatesAndOlderEventsEmitNothing() {
        EmnifyEvent assigned = device.quota(56, at(0), assignment(100, 1));
        EmnifyEvent usedUp = device.quota(19, at(50), remaining(0));
        fixture.send(assigned);
        fixture.send(usedUp);
        fixture.quotaStates.readValuesToList();

        fixture.send(TestEvents.copyOf(usedUp));
        fixture.send(device.quota(18, at(30), remaining(19))); // happened before the used-up
        fixture.send(TestEvents.copyOf(assigned));

        assertThat(fixture.quotaStates.isEmpty()).isTrue();
        EndpointQuota data = quotaStore().get(device.key()).getData();
        assertThat(data.getStatus()).isEqualTo(QuotaStatus.EXHAUSTED);
        assertThat(data.getEventId()).isEqualTo(usedUp.getId());
    }

    @Test
    void outOfOrderEventsEndInTheStateOfTheirEventTimeOrder() {
        EmnifyEvent assigned = device.quota(58, at(0), assignment(50, 1));
        EmnifyEvent threshold = device.quota(20, at(10), remaining(9));
        EmnifyEvent usedUp = device.quota(21, at(20), remaining(0));
        EmnifyEvent dataAssigned = device.quota(56, at(40), assignment(100, 2));

        fixture.send(dataAssigned);
        fixture.send(usedUp);
        fixture.send(threshold);
        fixture.send(assigned);

        QuotaState state = quotaStore().get(device.key());
        assertThat(state.getSms().getStatus()).as("the SMS events are not held back by the newer data event")
                .isEqualTo(QuotaStatus.EXHAUSTED);
        assertThat(state.getSms().getRemainingVolume()).isEqualTo(0.0);
        assertThat(state.getSms().getEventId()).isEqualTo(usedUp.getId());
        assertThat(state.getSms().getAssignedVolume()).as("the late assignment fills in its settings").isEqualTo(50.0);
        assertThat(state.getData().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(fixture.quotaStates.readValuesToList()).as("data, used up, late assignment; not the late threshold")
                .hasSize(3);
    }

    @Test
    void quotaManagementIsKeptPerOrganisationAndPublishedUnderTheOrganisationId() {
        TestEvents acme = new TestEvents(1, 9684);
        EmnifyEvent example = QuotaExamples.dataQuotaEnabled015().event(); // organisation 9684, profile 99133
        fixture.send(example);
        fixture.send(acme.organisationEvent(54, at(0), "SMS quota management enabled for service profile (id = 4 - Meters)"));
        fixture.send(acme.organisationEvent(53, at(1), "Data quota management disabled for service profile (id = 4 - Meters)"));
        fixture.send(TestEvents.copyOf(example));

        List<KeyValue<String, QuotaManagementState>> records = fixture.quotaManagement.readKeyValuesToList();
        assertThat(records).hasSize(3).extracting(r -> r.key).containsOnly("9684");
        QuotaManagementState last = records.get(2).value;
        assertThat(last.getOrganisationId()).isEqualTo(9684L);
        assertThat(last.getServiceProfiles()).containsOnlyKeys("4", "99133");
        assertThat(QuotaManagementLedger.profile(last, 4L).orElseThrow().getSms().getStatus())
                .isEqualTo(QuotaManagement.ENABLED);
        assertThat(QuotaManagementLedger.profile(last, 4L).orElseThrow().getData().getStatus())
                .isEqualTo(QuotaManagement.DISABLED);
        assertThat(QuotaManagementLedger.profile(last, 99133L).orElseThrow().getData().getStatus())
                .isEqualTo(QuotaManagement.ENABLED);

        KeyValueStore<String, QuotaManagementState> store =
                fixture.driver.getKeyValueStore(QuotaManagementProcessor.MANAGEMENT_STORE);
        assertThat(store.get(QuotaManagementProcessor.storeKey(9684))).isEqualTo(last);
        assertThat(fixture.quotaStates.isEmpty()).as("no device quota from organisation events").isTrue();
    }

    @Test
    void aManagementEventThatCarriesAnEndpointIsStillKeptUnderItsOrganisation() {
        EmnifyEvent withEndpoint = device.base(54, "SMS quota enabled", 2, at(0))
                .setDescription("SMS quota management enabled for service profile (id = 8 - Sensors)").build();
        fixture.send(withEndpoint); // keyed by the endpoint, not org-77

        assertThat(fixture.quotaManagement.readKeyValue().key).isEqualTo("77");
        KeyValueStore<String, QuotaManagementState> store =
                fixture.driver.getKeyValueStore(QuotaManagementProcessor.MANAGEMENT_STORE);
        assertThat(QuotaManagementLedger.profile(store.get("org-77"), 8L).orElseThrow().getSms().getStatus())
                .isEqualTo(QuotaManagement.ENABLED);
        assertThat(fixture.quotaStates.isEmpty()).isTrue();
    }

    @Test
    void bothTablesArePersistentAndLoggedToNamedChangelogs() {
        fixture.send(device.quota(56, at(0), assignment(100, 1)));
        fixture.send(device.organisationEvent(52, at(0), "Data quota management enabled for service profile (id = 1)"));

        assertThat(quotaStore().persistent()).isTrue();
        assertThat(fixture.driver.getKeyValueStore(QuotaManagementProcessor.MANAGEMENT_STORE).persistent()).isTrue();
        assertThat(fixture.driver.producedTopicNames()).contains(
                "fleetstream-test-quota-state-changelog", "fleetstream-test-quota-management-changelog",
                fixture.topics.quotaState(), fixture.topics.quotaManagement());
    }
}
