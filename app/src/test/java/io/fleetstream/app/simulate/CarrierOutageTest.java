package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A carrier outage in the simulated traffic: the covered share of one operator's devices with a session
 * lose it within seconds of each other (with the usage record that closes it), open none while the
 * outage lasts, and reconnect shortly after it ends; every other device's story is the one it has
 * without the outage. Enough devices drop for fleetstream's incident rule (at least 20, and at least
 * 10% of the operator's online devices) with a few hundred devices.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CarrierOutageTest {

    private static final Instant START = Instant.parse("2024-05-01T00:00:00Z");
    private static final Instant END = START.plus(Duration.ofHours(1));
    private static final MobileOperator VODAFONE = MobileOperator.byIdOrName("Vodafone");
    private static final CarrierOutage OUTAGE =
            new CarrierOutage(VODAFONE, 0.6, Duration.ofMinutes(20), Duration.ofMinutes(10));
    private static final long FROM = START.plus(OUTAGE.after()).toEpochMilli();
    private static final long OFFLINE_WINDOW = Duration.ofMinutes(5).toMillis();
    private static final long UNTIL = FROM + OUTAGE.duration().toMillis();

    private final TrafficProfile withoutOutage = TrafficProfile.of(400, 5, START).withDuplicateFraction(0).withDriftFraction(0);
    private final List<String> told = new ArrayList<>();
    private int sessionsDroppedTold = -1;
    private int devicesCoveredTold = -1;
    private int reconnectingTold = -1;
    private TrafficGenerator generator;
    private Map<String, List<ObservedEvent>> outageRun;
    private Map<String, List<ObservedEvent>> plainRun;
    private List<ObjectNode> usage;

    @BeforeAll
    void simulateAnHourWithAndWithoutTheOutage() {
        generator = new TrafficGenerator(withoutOutage.withOutage(OUTAGE), true, new OutageListener() {
            @Override
            public void started(CarrierOutage outage, Instant at, int devicesCovered, int sessionsDropped) {
                told.add("started " + at);
                devicesCoveredTold = devicesCovered;
                sessionsDroppedTold = sessionsDropped;
            }

            @Override
            public void ended(CarrierOutage outage, Instant at, int devicesToReconnect) {
                told.add("ended " + at);
                reconnectingTold = devicesToReconnect;
            }
        });
        List<ObjectNode> events = new ArrayList<>();
        usage = new ArrayList<>();
        for (Instant now = START; !now.isAfter(END); now = now.plusSeconds(50)) {
            events.addAll(generator.advanceTo(now));
            usage.addAll(generator.usageUpTo(now));
        }
        outageRun = ObservedEvent.byDevice(ObservedEvent.firstOccurrences(events));
        plainRun = ObservedEvent.byDevice(ObservedEvent.firstOccurrences(new TrafficGenerator(withoutOutage).advanceTo(END)));
    }

    @Test
    void theCoveredDevicesOfTheOperatorLoseTheirSessionsTogether() {
        Set<String> openAtStart = new HashSet<>();
        Set<String> dropped = new HashSet<>();
        long firstDrop = Long.MAX_VALUE;
        long lastDrop = Long.MIN_VALUE;
        for (SimulatedDevice device : generator.devices()) {
            if (!device.network().equals(VODAFONE)) {
                continue;
            }
            List<ObservedEvent> events = outageRun.getOrDefault(device.recordKey(), List.of());
            ObservedEvent open = openSessionAt(events, FROM);
            if (open == null) {
                continue;
            }
            openAtStart.add(device.recordKey());
            ObservedEvent delete = cutDelete(device);
            if (delete != null) {
                dropped.add(device.recordKey());
                firstDrop = Math.min(firstDrop, delete.time().toEpochMilli());
                lastDrop = Math.max(lastDrop, delete.time().toEpochMilli());
            }
        }
        int online = 0;
        int goOffline = 0;
        int goOfflineWithoutOutage = 0;
        for (SimulatedDevice device : generator.devices()) {
            if (device.network().equals(VODAFONE)) {
                List<ObservedEvent> events = outageRun.getOrDefault(device.recordKey(), List.of());
                online += onlineAt(events, FROM) ? 1 : 0;
                goOffline += offlineMomentIn(events, FROM, FROM + OFFLINE_WINDOW + 6_000) ? 1 : 0;
                goOfflineWithoutOutage += offlineMomentIn(plainRun.getOrDefault(device.recordKey(), List.of()), FROM,
                        FROM + OFFLINE_WINDOW + 6_000) ? 1 : 0;
            }
        }
        assertThat(goOffline).as("enough for an incident: at least 20 devices go offline in the five minutes after "
                        + "the start (%d without the outage)", goOfflineWithoutOutage)
                .isGreaterThanOrEqualTo(20).isGreaterThanOrEqualTo(goOfflineWithoutOutage + dropped.size());
        assertThat(goOffline).as("and at least 10% of the operator's online devices").isGreaterThanOrEqualTo(online / 10);
        assertThat(told).containsExactly("started " + Instant.ofEpochMilli(FROM), "ended " + Instant.ofEpochMilli(UNTIL));
        assertThat(dropped).as("the sessions the outage cut, as told").hasSize(sessionsDroppedTold);
        assertThat(devicesCoveredTold).as("60% of the operator's devices")
                .isEqualTo((int) Math.round(0.6 * generator.devices().stream().filter(d -> d.network().equals(VODAFONE)).count()));
        assertThat((double) dropped.size() / openAtStart.size()).as("about the share of the operator's devices online")
                .isBetween(0.4, 0.8);
        assertThat(firstDrop).as("when the outage starts").isGreaterThanOrEqualTo(FROM);
        assertThat(lastDrop - firstDrop).as("within seconds of each other")
                .isLessThanOrEqualTo(CarrierOutage.DROP_SPREAD.toMillis() + 1_000);
    }

    /**
     * The delete of the session the outage cut on this device: the one open when it started, deleted
     * earlier than the same session is without the outage; or null.
     */
    private ObservedEvent cutDelete(SimulatedDevice device) {
        List<ObservedEvent> events = outageRun.getOrDefault(device.recordKey(), List.of());
        ObservedEvent open = openSessionAt(events, FROM);
        if (open == null) {
            return null;
        }
        ObservedEvent delete = deleteOf(events, open.sessionId());
        ObservedEvent plainDelete = deleteOf(plainRun.getOrDefault(device.recordKey(), List.of()), open.sessionId());
        return delete != null && (plainDelete == null || delete.time().isBefore(plainDelete.time())) ? delete : null;
    }

    @Test
    void devicesOnOtherOperatorsAndUncoveredOnesLiveTheSameStoryAsWithoutTheOutage() {
        int unchanged = 0;
        int changed = 0;
        for (SimulatedDevice device : generator.devices()) {
            List<JsonNode> with = withoutIds(outageRun.get(device.recordKey()));
            List<JsonNode> without = withoutIds(plainRun.get(device.recordKey()));
            if (with.equals(without)) {
                unchanged++;
            } else {
                changed++;
                assertThat(device.network()).as("device %s changed by the outage", device.name()).isEqualTo(VODAFONE);
            }
        }
        assertThat(changed).isGreaterThanOrEqualTo(sessionsDroppedTold);
        assertThat(unchanged).isGreaterThan(generator.devices().size() / 2);
    }

    @Test
    void noCoveredDeviceOpensASessionDuringTheOutageAndTheyReconnectShortlyAfterIt() {
        int reconnected = 0;
        for (SimulatedDevice device : generator.devices()) {
            List<ObservedEvent> events = outageRun.getOrDefault(device.recordKey(), List.of());
            if (withoutIds(events).equals(withoutIds(plainRun.get(device.recordKey())))) {
                continue; // not affected
            }
            assertThat(events).as("device %s: no create while the network is down", device.name())
                    .noneMatch(event -> event.type() == 3 && event.time().toEpochMilli() >= FROM
                            && event.time().toEpochMilli() < UNTIL);
            if (cutDelete(device) != null) {
                assertThat(events).as("device %s reconnects within two minutes of the end", device.name())
                        .anyMatch(event -> event.type() == 3 && event.time().toEpochMilli() >= UNTIL
                                && event.time().toEpochMilli() <= UNTIL + CarrierOutage.RECONNECT_SPREAD.toMillis() + 1_000);
                reconnected++;
            }
        }
        assertThat(reconnected).isEqualTo(sessionsDroppedTold);
        assertThat(reconnectingTold).isGreaterThanOrEqualTo(sessionsDroppedTold);
    }

    @Test
    void everyDevicesEventsStayInOrderASecondApartWithEachSessionClosedBeforeTheNextOpens() {
        for (List<ObservedEvent> events : outageRun.values()) {
            String open = null;
            for (int i = 0; i < events.size(); i++) {
                ObservedEvent event = events.get(i);
                if (i > 0 && !event.device().startsWith("org-")) {
                    assertThat(event.time()).as("device %s", event.device())
                            .isAfterOrEqualTo(events.get(i - 1).time().plusSeconds(1));
                }
                if (event.acceptedCreate()) {
                    assertThat(open).as("device %s opens a session while one is open", event.device()).isNull();
                    open = event.sessionId();
                } else if (event.type() == 5) {
                    assertThat(event.sessionId()).as("device %s deletes the open session", event.device()).isEqualTo(open);
                    open = null;
                }
            }
        }
    }

    @Test
    void aCutSessionsUsageRecordsEndAtItsDeleteAndAddUpToItsVolume() {
        Map<String, BigDecimal> usedBySession = new HashMap<>();
        Map<String, Long> lastEndBySession = new HashMap<>();
        for (ObjectNode record : usage) {
            if (record.path("traffic_type").path("id").asInt() != 5) {
                continue;
            }
            String session = record.get("session_id").asText();
            usedBySession.merge(session, new BigDecimal(record.get("volume").get("total").asText()), BigDecimal::add);
            lastEndBySession.merge(session, Instant.parse(record.get("end_timestamp").asText()).toEpochMilli(), Math::max);
        }
        int checked = 0;
        for (SimulatedDevice device : generator.devices()) {
            ObservedEvent delete = cutDelete(device);
            if (delete == null) {
                continue;
            }
            assertThat(lastEndBySession.get(delete.sessionId())).isEqualTo(delete.time().toEpochMilli());
            assertThat(usedBySession.get(delete.sessionId()))
                    .isEqualByComparingTo(ObservedEvent.decimal(delete.json().get("detail").get("volume").get("total")));
            checked++;
        }
        assertThat(checked).isEqualTo(sessionsDroppedTold);
    }

    /**
     * Whether the device goes offline in {@code [from, until)} by emnify's rule: a session ended and no
     * new one was created within the offline window.
     */
    private static boolean offlineMomentIn(List<ObservedEvent> events, long from, long until) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).type() != 5) {
                continue;
            }
            long offlineAt = events.get(i).time().toEpochMilli() + OFFLINE_WINDOW;
            boolean reconnected = events.subList(i + 1, events.size()).stream()
                    .anyMatch(event -> event.acceptedCreate() && event.time().toEpochMilli() <= offlineAt);
            if (!reconnected && offlineAt >= from && offlineAt < until) {
                return true;
            }
        }
        return false;
    }

    /** Online by emnify's rule: in a session, or its last one ended less than the offline window ago. */
    private static boolean onlineAt(List<ObservedEvent> events, long at) {
        ObservedEvent last = null;
        for (ObservedEvent event : events) {
            if (event.time().toEpochMilli() >= at) {
                break;
            }
            if (event.acceptedCreate() || event.type() == 5) {
                last = event;
            }
        }
        return last != null && (last.acceptedCreate() || at - last.time().toEpochMilli() < OFFLINE_WINDOW);
    }

    /** The accepted create of the session open at {@code at}, or null. */
    private static ObservedEvent openSessionAt(List<ObservedEvent> events, long at) {
        ObservedEvent open = null;
        for (ObservedEvent event : events) {
            if (event.time().toEpochMilli() >= at) {
                break;
            }
            if (event.acceptedCreate()) {
                open = event;
            } else if (event.type() == 5) {
                open = null;
            }
        }
        return open;
    }

    private static ObservedEvent deleteOf(List<ObservedEvent> events, String sessionId) {
        return events.stream().filter(event -> event.type() == 5 && sessionId.equals(event.sessionId())).findFirst()
                .orElse(null);
    }

    /** A device's events without their ids, which one more or one fewer event anywhere in the fleet shifts. */
    private static List<JsonNode> withoutIds(List<ObservedEvent> events) {
        List<JsonNode> stripped = new ArrayList<>();
        for (ObservedEvent event : events == null ? List.<ObservedEvent>of() : events) {
            ObjectNode copy = event.json().deepCopy();
            copy.remove("id");
            stripped.add(copy);
        }
        return stripped;
    }
}
