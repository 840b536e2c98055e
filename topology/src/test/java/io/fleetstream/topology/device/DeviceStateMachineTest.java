package io.fleetstream.topology.device;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.Presence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.PresenceReason;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class DeviceStateMachineTest {

    private final DeviceStateMachine machine = new DeviceStateMachine(Duration.ofMinutes(5));
    private final TestEvents device = new TestEvents(733023);
    private DeviceState state;
    private final List<PresenceChange> changes = new ArrayList<>();

    private DeviceStateMachine.Outcome apply(EmnifyEvent event) {
        DeviceStateMachine.Outcome outcome = machine.apply(state, event);
        state = outcome.state();
        changes.addAll(outcome.presenceChanges());
        return outcome;
    }

    private DeviceStateMachine.Outcome expireAt(Instant now) {
        DeviceStateMachine.Outcome outcome = machine.expire(state, now);
        state = outcome.state();
        changes.addAll(outcome.presenceChanges());
        return outcome;
    }

    private static Instant at(int minutes, int seconds) {
        return T0.plus(Duration.ofMinutes(minutes).plusSeconds(seconds));
    }

    /** attach, then a session from 0:00 to 10:00 */
    private void onlineThenSessionEndsAtTenMinutes() {
        apply(device.updateLocation(at(-1, 0)));
        apply(device.createPdp(at(0, 0), "s1"));
        apply(device.deletePdp(at(10, 0), "s1", at(0, 0), 0.4, 0.2));
    }

    @Test
    void firstAcceptedCreateBringsANeverSeenDeviceOnline() {
        apply(device.createPdp(T0, "s1"));

        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ONLINE);
        assertThat(state.getOnline()).isTrue();
        assertThat(state.getSession().getSessionId()).isEqualTo("s1");
        assertThat(state.getSession().getApn()).isEqualTo("em");
        assertThat(state.getSessions()).isEqualTo(1);
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.getFrom()).isEqualTo(Presence.OFFLINE);
            assertThat(c.getTo()).isEqualTo(Presence.ONLINE);
            assertThat(c.getAt()).isEqualTo(T0);
            assertThat(c.getReason()).isEqualTo(PresenceReason.PDP_CREATED);
        });
    }

    @Test
    void deleteOfTheOpenSessionLeavesTheDeviceAttachedAndOnlineWithAPendingOffline() {
        onlineThenSessionEndsAtTenMinutes();

        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        assertThat(state.getOnline()).isTrue();
        assertThat(state.getSession()).isNull();
        assertThat(state.getOfflineDueAt()).isEqualTo(at(15, 0));
        assertThat(state.getLastSession().getSessionId()).isEqualTo("s1");
        assertThat(state.getLastSession().getDurationMs()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(state.getLastSession().getVolumeTotal()).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(changes).hasSize(1);
    }

    @Test
    void reconnectAtFourFiftyNineIsNoPresenceChange() {
        onlineThenSessionEndsAtTenMinutes();

        apply(device.createPdp(at(14, 59), "s2"));
        expireAt(at(30, 0));

        assertThat(changes).hasSize(1); // only the first WENT_ONLINE
        assertThat(state.getOnline()).isTrue();
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ONLINE);
        assertThat(state.getOfflineDueAt()).isNull();
    }

    @Test
    void reconnectExactlyAtTheDueTimeIsStillInsideTheWindow() {
        onlineThenSessionEndsAtTenMinutes();

        apply(device.createPdp(at(15, 0), "s2"));

        assertThat(changes).hasSize(1);
        assertThat(state.getOnline()).isTrue();
    }

    @Test
    void deviceGoesOfflineExactlyFiveMinutesAfterItsLastSessionEnds() {
        onlineThenSessionEndsAtTenMinutes();

        assertThat(expireAt(at(14, 59)).changed()).isFalse();
        assertThat(expireAt(at(15, 0)).changed()).isTrue();

        assertThat(state.getOnline()).isFalse();
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        assertThat(state.getOfflineDueAt()).isNull();
        assertThat(changes).hasSize(2);
        PresenceChange offline = changes.get(1);
        assertThat(offline.getTo()).isEqualTo(Presence.OFFLINE);
        assertThat(offline.getAt()).isEqualTo(at(15, 0));
        assertThat(offline.getReason()).isEqualTo(PresenceReason.PDP_TIMEOUT);
        assertThat(offline.getEventId()).isEqualTo(state.getLastSession().getEventId());
    }

    @Test
    void expiryIsFiredOnceEvenWhenCheckedAgainLater() {
        onlineThenSessionEndsAtTenMinutes();
        expireAt(at(20, 0));

        assertThat(expireAt(at(40, 0)).changed()).isFalse();
        assertThat(changes).hasSize(2);
    }

    @Test
    void createOneMinuteAfterTheDueTimeYieldsOfflineAtTheDueTimeThenOnline() {
        onlineThenSessionEndsAtTenMinutes();

        apply(device.createPdp(at(16, 0), "s2"));

        assertThat(changes).hasSize(3);
        assertThat(changes.get(1).getTo()).isEqualTo(Presence.OFFLINE);
        assertThat(changes.get(1).getAt()).isEqualTo(at(15, 0));
        assertThat(changes.get(1).getReason()).isEqualTo(PresenceReason.PDP_TIMEOUT);
        assertThat(changes.get(2).getTo()).isEqualTo(Presence.ONLINE);
        assertThat(changes.get(2).getAt()).isEqualTo(at(16, 0));
        assertThat(state.getOnline()).isTrue();
        assertThat(state.getSession().getSessionId()).isEqualTo("s2");
    }

    @Test
    void anyEventAfterTheDueTimeFirstFiresTheOffline() {
        onlineThenSessionEndsAtTenMinutes();

        apply(device.updateGprsLocation(at(20, 0)));

        assertThat(changes).hasSize(2);
        assertThat(changes.get(1).getAt()).isEqualTo(at(15, 0));
        assertThat(state.getOnline()).isFalse();
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
    }

    @Test
    void rejectedCreateWhileOfflineChangesNeitherStatusNorPresenceButIsRemembered() {
        apply(device.updateLocation(at(0, 0)));
        DeviceStateMachine.Outcome outcome = apply(device.rejectedCreate(at(1, 0)));

        assertThat(outcome.changed()).isTrue();
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        assertThat(state.getOnline()).isFalse();
        assertThat(state.getSession()).isNull();
        assertThat(state.getSessions()).isZero();
        assertThat(state.getRejections()).isEqualTo(1);
        assertThat(state.getLastRejection().getReason())
                .isEqualTo("PDP Context Request rejected, because endpoint has no quota.");
        assertThat(state.getLastRejection().getAt()).isEqualTo(at(1, 0));
        assertThat(changes).isEmpty();
    }

    @Test
    void rejectedCreateDuringThePendingWindowDoesNotCancelTheOffline() {
        onlineThenSessionEndsAtTenMinutes();

        apply(device.rejectedCreate(at(12, 0)));

        assertThat(state.getOfflineDueAt()).isEqualTo(at(15, 0));
        expireAt(at(15, 0));
        assertThat(state.getOnline()).isFalse();
    }

    @Test
    void duplicateEventIsANoOp() {
        EmnifyEvent create = device.createPdp(at(0, 0), "s1");
        apply(create);

        DeviceStateMachine.Outcome again = apply(TestEvents.copyOf(create));

        assertThat(again.changed()).isFalse();
        assertThat(state.getSessions()).isEqualTo(1);
        assertThat(changes).hasSize(1);
    }

    @Test
    void eventOlderThanTheLastAppliedDoesNotMoveTheStateBack() {
        onlineThenSessionEndsAtTenMinutes();
        expireAt(at(15, 0));

        DeviceStateMachine.Outcome late = apply(device.createPdp(at(5, 0), "s-late"));

        assertThat(late.changed()).isFalse();
        assertThat(state.getOnline()).isFalse();
        assertThat(state.getSession()).isNull();
        assertThat(changes).hasSize(2);
    }

    @Test
    void deleteOfAnOlderSessionChangesNothing() {
        apply(device.createPdp(at(0, 0), "s1"));
        apply(device.createPdp(at(1, 0), "s2"));

        apply(device.deletePdp(at(2, 0), "s1", at(0, 0), 1, 1));

        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ONLINE);
        assertThat(state.getSession().getSessionId()).isEqualTo("s2");
        assertThat(state.getOfflineDueAt()).isNull();
    }

    @Test
    void deleteWithNoOpenSessionChangesNothing() {
        apply(device.updateLocation(at(0, 0)));

        apply(device.deletePdp(at(1, 0), "unknown", at(0, 0), 1, 1));

        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        assertThat(state.getOfflineDueAt()).isNull();
        assertThat(state.getLastSession()).isNull();
    }

    @Test
    void purgeWhileOnlineTakesTheDeviceOfflineAtOnce() {
        apply(device.createPdp(at(0, 0), "s1"));

        apply(device.purge(at(3, 0)));

        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.OFFLINE);
        assertThat(state.getOnline()).isFalse();
        assertThat(state.getSession()).isNull();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(1).getReason()).isEqualTo(PresenceReason.PURGED);
        assertThat(changes.get(1).getAt()).isEqualTo(at(3, 0));
    }

    @Test
    void purgeCancelsThePendingOffline() {
        onlineThenSessionEndsAtTenMinutes();

        apply(device.purgeGprs(at(11, 0)));
        expireAt(at(30, 0));

        assertThat(changes).hasSize(2);
        assertThat(changes.get(1).getReason()).isEqualTo(PresenceReason.PURGED);
        assertThat(state.getOfflineDueAt()).isNull();
    }

    @Test
    void blockedDeviceStaysBlockedThroughDeleteAndPurgeUntilANewSession() {
        apply(device.createPdp(at(0, 0), "s1"));
        apply(device.blocked(at(1, 0)));
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.BLOCKED);
        assertThat(state.getOnline()).isTrue();

        apply(device.deletePdp(at(1, 1), "s1", at(0, 0), 5, 5));
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.BLOCKED);
        expireAt(at(6, 1));
        assertThat(state.getOnline()).isFalse();
        apply(device.purge(at(30, 0)));
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.BLOCKED);

        apply(device.createPdp(at(60, 0), "s2"));
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ONLINE);
        assertThat(state.getOnline()).isTrue();
    }

    @Test
    void platformDeviceOfflineEventTakesAnOnlineDeviceOffline() {
        onlineThenSessionEndsAtTenMinutes();
        apply(device.createPdp(at(12, 0), "s2"));

        apply(device.deviceOffline(at(13, 0)));

        assertThat(state.getOnline()).isFalse();
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        assertThat(changes.get(changes.size() - 1).getReason()).isEqualTo(PresenceReason.PLATFORM);
    }

    @Test
    void platformDeviceOfflineForAnOfflineDeviceEmitsNothing() {
        apply(device.updateLocation(at(0, 0)));

        apply(device.deviceOffline(at(1, 0)));

        assertThat(changes).isEmpty();
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
    }

    @Test
    void locationUpdatesAttachAnUnknownOrOfflineDeviceButDoNotDowngradeAnOnlineOne() {
        apply(device.updateLocation(at(0, 0)));
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        assertThat(state.getLocation().getOperator()).isEqualTo("Vodafone");
        assertThat(state.getLocation().getMcc()).isEqualTo("262");

        apply(device.createPdp(at(1, 0), "s1"));
        apply(device.updateGprsLocation(at(2, 0)));
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ONLINE);

        apply(device.purge(at(3, 0)));
        apply(device.updateLocation(at(4, 0)));
        assertThat(state.getStatus()).isEqualTo(ConnectivityStatus.ATTACHED);
        assertThat(state.getLocation().getAt()).isEqualTo(at(4, 0));
    }

    @Test
    void eventsWithoutConnectivityMeaningAreIgnored() {
        DeviceStateMachine.Outcome outcome = apply(device.ofType(56, at(0, 0)));

        assertThat(outcome.changed()).isFalse();
        assertThat(outcome.state()).isNull();
    }

    @Test
    void theOfflineWindowIsConfigurable() {
        DeviceStateMachine twoMinutes = new DeviceStateMachine(Duration.ofMinutes(2));
        DeviceState s = twoMinutes.apply(null, device.createPdp(at(0, 0), "s1")).state();
        s = twoMinutes.apply(s, device.deletePdp(at(1, 0), "s1", at(0, 0), 0, 0)).state();

        assertThat(s.getOfflineDueAt()).isEqualTo(at(3, 0));
    }

    @Test
    void theLatestEventsTagsAreTheDevicesTagsSplitTrimmedAndWithoutRepeats() {
        apply(device.taggedAs("cold-chain, berlin,,cold-chain , ").createPdp(at(0, 0), "s1"));
        assertThat(state.getTags()).containsExactly("cold-chain", "berlin");

        apply(device.taggedAs("hamburg").updateLocation(at(1, 0)));
        assertThat(state.getTags()).as("retagged in the Portal").containsExactly("hamburg");

        apply(device.deletePdp(at(2, 0), "s1", at(0, 0), 0, 0));
        assertThat(state.getTags()).as("every tag removed: emnify sends tags null").isEmpty();
    }

    @Test
    void anEventOlderThanTheStateDoesNotBringItsTagsBack() {
        apply(device.taggedAs("berlin").createPdp(at(0, 0), "s1"));
        apply(device.taggedAs("hamburg").updateLocation(at(2, 0)));

        DeviceStateMachine.Outcome late = apply(device.taggedAs("berlin").updateLocation(at(1, 0)));

        assertThat(late.late()).isTrue();
        assertThat(state.getTags()).containsExactly("hamburg");
    }

    @Test
    void anEventWithoutConnectivityMeaningDoesNotChangeTheTags() {
        apply(device.taggedAs("berlin").createPdp(at(0, 0), "s1"));

        apply(device.taggedAs("hamburg").ofType(56, at(1, 0)));

        assertThat(state.getTags()).containsExactly("berlin");
    }
}
