package io.fleetstream.topology.quota;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.ExhaustionAction;
import io.fleetstream.avro.QuotaDetail;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.topology.testing.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.fleetstream.topology.testing.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class QuotaLedgerTest {

    private static final int DATA_THRESHOLD = 18;
    private static final int DATA_USED_UP = 19;
    private static final int SMS_THRESHOLD = 20;
    private static final int SMS_USED_UP = 21;
    private static final int DATA_ASSIGNED = 56;
    private static final int DATA_DELETED = 57;
    private static final int SMS_ASSIGNED = 58;
    private static final int SMS_DELETED = 59;
    private static final int DATA_EXPIRED = 60;
    private static final int SMS_EXPIRED = 61;

    private final QuotaLedger ledger = new QuotaLedger();
    private final TestEvents device = new TestEvents(5293531, 2256);
    private QuotaState state;

    private QuotaLedger.Outcome apply(EmnifyEvent event) {
        QuotaLedger.Outcome outcome = ledger.apply(state, event);
        state = outcome.state();
        return outcome;
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    /** An assignment as emnify describes it in 56/58 (after the reader): 100 units, threshold at 20 %, throttle. */
    private static QuotaDetail assignment(double volume) {
        return QuotaDetail.newBuilder()
                .setStatusId(1).setStatus("ACTIVE")
                .setVolume(volume)
                .setLastVolumeAdded(volume)
                .setThresholdPercentage(20.0)
                .setThresholdVolume(volume * 0.2)
                .setExpiry(Instant.parse("2025-04-01T00:00:00Z"))
                .setActionOnExhaustionId(2).setActionOnExhaustion("Throttle")
                .setPeakThroughput(64000L)
                .setAutoRefill(true)
                .setLastStatusChange(T0.minusSeconds(1))
                .build();
    }

    /** What 18-21 carry: the remaining volume and the threshold, snake_case in the payload. */
    private static QuotaDetail remaining(double volume) {
        return QuotaDetail.newBuilder().setVolume(volume).setThresholdPercentage(20.0).setThresholdVolume(20.0).build();
    }

    private EndpointQuota data() {
        return state.getData();
    }

    private EndpointQuota sms() {
        return state.getSms();
    }

    // --- transitions -------------------------------------------------------------------------

    @Test
    void dataAssignmentMakesTheDataQuotaActiveWithEverythingTheDetailSays() {
        EmnifyEvent assigned = device.quota(DATA_ASSIGNED, at(0), assignment(100));
        QuotaLedger.Outcome outcome = apply(assigned);

        assertThat(outcome.changed()).isTrue();
        assertThat(state.getEndpointId()).isEqualTo(5293531L);
        assertThat(state.getOrganisationId()).isEqualTo(2256L);
        EndpointQuota q = data();
        assertThat(q.getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(q.getRemainingVolume()).isEqualTo(100.0);
        assertThat(q.getAssignedVolume()).isEqualTo(100.0);
        assertThat(q.getLastVolumeAdded()).isEqualTo(100.0);
        assertThat(q.getThresholdPercentage()).isEqualTo(20.0);
        assertThat(q.getThresholdVolume()).isEqualTo(20.0);
        assertThat(q.getThresholdReached()).isFalse();
        assertThat(q.getExpiry()).isEqualTo(Instant.parse("2025-04-01T00:00:00Z"));
        assertThat(q.getActionOnExhaustion()).isEqualTo(ExhaustionAction.THROTTLE);
        assertThat(q.getPeakThroughput()).isEqualTo(64000L);
        assertThat(q.getAutoRefill()).isTrue();
        assertThat(q.getPlatformStatusChangedAt()).isEqualTo(T0.minusSeconds(1));
        assertThat(q.getAssignedAt()).isEqualTo(at(0));
        assertThat(q.getChangedAt()).isEqualTo(at(0));
        assertThat(q.getEventId()).isEqualTo(assigned.getId());
        assertThat(q.getEventTypeId()).isEqualTo(DATA_ASSIGNED);
        assertThat(sms().getStatus()).isEqualTo(QuotaStatus.NONE);
        assertThat(sms().getEventId()).isNull();
    }

    @Test
    void smsAssignmentMakesOnlyTheSmsQuotaActive() {
        apply(device.quota(SMS_ASSIGNED, at(0), assignment(50)));

        assertThat(sms().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(sms().getRemainingVolume()).isEqualTo(50.0);
        assertThat(data().getStatus()).isEqualTo(QuotaStatus.NONE);
    }

    @ParameterizedTest(name = "type {0}")
    @CsvSource({"18, 56", "20, 58"})
    void thresholdReachedSetsTheFlagAndTheRemainingVolumeAndKeepsTheAssignment(int threshold, int assigned) {
        apply(device.quota(assigned, at(0), assignment(100)));
        EmnifyEvent reached = device.quota(threshold, at(5), remaining(19.5));
        apply(reached);

        EndpointQuota q = threshold == DATA_THRESHOLD ? data() : sms();
        assertThat(q.getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(q.getThresholdReached()).isTrue();
        assertThat(q.getThresholdReachedAt()).isEqualTo(at(5));
        assertThat(q.getRemainingVolume()).isEqualTo(19.5);
        assertThat(q.getAssignedVolume()).isEqualTo(100.0);
        assertThat(q.getActionOnExhaustion()).isEqualTo(ExhaustionAction.THROTTLE);
        assertThat(q.getChangedAt()).isEqualTo(at(5));
        assertThat(q.getEventId()).isEqualTo(reached.getId());
        assertThat(q.getEventTypeId()).isEqualTo(threshold);
    }

    @ParameterizedTest(name = "type {0}")
    @CsvSource({"19, 56", "21, 58"})
    void usedUpExhaustsTheQuota(int usedUp, int assigned) {
        apply(device.quota(assigned, at(0), assignment(100)));
        apply(device.quota(usedUp, at(9), remaining(-0.25)));

        EndpointQuota q = usedUp == DATA_USED_UP ? data() : sms();
        assertThat(q.getStatus()).isEqualTo(QuotaStatus.EXHAUSTED);
        assertThat(q.getRemainingVolume()).isEqualTo(-0.25);
        assertThat(q.getThresholdReached()).as("used up is past any threshold").isTrue();
        assertThat(q.getThresholdReachedAt()).isEqualTo(at(9));
        assertThat(q.getChangedAt()).isEqualTo(at(9));
    }

    @ParameterizedTest(name = "type {0}")
    @CsvSource({"57, 56", "59, 58"})
    void deletedMarksTheQuotaDeletedAndKeepsItsLastKnownValues(int deleted, int assigned) {
        apply(device.quota(assigned, at(0), assignment(100)));
        EmnifyEvent deletion = device.quota(deleted, at(30), null);
        apply(deletion);

        EndpointQuota q = deleted == DATA_DELETED ? data() : sms();
        assertThat(q.getStatus()).isEqualTo(QuotaStatus.DELETED);
        assertThat(q.getAssignedVolume()).isEqualTo(100.0);
        assertThat(q.getEventId()).isEqualTo(deletion.getId());
        assertThat(q.getEventTypeId()).isEqualTo(deleted);
    }

    @ParameterizedTest(name = "type {0}")
    @CsvSource({"60, 56", "61, 58"})
    void expiredMarksTheQuotaExpired(int expired, int assigned) {
        apply(device.quota(assigned, at(0), assignment(100)));
        apply(device.quota(expired, at(60), null));

        EndpointQuota q = expired == DATA_EXPIRED ? data() : sms();
        assertThat(q.getStatus()).isEqualTo(QuotaStatus.EXPIRED);
        assertThat(q.getChangedAt()).isEqualTo(at(60));
        EndpointQuota other = expired == SMS_EXPIRED ? data() : sms();
        assertThat(other.getStatus()).isEqualTo(QuotaStatus.NONE);
    }

    @Test
    void newAssignmentAfterUsedUpStartsAFreshQuotaWithTheThresholdFlagReset() {
        apply(device.quota(DATA_ASSIGNED, at(0), assignment(100)));
        apply(device.quota(DATA_THRESHOLD, at(5), remaining(19)));
        apply(device.quota(DATA_USED_UP, at(9), remaining(0)));
        QuotaDetail refill = QuotaDetail.newBuilder().setStatusId(1).setVolume(500.0).setActionOnExhaustionId(1).build();
        apply(device.quota(DATA_ASSIGNED, at(10), refill));

        assertThat(data().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(data().getThresholdReached()).isFalse();
        assertThat(data().getThresholdReachedAt()).isNull();
        assertThat(data().getRemainingVolume()).isEqualTo(500.0);
        assertThat(data().getAssignedVolume()).isEqualTo(500.0);
        assertThat(data().getActionOnExhaustion()).isEqualTo(ExhaustionAction.BLOCK);
        assertThat(data().getThresholdPercentage()).as("nothing carried over from the quota before").isNull();
        assertThat(data().getPeakThroughput()).isNull();
        assertThat(data().getAutoRefill()).isNull();
        assertThat(data().getAssignedAt()).isEqualTo(at(10));
    }

    @Test
    void thresholdOnAQuotaNeverSeenAssignedShowsAnActiveQuota() {
        apply(device.quota(SMS_THRESHOLD, at(0), remaining(3)));

        assertThat(sms().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(sms().getThresholdReached()).isTrue();
        assertThat(sms().getRemainingVolume()).isEqualTo(3.0);
        assertThat(sms().getAssignedAt()).isNull();
    }

    @Test
    void laterThresholdEventDoesNotReviveAnExhaustedQuota() {
        apply(device.quota(DATA_ASSIGNED, at(0), assignment(100)));
        apply(device.quota(DATA_USED_UP, at(9), remaining(0)));
        apply(device.quota(DATA_THRESHOLD, at(10), remaining(0.5)));

        assertThat(data().getStatus()).isEqualTo(QuotaStatus.EXHAUSTED);
        assertThat(data().getRemainingVolume()).isEqualTo(0.5);
        assertThat(data().getThresholdReachedAt()).as("first reached when used up").isEqualTo(at(9));
    }

    @Test
    void thresholdEventWithoutDetailKeepsWhatItDoesNotSay() {
        apply(device.quota(DATA_ASSIGNED, at(0), assignment(100)));
        apply(device.quota(DATA_THRESHOLD, at(5), null));

        assertThat(data().getThresholdReached()).isTrue();
        assertThat(data().getRemainingVolume()).isEqualTo(100.0);
        assertThat(data().getThresholdPercentage()).isEqualTo(20.0);
    }

    @Test
    void assignmentWithoutADetailIsActiveWithItsValuesUnknown() {
        apply(device.quota(DATA_ASSIGNED, at(0), null));

        assertThat(data().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(data().getRemainingVolume()).isNull();
        assertThat(data().getActionOnExhaustion()).isNull();
        assertThat(data().getAssignedAt()).isEqualTo(at(0));
    }

    @Test
    void assignmentTakesTheStatusThePlatformReports() {
        apply(device.quota(DATA_ASSIGNED, at(0), QuotaDetail.newBuilder().setStatusId(2).setVolume(0.0).build()));
        assertThat(data().getStatus()).isEqualTo(QuotaStatus.EXHAUSTED);

        apply(device.quota(SMS_ASSIGNED, at(0), QuotaDetail.newBuilder().setStatus("expired").build()));
        assertThat(sms().getStatus()).isEqualTo(QuotaStatus.EXPIRED);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource({"Block, BLOCK", "BLOCK, BLOCK", "blocking, BLOCK", "Throttle, THROTTLE", "THROTTLE, THROTTLE",
            "throttled, THROTTLE"})
    void actionOnExhaustionWithoutAnIdIsReadFromItsDescription(String description, ExhaustionAction expected) {
        apply(device.quota(DATA_ASSIGNED, at(0), QuotaDetail.newBuilder().setActionOnExhaustion(description).build()));

        assertThat(data().getActionOnExhaustion()).isEqualTo(expected);
    }

    @Test
    void actionIdWinsOverItsDescriptionAndAnUnknownActionStaysUnknown() {
        apply(device.quota(DATA_ASSIGNED, at(0),
                QuotaDetail.newBuilder().setActionOnExhaustionId(2).setActionOnExhaustion("Block").build()));
        assertThat(data().getActionOnExhaustion()).isEqualTo(ExhaustionAction.THROTTLE);

        apply(device.quota(DATA_ASSIGNED, at(1), QuotaDetail.newBuilder().setActionOnExhaustionId(7).build()));
        assertThat(data().getActionOnExhaustion()).isNull();
    }

    @Test
    void negativeRemainingVolumeIsKeptAsSent() {
        apply(device.quota(DATA_ASSIGNED, at(0), assignment(1)));
        apply(device.quota(DATA_THRESHOLD, at(1), remaining(-0.00120000000000009)));

        assertThat(data().getRemainingVolume()).isEqualTo(-0.00120000000000009);
        assertThat(data().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
    }

    // --- ordering ----------------------------------------------------------------------------

    @Test
    void olderEventDoesNotMoveTheQuotaBack() {
        apply(device.quota(DATA_ASSIGNED, at(0), assignment(100)));
        EmnifyEvent usedUp = device.quota(DATA_USED_UP, at(9), remaining(0));
        apply(usedUp);

        QuotaLedger.Outcome late = apply(device.quota(DATA_THRESHOLD, at(5), remaining(19)));

        assertThat(late.changed()).isFalse();
        assertThat(data().getStatus()).isEqualTo(QuotaStatus.EXHAUSTED);
        assertThat(data().getRemainingVolume()).isEqualTo(0.0);
        assertThat(data().getEventId()).isEqualTo(usedUp.getId());
    }

    @Test
    void theSameEventAgainIsANoOp() {
        EmnifyEvent assigned = device.quota(DATA_ASSIGNED, at(0), assignment(100));
        apply(assigned);
        EmnifyEvent threshold = device.quota(DATA_THRESHOLD, at(5), remaining(19));
        apply(threshold);

        QuotaLedger.Outcome again = apply(TestEvents.copyOf(threshold));
        QuotaLedger.Outcome stale = apply(TestEvents.copyOf(assigned));

        assertThat(again.changed()).isFalse();
        assertThat(stale.changed()).isFalse();
        assertThat(data().getThresholdReached()).isTrue();
        assertThat(data().getRemainingVolume()).isEqualTo(19.0);
    }

    @Test
    void aRepeatedIdIsANoOpEvenWithAnotherTimestamp() {
        EmnifyEvent usedUp = device.quota(DATA_USED_UP, at(9), remaining(0));
        apply(usedUp);

        QuotaLedger.Outcome outcome = apply(EmnifyEvent.newBuilder(usedUp).setTimestamp(at(20)).build());

        assertThat(outcome.changed()).isFalse();
        assertThat(data().getChangedAt()).isEqualTo(at(9));
    }

    @Test
    void anOldSmsEventIsAppliedAfterANewerDataEvent() {
        apply(device.quota(DATA_ASSIGNED, at(30), assignment(100)));

        QuotaLedger.Outcome sms = apply(device.quota(SMS_ASSIGNED, at(10), assignment(20)));

        assertThat(sms.changed()).isTrue();
        assertThat(sms().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(sms().getChangedAt()).isEqualTo(at(10));
        assertThat(data().getChangedAt()).isEqualTo(at(30));
    }

    @Test
    void eventsOfTheSameInstantAreOrderedByEventIdWhateverTheArrivalOrder() {
        EmnifyEvent assigned = device.quota(DATA_ASSIGNED, at(0), assignment(100));
        EmnifyEvent threshold = device.quota(DATA_THRESHOLD, at(9), remaining(1));
        EmnifyEvent usedUp = device.quota(DATA_USED_UP, at(9), remaining(0)); // same second, the larger id
        assertThat(usedUp.getId()).isGreaterThan(threshold.getId());

        for (List<EmnifyEvent> order : List.of(List.of(assigned, threshold, usedUp), List.of(assigned, usedUp, threshold),
                List.of(usedUp, assigned, threshold))) {
            state = null;
            order.forEach(this::apply);

            assertThat(data().getStatus()).as("order %s", order.stream().map(EmnifyEvent::getId).toList())
                    .isEqualTo(QuotaStatus.EXHAUSTED);
            assertThat(data().getRemainingVolume()).isEqualTo(0.0);
            assertThat(data().getEventId()).isEqualTo(usedUp.getId());
        }
    }

    // --- what the ledger ignores -------------------------------------------------------------

    @Test
    void eventsOtherThanQuotaEventsChangeNothing() {
        QuotaLedger.Outcome pdp = apply(device.createPdp(at(0), "s1"));
        QuotaLedger.Outcome management = apply(device.organisationEvent(52, at(0), "Data quota management enabled"));

        assertThat(pdp.changed()).isFalse();
        assertThat(management.changed()).isFalse();
        assertThat(state).isNull();
        assertThat(QuotaLedger.isRelevant(device.quota(DATA_USED_UP, at(0), null))).isTrue();
        assertThat(QuotaLedger.isRelevant(device.quota(SMS_DELETED, at(0), null))).isTrue();
        assertThat(QuotaLedger.isRelevant(device.quota(SMS_USED_UP, at(0), null))).isTrue();
        assertThat(QuotaLedger.isRelevant(device.quota(62, at(0), null))).isFalse();
    }

    @Test
    void aQuotaEventWithoutAnEndpointChangesNothing() {
        EmnifyEvent orphan = EmnifyEvent.newBuilder(device.quota(DATA_USED_UP, at(0), remaining(0))).setEndpoint(null).build();

        assertThat(QuotaLedger.isRelevant(orphan)).isFalse();
        assertThat(apply(orphan).changed()).isFalse();
    }

    // --- the example payloads ----------------------------------------------------------------

    @Test
    void example013ThresholdReachedWithANegativeVolume() {
        EmnifyEvent event = QuotaExamples.thresholdReached013().event();
        apply(event);

        assertThat(state.getEndpointId()).isEqualTo(86473615L);
        assertThat(state.getOrganisationId()).isEqualTo(6713L);
        assertThat(data().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(data().getThresholdReached()).isTrue();
        assertThat(data().getThresholdReachedAt()).isEqualTo(Instant.parse("2021-10-27T09:06:50Z"));
        assertThat(data().getRemainingVolume()).isEqualTo(-0.00120000000000009);
        assertThat(data().getThresholdPercentage()).isEqualTo(80.0);
        assertThat(data().getThresholdVolume()).isEqualTo(0.8);
        assertThat(data().getEventId()).isEqualTo(17357540123L);
        assertThat(sms().getStatus()).isEqualTo(QuotaStatus.NONE);
    }

    @Test
    void example014UsedUpWithAStringVolume() {
        apply(QuotaExamples.usedUpStringVolume014().event());

        assertThat(state.getEndpointId()).isEqualTo(19565190L);
        assertThat(data().getStatus()).isEqualTo(QuotaStatus.EXHAUSTED);
        assertThat(data().getRemainingVolume()).isEqualTo(1.0);
        assertThat(data().getThresholdVolume()).isEqualTo(0.8);
        assertThat(data().getThresholdReached()).isTrue();
        assertThat(data().getEventId()).isEqualTo(1071715568978L);
        assertThat(data().getEventTypeId()).isEqualTo(DATA_USED_UP);
    }

    @Test
    void example016DataQuotaAssignedWithBlock() {
        apply(QuotaExamples.dataQuotaAssigned016().event());

        EndpointQuota q = data();
        assertThat(state.getEndpointId()).isEqualTo(5293531L);
        assertThat(state.getOrganisationId()).isEqualTo(2256L);
        assertThat(q.getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(q.getRemainingVolume()).isEqualTo(10.0);
        assertThat(q.getAssignedVolume()).isEqualTo(10.0);
        assertThat(q.getLastVolumeAdded()).isEqualTo(10.0);
        assertThat(q.getExpiry()).isEqualTo(Instant.parse("2022-07-31T00:00:00Z"));
        assertThat(q.getActionOnExhaustion()).isEqualTo(ExhaustionAction.BLOCK);
        assertThat(q.getPeakThroughput()).isEqualTo(128000L);
        assertThat(q.getAutoRefill()).isFalse();
        assertThat(q.getThresholdPercentage()).isEqualTo(10.0);
        assertThat(q.getThresholdVolume()).isEqualTo(1.0);
        assertThat(q.getThresholdReached()).isFalse();
        assertThat(q.getPlatformStatusChangedAt()).isEqualTo(Instant.parse("2022-07-14T13:35:06Z"));
        assertThat(q.getAssignedAt()).isEqualTo(Instant.parse("2022-07-14T13:35:07.626Z"));
        assertThat(q.getEventId()).isEqualTo(1028076751946L);
    }

    @Test
    void example019SmsThresholdReachedCountsMessages() {
        apply(QuotaExamples.smsThresholdReached019().event());

        assertThat(state.getEndpointId()).isEqualTo(10991244L);
        assertThat(sms().getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(sms().getThresholdReached()).isTrue();
        assertThat(sms().getRemainingVolume()).isEqualTo(0.0);
        assertThat(sms().getThresholdPercentage()).isEqualTo(50.0);
        assertThat(sms().getThresholdVolume()).isEqualTo(1.0);
        assertThat(sms().getEventId()).isEqualTo(6734033817529352L);
        assertThat(data().getStatus()).isEqualTo(QuotaStatus.NONE);
    }

    @Test
    void example029AssignedFromAStringDetail() {
        apply(QuotaExamples.dataQuotaAssignedStringDetail029().event());

        EndpointQuota q = data();
        assertThat(q.getStatus()).isEqualTo(QuotaStatus.ACTIVE);
        assertThat(q.getEndpointQuotaId()).isEqualTo(123123L);
        assertThat(q.getRemainingVolume()).isEqualTo(500.0);
        assertThat(q.getAssignedVolume()).isEqualTo(500.0);
        assertThat(q.getLastVolumeAdded()).isEqualTo(500.0);
        assertThat(q.getExpiry()).isEqualTo(Instant.parse("2022-03-31T00:00:00Z"));
        assertThat(q.getActionOnExhaustion()).isEqualTo(ExhaustionAction.BLOCK);
        assertThat(q.getPeakThroughput()).isEqualTo(128000L);
        assertThat(q.getAutoRefill()).isTrue();
        assertThat(q.getThresholdPercentage()).isEqualTo(20.0);
        assertThat(q.getThresholdVolume()).isEqualTo(100.0);
        assertThat(q.getPlatformStatusChangedAt()).isEqualTo(Instant.parse("2022-03-24T12:46:27Z"));
    }

    @Test
    void example015QuotaManagementIsNoDeviceQuotaEvent() {
        QuotaLedger.Outcome outcome = apply(QuotaExamples.dataQuotaEnabled015().event());

        assertThat(outcome.changed()).isFalse();
        assertThat(state).isNull();
    }

    @Test
    void theExamplesOfOneDeviceEndInTheSameStateWhateverTheArrivalOrder() {
        // the 016 assignment, followed on the same device by threshold and used-up events shaped like 013 and 014
        EmnifyEvent assigned = QuotaExamples.dataQuotaAssigned016().event();
        EmnifyEvent threshold = EmnifyEvent.newBuilder(QuotaExamples.thresholdReached013().event())
                .setEndpoint(assigned.getEndpoint()).setTimestamp(Instant.parse("2022-07-20T08:00:00Z")).build();
        EmnifyEvent usedUp = EmnifyEvent.newBuilder(QuotaExamples.usedUpStringVolume014().event())
                .setEndpoint(assigned.getEndpoint()).setTimestamp(Instant.parse("2022-07-21T08:00:00Z")).build();

        for (List<EmnifyEvent> order : List.of(List.of(assigned, threshold, usedUp), List.of(usedUp, assigned, threshold),
                List.of(threshold, usedUp, assigned))) {
            state = null;
            order.forEach(this::apply);

            EndpointQuota q = data();
            assertThat(q.getStatus()).isEqualTo(QuotaStatus.EXHAUSTED);
            assertThat(q.getRemainingVolume()).isEqualTo(1.0);
            assertThat(q.getEventId()).isEqualTo(usedUp.getId());
            assertThat(q.getChangedAt()).isEqualTo(usedUp.getTimestamp());
            assertThat(q.getAssignedAt()).isEqualTo(assigned.getTimestamp());
            assertThat(q.getAssignedVolume()).isEqualTo(10.0);
            assertThat(q.getExpiry()).isEqualTo(Instant.parse("2022-07-31T00:00:00Z"));
            assertThat(q.getActionOnExhaustion()).isEqualTo(ExhaustionAction.BLOCK);
            assertThat(q.getThresholdReached()).isTrue();
        }
    }

    @Test
    void aLateAssignmentFillsInItsSettingsWithoutMovingTheQuotaBack() {
        EmnifyEvent usedUp = device.quota(DATA_USED_UP, at(9), remaining(-1));
        apply(usedUp);

        QuotaLedger.Outcome late = apply(device.quota(DATA_ASSIGNED, at(0), assignment(100)));

        assertThat(late.changed()).isTrue();
        assertThat(data().getStatus()).isEqualTo(QuotaStatus.EXHAUSTED);
        assertThat(data().getRemainingVolume()).isEqualTo(-1.0);
        assertThat(data().getThresholdReached()).isTrue();
        assertThat(data().getChangedAt()).isEqualTo(at(9));
        assertThat(data().getEventId()).isEqualTo(usedUp.getId());
        assertThat(data().getAssignedAt()).isEqualTo(at(0));
        assertThat(data().getAssignedVolume()).isEqualTo(100.0);
        assertThat(data().getActionOnExhaustion()).isEqualTo(ExhaustionAction.THROTTLE);
        assertThat(data().getAutoRefill()).isTrue();
    }

    @Test
    void aLateAssignmentOlderThanTheKnownOneChangesNothing() {
        apply(device.quota(DATA_ASSIGNED, at(10), assignment(500)));
        apply(device.quota(DATA_THRESHOLD, at(20), remaining(90)));

        EmnifyEvent replaced = device.quota(DATA_ASSIGNED, at(0), assignment(100));
        QuotaLedger.Outcome late = apply(replaced);
        QuotaLedger.Outcome again = apply(device.quota(DATA_ASSIGNED, at(10), assignment(500)));

        assertThat(late.changed()).isFalse();
        assertThat(again.changed()).as("an assignment at the known assignment's time is that one again").isFalse();
        assertThat(data().getAssignedVolume()).isEqualTo(500.0);
        assertThat(data().getAssignedAt()).isEqualTo(at(10));
    }
}
