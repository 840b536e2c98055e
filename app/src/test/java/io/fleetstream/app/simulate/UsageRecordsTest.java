package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.emnify.ReadResult;
import io.fleetstream.schemas.emnify.UsageRecordReader;
import io.fleetstream.schemas.json.Json;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's data usage records (traffic type 5) against its own PDP events: each record belongs to a session its
 * device opened, the records of a closed session cover it from create to delete without gap and add up
 * to the volume on the delete, interim records come on the 45-second grid once 0.1 MB were used, and
 * every record reads without a dead letter.
 */
class UsageRecordsTest {

    private static final Instant START = Instant.parse("2024-05-01T00:00:00Z");
    private static final Duration RUN = Duration.ofHours(6);
    private static final Duration STEP = Duration.ofMinutes(7);
    private static final long INTERVAL = 45_000;

    private record Session(long endpointId, long openedAt, Long closedAt, BigDecimal rx, BigDecimal tx) {
    }

    private final TrafficProfile profile = TrafficProfile.of(60, 11, START).withDriftFraction(0).withDuplicateFraction(0);

    @Test
    void usageRecordsAreConsistentWithTheSessionsTheyReport() throws Exception {
        TrafficGenerator generator = new TrafficGenerator(profile, true);
        List<ObjectNode> events = new ArrayList<>();
        List<ObjectNode> usage = new ArrayList<>();
        for (Instant now = START; !now.isAfter(START.plus(RUN)); now = now.plus(STEP)) {
            events.addAll(generator.advanceTo(now));
            List<ObjectNode> due = generator.usageUpTo(now);
            for (ObjectNode record : due) {
                assertThat(Instant.parse(record.get("end_timestamp").asText())).as("handed out once due").isBeforeOrEqualTo(now);
            }
            usage.addAll(due);
        }
        Map<String, Session> sessions = sessions(events);
        Map<Long, SimulatedDevice> devices = new HashMap<>();
        generator.devices().forEach(device -> devices.put(device.endpointId(), device));

        UsageRecordReader reader = new UsageRecordReader();
        Map<String, List<UsageRecord>> bySession = new LinkedHashMap<>();
        Set<Long> ids = new HashSet<>();
        long previousId = Long.MIN_VALUE;
        for (ObjectNode json : usage) {
            ReadResult<UsageRecord> result = reader.read(Json.mapper().readTree(json.toString()), IngestSource.SIMULATOR, START);
            assertThat(result).as("%s", json).isInstanceOf(ReadResult.Accepted.class);
            UsageRecord record = ((ReadResult.Accepted<UsageRecord>) result).record();
            assertThat(ids.add(record.getId())).as("ids are unique").isTrue();
            assertThat(record.getId()).as("ids increase in delivery order").isGreaterThan(previousId);
            previousId = record.getId();
            if (record.getTrafficType().getId() == 6) {
                continue; // SMS records: SmsUsageRecordsTest
            }

            Session session = sessions.get(record.getSessionId());
            assertThat(session).as("the session %s was opened by a Create PDP event", record.getSessionId()).isNotNull();
            assertThat(record.getEndpoint().getId()).as("the device that opened the session").isEqualTo(session.endpointId());
            SimulatedDevice device = devices.get(session.endpointId());
            assertThat(record.getImsi()).isEqualTo(device.imsi().imsi());
            assertThat(record.getImsiId()).isEqualTo(device.imsi().id());
            assertThat(record.getSim().getIccid()).isEqualTo(device.sim().iccid());
            assertThat(record.getOrganisation().getId()).isEqualTo(device.organisation().id());
            assertThat(record.getOperator().getId()).isEqualTo(device.network().id());
            assertThat(record.getOperator().getMnc()).isEqualTo(device.network().mnc());
            assertThat(record.getOperator().getCountry().getMcc()).isEqualTo(device.network().country().mcc());
            assertThat(record.getTrafficType().getId()).isEqualTo(5);

            BigDecimal total = record.getVolume().getTotal();
            assertThat(total).isEqualByComparingTo(record.getVolume().getRx().add(record.getVolume().getTx()));
            assertThat(record.getVolume().getRx().signum()).isNotNegative();
            assertThat(record.getVolume().getTx().signum()).isNotNegative();
            BigDecimal cost = new BigDecimal(json.get("cost").asText());
            assertThat(cost.scale()).as("cost has at most 10 decimals").isLessThanOrEqualTo(10);
            assertThat(cost).as("cost is the volume times the operator's rate, exactly")
                    .isEqualByComparingTo(total.multiply(StreamerUsage.dataRatePerMegabyte(device.network())));
            assertThat(record.getCost()).isEqualByComparingTo(cost);
            bySession.computeIfAbsent(record.getSessionId(), key -> new ArrayList<>()).add(record);
        }

        int closedWithUsage = 0;
        int withInterimRecords = 0;
        for (Map.Entry<String, List<UsageRecord>> entry : bySession.entrySet()) {
            Session session = sessions.get(entry.getKey());
            List<UsageRecord> records = entry.getValue();
            long from = session.openedAt();
            for (int i = 0; i < records.size(); i++) {
                UsageRecord record = records.get(i);
                assertThat(record.getStartTimestamp().toEpochMilli()).as("no gap, no overlap").isEqualTo(from);
                long length = record.getEndTimestamp().toEpochMilli() - from;
                assertThat(length).isPositive();
                boolean last = session.closedAt() != null && i == records.size() - 1;
                if (!last) {
                    assertThat(record.getEndTimestamp().toEpochMilli() - session.openedAt()).as("on the 45 s grid")
                            .isPositive().matches(sinceOpen -> sinceOpen % INTERVAL == 0);
                    assertThat(record.getVolume().getTotal()).as("an interim record once 100 kB were used")
                            .isGreaterThanOrEqualTo(new BigDecimal("0.1"));
                    withInterimRecords++;
                }
                from = record.getEndTimestamp().toEpochMilli();
            }
            if (session.closedAt() != null) {
                closedWithUsage++;
                assertThat(from).as("the last record ends when the session closes").isEqualTo(session.closedAt());
                assertThat(records.stream().map(r -> r.getVolume().getRx()).reduce(BigDecimal.ZERO, BigDecimal::add))
                        .isEqualByComparingTo(session.rx());
                assertThat(records.stream().map(r -> r.getVolume().getTx()).reduce(BigDecimal.ZERO, BigDecimal::add))
                        .isEqualByComparingTo(session.tx());
            }
        }
        long closedSessions = sessions.values().stream().filter(session -> session.closedAt() != null).count();
        assertThat(closedWithUsage).as("every closed session has its usage records").isEqualTo((int) closedSessions);
        assertThat(closedSessions).isGreaterThan(200);
        assertThat(withInterimRecords).as("long sessions report while open").isGreaterThan(50);
    }

    @Test
    void usageRecordsAreDeterministicBySeedAndLeaveTheEventsUnchanged() {
        TrafficGenerator first = new TrafficGenerator(profile, true);
        TrafficGenerator second = new TrafficGenerator(profile, true);
        TrafficGenerator eventsOnly = new TrafficGenerator(profile);
        Instant end = START.plus(Duration.ofHours(2));
        List<ObjectNode> firstEvents = first.advanceTo(end);
        List<ObjectNode> firstUsage = first.usageUpTo(end);
        List<ObjectNode> secondEvents = new ArrayList<>();
        List<ObjectNode> secondUsage = new ArrayList<>();
        for (Instant now = START; !now.isAfter(end); now = now.plusSeconds(61)) {
            secondEvents.addAll(second.advanceTo(now));
            secondUsage.addAll(second.usageUpTo(now));
        }
        secondEvents.addAll(second.advanceTo(end));
        secondUsage.addAll(second.usageUpTo(end));

        assertThat(firstUsage).isNotEmpty().isEqualTo(secondUsage);
        assertThat(firstEvents).isEqualTo(secondEvents).isEqualTo(eventsOnly.advanceTo(end));
        assertThat(eventsOnly.usageUpTo(end)).isEmpty();
        TrafficGenerator otherSeed = new TrafficGenerator(profile.withSeed(12), true);
        otherSeed.advanceTo(end);
        assertThat(otherSeed.usageUpTo(end)).isNotEmpty().isNotEqualTo(firstUsage);
    }

    @Test
    void theDataUsageRecordsSinceABlockingQuotaWasAssignedAddUpToWhatItsUsedUpEventSaysWasUsed() {
        TrafficGenerator generator = new TrafficGenerator(profile, true);
        Instant end = START.plus(RUN);
        List<ObservedEvent> events = ObservedEvent.firstOccurrences(generator.advanceTo(end));
        Map<String, BigDecimal> usedBySession = new HashMap<>();
        for (ObjectNode record : generator.usageUpTo(end)) {
            if (record.path("traffic_type").path("id").asInt() == 5) {
                usedBySession.merge(record.get("session_id").asText(),
                        new BigDecimal(record.get("volume").get("total").asText()), BigDecimal::add);
            }
        }
        int usedUp = 0;
        for (List<ObservedEvent> device : ObservedEvent.byDevice(events).values()) {
            BigDecimal volume = null;
            boolean blocking = false;
            Set<String> sessions = new HashSet<>();
            for (ObservedEvent event : device) {
                if (event.type() == 56) {
                    JsonNode quota = event.json().get("detail").get("quota");
                    volume = ObservedEvent.decimal(quota.get("volume"));
                    blocking = quota.get("action_on_exhaustion").get("id").asInt() == 1;
                    sessions.clear();
                } else if (event.acceptedCreate() && volume != null) {
                    sessions.add(event.sessionId());
                } else if (event.type() == 19 && blocking) {
                    BigDecimal remaining = ObservedEvent.decimal(event.json().get("detail").get("quota").get("volume"));
                    BigDecimal used = sessions.stream().map(id -> usedBySession.getOrDefault(id, BigDecimal.ZERO))
                            .reduce(BigDecimal.ZERO, BigDecimal::add);
                    assertThat(used).as("device %s: what the records of the quota's sessions add up to", event.device())
                            .isEqualByComparingTo(volume.subtract(remaining));
                    usedUp++;
                    volume = null;
                }
            }
        }
        assertThat(usedUp).isGreaterThan(10);
    }

    /** The sessions in the events: opened by a Create PDP with a session id, closed by its Delete PDP. */
    private static Map<String, Session> sessions(List<ObjectNode> events) {
        Map<String, Session> sessions = new HashMap<>();
        for (ObjectNode event : events) {
            int type = event.path("event_type").path("id").asInt();
            JsonNode sessionId = event.path("detail").path("session_id");
            if (sessionId.isMissingNode() || (type != 3 && type != 5)) {
                continue;
            }
            long endpoint = event.path("endpoint").path("id").asLong();
            long at = Instant.parse(event.get("timestamp").asText()).toEpochMilli();
            if (type == 3) {
                assertThat(sessions.put(sessionId.asText(), new Session(endpoint, at, null, null, null))).isNull();
            } else {
                Session opened = sessions.get(sessionId.asText());
                assertThat(opened).isNotNull();
                JsonNode volume = event.path("detail").path("volume");
                sessions.put(sessionId.asText(), new Session(endpoint, opened.openedAt(), at,
                        new BigDecimal(volume.get("rx").asText()), new BigDecimal(volume.get("tx").asText())));
            }
        }
        return sessions;
    }
}
