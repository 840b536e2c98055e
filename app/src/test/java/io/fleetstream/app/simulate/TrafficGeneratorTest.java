package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.catalog.EventCatalog;
import io.fleetstream.schemas.catalog.EventType;
import io.fleetstream.schemas.catalog.EventTypes;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.device.EndpointTags;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrafficGeneratorTest {

    private static final Instant START = Instant.parse("2024-05-01T00:00:00Z");
    private static final Duration OFFLINE_WINDOW = Duration.ofMinutes(5);
    /** Fields that are a string in one of emnify's examples and null in another (006 and 008). */
    private static final Set<String> NULLABLE_IN_EMNIFY = Set.of("/detail/pdp_context/breakout_ip", "/detail/pdp_context/apn");
    private static final Pattern CANONICAL_TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    /** A thousand devices for a simulated hour, with the default shares of drift, duplicates and quotas. */
    private List<ObjectNode> fleetHour;
    private List<ObservedEvent> fleetHourOnce;
    private Map<String, List<ObservedEvent>> fleetHourByDevice;

    @BeforeAll
    void simulateAThousandDevicesForAnHour() {
        fleetHour = new TrafficGenerator(TrafficProfile.of(1_000, 7, START)).advanceTo(START.plus(Duration.ofHours(1)));
        fleetHourOnce = ObservedEvent.firstOccurrences(fleetHour);
        fleetHourByDevice = ObservedEvent.byDevice(fleetHourOnce);
    }

    @Test
    void theSameProfileYieldsTheSameEventsHoweverTheTimelineIsAdvanced() {
        TrafficProfile profile = TrafficProfile.of(200, 42, START);
        List<ObjectNode> inOneGo = new TrafficGenerator(profile).advanceTo(START.plus(Duration.ofHours(1)));

        TrafficGenerator stepwise = new TrafficGenerator(profile);
        List<ObjectNode> inSteps = new ArrayList<>();
        for (Instant now = START; !now.isAfter(START.plus(Duration.ofHours(1))); now = now.plusSeconds(37)) {
            inSteps.addAll(stepwise.advanceTo(now));
        }
        inSteps.addAll(stepwise.advanceTo(START.plus(Duration.ofHours(1))));

        assertThat(inOneGo).hasSizeGreaterThan(1_000);
        assertThat(inSteps).isEqualTo(inOneGo);
        assertThat(stepwise.advanceTo(START.plus(Duration.ofMinutes(30)))).as("time does not run backwards").isEmpty();
    }

    @Test
    void differentSeedsYieldDifferentFleetsAndTraffic() {
        TrafficGenerator one = new TrafficGenerator(TrafficProfile.of(50, 1, START));
        TrafficGenerator two = new TrafficGenerator(TrafficProfile.of(50, 2, START));

        assertThat(one.devices()).extracting(SimulatedDevice::endpointId)
                .isNotEqualTo(two.devices().stream().map(SimulatedDevice::endpointId).toList());
        assertThat(one.advanceTo(START.plus(Duration.ofMinutes(30))))
                .isNotEqualTo(two.advanceTo(START.plus(Duration.ofMinutes(30))));
    }

    @Test
    void devicesBelongToAboutOneOrganisationPerFiftyDevicesAndHaveUniqueIdentities() {
        assertThat(new TrafficGenerator(TrafficProfile.of(1, 3, START)).organisations()).hasSize(1);
        assertThat(new TrafficGenerator(TrafficProfile.of(100, 3, START)).organisations()).hasSize(2);
        TrafficGenerator fleet = new TrafficGenerator(TrafficProfile.of(1_000, 3, START));
        assertThat(fleet.organisations()).hasSize(20);

        List<SimulatedDevice> devices = fleet.devices();
        assertThat(devices).hasSize(1_000);
        assertThat(devices.stream().map(SimulatedDevice::endpointId).distinct()).hasSize(1_000);
        assertThat(devices.stream().map(d -> d.sim().iccid()).distinct()).hasSize(1_000);
        assertThat(devices.stream().map(d -> d.imsi().imsi()).distinct()).hasSize(1_000);
        assertThat(devices).allSatisfy(device -> {
            assertThat(device.sim().iccid()).matches("\\d{19,20}");
            assertThat(device.imsi().imsi()).matches("\\d{15}");
            assertThat(device.imei()).matches("\\d{15}");
            assertThat(fleet.organisations()).contains(device.organisation());
            assertThat(MobileOperator.NETWORKS).contains(device.network());
        });
        long quotaDevices = devices.stream().filter(SimulatedDevice::dataQuotaManaged).count();
        assertThat(quotaDevices).as("most, not all, devices have data quotas").isBetween(700L, 900L);
        long smsDevices = devices.stream().filter(SimulatedDevice::smsQuotaManaged).count();
        assertThat(smsDevices).as("a smaller share has SMS quotas").isBetween(200L, 400L);
    }

    @Test
    void everyEventTypeHasTheCatalogsIdAndName() {
        EventCatalog catalog = EventCatalog.standard();
        Set<Integer> seen = new HashSet<>();
        assertThat(fleetHour).allSatisfy(event -> {
            JsonNode type = event.get("event_type");
            String name = type.has("description") ? type.get("description").asText() : type.path("name").asText();
            assertThat(catalog.find(type.get("id").asInt())).as("%s", type).map(EventType::name).contains(name);
            seen.add(type.get("id").asInt());
        });
        assertThat(seen).contains(EventTypes.UPDATE_LOCATION.id(), EventTypes.CREATE_PDP_CONTEXT.id(),
                EventTypes.DELETE_PDP_CONTEXT.id(), EventTypes.DATA_QUOTA_ASSIGNED.id());
    }

    @Test
    void everyEventHasTheMandatoryEmnifyFields() {
        assertThat(fleetHour).allSatisfy(event -> {
            assertThat(event.get("id").isIntegralNumber()).as("id is a number: %s", event).isTrue();
            assertThat(ObservedEvent.time(event.get("timestamp").asText())).isBetween(START, START.plus(Duration.ofHours(1)));
            assertThat(event.get("event_type").get("id").isInt()).isTrue();
            assertThat(event.get("event_type").get("description").asText()).isNotBlank();
            assertThat(event.get("event_source").has("id")).isTrue();
            assertThat(event.get("event_source").has("description") || event.get("event_source").has("name")).isTrue();
            assertThat(event.get("event_severity").has("id")).isTrue();
            assertThat(event.get("event_severity").get("description").asText()).isNotBlank();
            assertThat(event.get("alert").isBoolean() || event.get("alert").isInt()).as("alert in %s", event).isTrue();
            assertThat(event.get("description").asText()).isNotBlank();
            assertThat(event.get("organisation").get("id").isIntegralNumber()).isTrue();
            assertThat(event.get("organisation").get("name").asText()).isNotBlank();
            int type = event.get("event_type").get("id").asInt();
            if (type < 52 || type > 55) {
                assertThat(event.get("endpoint").get("id").isIntegralNumber()).isTrue();
                assertThat(event.get("endpoint").has("tags")).isTrue();
                assertThat(event.get("sim").get("iccid").isTextual()).isTrue();
                assertThat(event.get("sim").get("iccid").asText()).matches("\\d{19,20}");
                assertThat(event.get("sim").get("msisdn").isTextual()).isTrue();
                assertThat(event.get("imsi").get("imsi").isTextual()).isTrue();
            }
        });
    }

    @Test
    void devicesCarryARegionAndAProductTagExceptOneInEightAndEveryEventSaysThem() {
        List<SimulatedDevice> devices = new TrafficGenerator(TrafficProfile.of(1_000, 7, START)).devices();
        assertThat(devices).extracting(SimulatedDevice::tags).as("the same seed, the same tags")
                .isEqualTo(new TrafficGenerator(TrafficProfile.of(1_000, 7, START)).devices().stream()
                        .map(SimulatedDevice::tags).toList());
        assertThat(devices.stream().filter(d -> d.tags() == null)).hasSize(125);
        Set<String> regions = new HashSet<>();
        Set<String> products = new HashSet<>();
        devices.stream().filter(d -> d.tags() != null).forEach(device -> {
            List<String> tags = EndpointTags.parse(device.tags());
            assertThat(tags).as(device.tags()).hasSize(2);
            regions.add(tags.get(0));
            products.add(tags.get(1));
            String kind = device.name().substring(0, device.name().lastIndexOf(' '));
            assertThat(tags.get(1)).as("the product tag of a %s", kind).isEqualTo(Map.of("GPS Tracker", "gps-tracker",
                    "Smart Meter", "smart-meter", "Cold-Chain Sensor", "cold-chain", "Vending Machine", "vending",
                    "E-Scooter", "e-scooter", "Parking Sensor", "parking").get(kind));
        });
        assertThat(regions).containsExactlyInAnyOrder("berlin", "hamburg", "munich", "cologne", "frankfurt");
        assertThat(products).hasSize(6);

        Map<String, String> tagsByDevice = new HashMap<>();
        devices.forEach(d -> tagsByDevice.put(d.recordKey(), d.tags()));
        List<ObservedEvent> deviceEvents = fleetHourOnce.stream().filter(e -> e.json().has("endpoint")).toList();
        assertThat(deviceEvents).isNotEmpty().allSatisfy(event ->
                assertThat(event.json().get("endpoint").get("tags").textValue()).as("tags of %s", event.device())
                        .isEqualTo(tagsByDevice.get(event.device())));
    }

    @Test
    void eventsHaveTheShapeOfEmnifysPublishedExamples() throws Exception {
        List<ObservedEvent> plain = ObservedEvent.firstOccurrences(
                new TrafficGenerator(TrafficProfile.of(1_000, 11, START).withDriftFraction(0))
                        .advanceTo(START.plus(Duration.ofHours(2))));
        Map<String, String> examples = Map.of(
                "004-1-update-location-docs.json", "1",
                "005-2-update-gprs-location-docs.json", "2",
                "006-3-create-pdp-accepted-docs.json", "3 accepted",
                "007-3-create-pdp-rejected-no-quota-docs.json", "3 rejected",
                "008-5-delete-pdp-docs.json", "5",
                "011-11-endpoint-blocked-docs.json", "11",
                "013-18-quota-threshold-reached-docs.json", "18",
                "015-52-data-quota-enabled-docs.json", "52",
                "016-56-data-quota-assigned-block-docs.json", "56",
                "019-20-sms-quota-threshold-reached-docs.json", "20");
        for (Map.Entry<String, String> example : examples.entrySet()) {
            JsonNode published;
            try (var in = getClass().getResourceAsStream("/examples/" + example.getKey())) {
                assertThat(in).as("example %s on the test classpath", example.getKey()).isNotNull();
                published = Json.mapper().readTree(in);
            }
            ObservedEvent generated = plain.stream()
                    .filter(event -> kind(event).equals(example.getValue()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no generated event of kind " + example.getValue()));
            assertSameShape(example.getKey(), "", published, generated.json());
        }
    }

    @Test
    void eachDevicesEventsAreInTimeOrderAndAtLeastASecondApart() {
        for (List<ObservedEvent> events : fleetHourByDevice.values()) {
            for (int i = 1; i < events.size(); i++) {
                Instant before = events.get(i - 1).time().truncatedTo(ChronoUnit.SECONDS);
                Instant after = events.get(i).time().truncatedTo(ChronoUnit.SECONDS);
                assertThat(after).as("event %d of device %s", i, events.get(i).device()).isAfter(before);
            }
        }
        for (int i = 1; i < fleetHourOnce.size(); i++) {
            assertThat(fleetHourOnce.get(i).time().truncatedTo(ChronoUnit.SECONDS))
                    .as("events come in simulated-time order")
                    .isAfterOrEqualTo(fleetHourOnce.get(i - 1).time().truncatedTo(ChronoUnit.SECONDS));
        }
    }

    @Test
    void idsAreUniqueAndIncreaseFromASeedDependentBaseAroundATrillion() {
        for (int i = 1; i < fleetHourOnce.size(); i++) {
            assertThat(fleetHourOnce.get(i).id()).isGreaterThan(fleetHourOnce.get(i - 1).id());
        }
        long first = fleetHourOnce.get(0).id();
        assertThat(first).isBetween(1_000_000_000_000L, 1_200_000_000_000L);
        long otherSeed = new TrafficGenerator(TrafficProfile.of(1_000, 8, START))
                .advanceTo(START.plus(Duration.ofHours(1))).get(0).get("id").asLong();
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void everyAcceptedCreateIsClosedByTheDeleteOfTheSameSessionBeforeTheNextAcceptedCreate() {
        int sessions = 0;
        for (List<ObservedEvent> events : fleetHourByDevice.values()) {
            ObservedEvent open = null;
            for (ObservedEvent event : events) {
                if (event.acceptedCreate()) {
                    assertThat(open).as("device %s opens a session while %s is open", event.device(), open).isNull();
                    assertThat(event.sessionId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
                    assertThat(tunnelCreated(event)).as("tunnel_created is the create's time").isEqualTo(event.time());
                    open = event;
                    sessions++;
                } else if (event.type() == 5) {
                    assertThat(open).as("device %s deletes a session it never opened", event.device()).isNotNull();
                    assertThat(event.sessionId()).isEqualTo(open.sessionId());
                    assertThat(tunnelCreated(event)).isEqualTo(tunnelCreated(open));
                    open = null;
                }
            }
        }
        assertThat(sessions).isGreaterThan(2_000);
    }

    @Test
    void deletedSessionsReportNonNegativeVolumesWhoseTotalIsRxPlusTx() {
        List<ObservedEvent> deletes = fleetHourOnce.stream().filter(event -> event.type() == 5).toList();
        assertThat(deletes).isNotEmpty();
        assertThat(deletes).allSatisfy(delete -> {
            JsonNode volume = delete.json().get("detail").get("volume");
            BigDecimal rx = ObservedEvent.decimal(volume.get("rx"));
            BigDecimal tx = ObservedEvent.decimal(volume.get("tx"));
            assertThat(rx.signum()).isNotNegative();
            assertThat(tx.signum()).isNotNegative();
            assertThat(ObservedEvent.decimal(volume.get("total"))).isEqualByComparingTo(rx.add(tx));
        });
        assertThat(deletes.stream().filter(delete -> delete.json().at("/detail/pdp_context/apn").isNull()))
                .as("apn is often null on delete").hasSizeGreaterThan(deletes.size() / 2);
    }

    @Test
    void devicesReconnectBothInsideAndAfterTheFiveMinuteWindowButNeverAtItsEdge() {
        List<Duration> gaps = new ArrayList<>();
        for (List<ObservedEvent> events : fleetHourByDevice.values()) {
            Instant sessionEnded = null;
            for (ObservedEvent event : events) {
                if (event.type() == 5) {
                    sessionEnded = event.time();
                } else if (event.acceptedCreate() && sessionEnded != null) {
                    gaps.add(Duration.between(sessionEnded, event.time()));
                    sessionEnded = null;
                } else if (event.type() == 15 || event.type() == 16) {
                    sessionEnded = null;
                }
            }
        }
        assertThat(gaps.stream().filter(gap -> gap.compareTo(OFFLINE_WINDOW) < 0)).hasSizeGreaterThan(500);
        assertThat(gaps.stream().filter(gap -> gap.compareTo(OFFLINE_WINDOW) > 0)).hasSizeGreaterThan(200);
        assertThat(gaps).allSatisfy(gap ->
                assertThat(gap.minus(OFFLINE_WINDOW).abs()).isGreaterThanOrEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void rejectedCreatesHappenOnlyWhileTheDeviceHasNoOpenSessionAndCarryNoDetail() {
        int rejections = 0;
        for (List<ObservedEvent> events : fleetHourByDevice.values()) {
            boolean open = false;
            for (ObservedEvent event : events) {
                if (event.acceptedCreate()) {
                    open = true;
                } else if (event.type() == 5) {
                    open = false;
                } else if (event.rejectedCreate()) {
                    assertThat(open).as("rejection %s during an open session", event.json()).isFalse();
                    assertThat(event.json().has("detail")).isFalse();
                    assertThat(event.alert()).isTrue();
                    assertThat(event.json().get("event_severity").get("id").asInt()).isEqualTo(1);
                    assertThat(event.json().get("description").asText()).startsWith("PDP Context Request rejected, because");
                    rejections++;
                }
            }
        }
        assertThat(rejections).isGreaterThan(30);
        assertThat(fleetHourOnce.stream().filter(event -> event.rejectedCreate()
                && event.json().get("description").asText().contains("has no quota"))).isNotEmpty();
    }

    @Test
    void aBlockIsFollowedByTheNetworksDeleteOfTheOpenSession() {
        List<ObservedEvent> blocks = fleetHourOnce.stream().filter(event -> event.type() == 11).toList();
        assertThat(blocks).isNotEmpty();
        for (ObservedEvent block : blocks) {
            List<ObservedEvent> events = fleetHourByDevice.get(block.device());
            int at = events.indexOf(block);
            ObservedEvent previousSessionEvent = null;
            for (int i = at - 1; i >= 0 && previousSessionEvent == null; i--) {
                if (events.get(i).acceptedCreate() || events.get(i).type() == 5) {
                    previousSessionEvent = events.get(i);
                }
            }
            assertThat(previousSessionEvent).isNotNull();
            assertThat(previousSessionEvent.acceptedCreate()).as("a block happens during a session").isTrue();
            if (at + 1 < events.size()) {
                assertThat(events.get(at + 1).type()).as("the network deletes the blocked session").isEqualTo(5);
                assertThat(events.get(at + 1).sessionId()).isEqualTo(previousSessionEvent.sessionId());
            }
        }
    }

    @Test
    void purgesComeInPairsAfterASilenceAndAreFollowedByAReattach() {
        List<ObservedEvent> purges = fleetHourOnce.stream().filter(event -> event.type() == 16).toList();
        assertThat(purges).isNotEmpty();
        for (ObservedEvent purge : purges) {
            List<ObservedEvent> events = fleetHourByDevice.get(purge.device());
            List<ObservedEvent> connectivity = events.stream().filter(e -> List.of(1, 2, 3, 5, 15, 16).contains(e.type())).toList();
            int at = connectivity.indexOf(purge);
            assertThat(connectivity.get(at - 1).type()).as("silence after the last session").isEqualTo(5);
            assertThat(Duration.between(connectivity.get(at - 1).time(), purge.time())).isGreaterThan(Duration.ofMinutes(15));
            assertThat(purge.json().has("detail")).isFalse();
            if (at + 1 < connectivity.size()) {
                assertThat(connectivity.get(at + 1).type()).isEqualTo(15);
            }
            if (at + 2 < connectivity.size()) {
                assertThat(connectivity.get(at + 2).type()).as("re-attach after a purge").isEqualTo(1);
            }
        }
    }

    @Test
    void dataQuotasMoveThroughAValidLifecycleAndBlockingQuotasRejectSessionsOnceUsedUp() {
        Set<Integer> seen = new HashSet<>();
        for (List<ObservedEvent> events : fleetHourByDevice.values()) {
            String status = "NONE";
            boolean blocking = false;
            boolean thresholdReached = false;
            for (ObservedEvent event : events) {
                seen.add(event.type());
                switch (event.type()) {
                    case 56 -> {
                        assertThat(status).as("assigned on top of an active quota: %s", event.json()).isNotEqualTo("ACTIVE");
                        JsonNode quota = event.json().get("detail").get("quota");
                        assertThat(quota.get("status").get("id").asInt()).isEqualTo(1);
                        blocking = quota.get("action_on_exhaustion").get("id").asInt() == 1;
                        assertThat(ObservedEvent.decimal(quota.get("thresholdVolume")))
                                .isEqualByComparingTo(ObservedEvent.decimal(quota.get("volume"))
                                        .multiply(BigDecimal.valueOf(quota.get("thresholdPercentage").asInt()))
                                        .divide(BigDecimal.valueOf(100)));
                        status = "ACTIVE";
                        thresholdReached = false;
                    }
                    case 18 -> {
                        assertThat(status).isEqualTo("ACTIVE");
                        assertThat(thresholdReached).as("threshold reported twice for one quota").isFalse();
                        thresholdReached = true;
                    }
                    case 19 -> {
                        assertThat(status).isEqualTo("ACTIVE");
                        assertThat(ObservedEvent.decimal(event.json().at("/detail/quota/volume")).signum()).isNotPositive();
                        status = "EXHAUSTED";
                    }
                    case 57, 60 -> {
                        assertThat(status).isEqualTo("ACTIVE");
                        assertThat(event.json().has("detail")).isFalse();
                        status = event.type() == 57 ? "DELETED" : "EXPIRED";
                    }
                    case 3 -> {
                        if (event.acceptedCreate()) {
                            assertThat(blocking && !status.equals("NONE") && !status.equals("ACTIVE"))
                                    .as("session accepted without an active blocking quota (%s)", status).isFalse();
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        assertThat(seen).contains(56, 18, 19, 57, 60);
    }

    @Test
    void smsQuotasMoveThroughAValidLifecycle() {
        Set<Integer> seen = new HashSet<>();
        for (List<ObservedEvent> events : fleetHourByDevice.values()) {
            String status = "NONE";
            for (ObservedEvent event : events) {
                switch (event.type()) {
                    case 58 -> {
                        assertThat(status).isNotEqualTo("ACTIVE");
                        status = "ACTIVE";
                    }
                    case 20, 21 -> {
                        assertThat(status).isEqualTo("ACTIVE");
                        JsonNode quota = event.json().get("detail").get("quota");
                        assertThat(quota.get("traffic_type").get("id").asInt()).isEqualTo(6);
                        assertThat(quota.get("traffic_type").get("description").asText()).isEqualTo("SMS");
                        if (event.type() == 21) {
                            status = "EXHAUSTED";
                        }
                    }
                    case 59, 61 -> {
                        assertThat(status).isEqualTo("ACTIVE");
                        status = event.type() == 59 ? "DELETED" : "EXPIRED";
                    }
                    default -> {
                        continue;
                    }
                }
                seen.add(event.type());
            }
        }
        assertThat(seen).contains(58, 20, 21, 61);
    }

    @Test
    void quotaManagementEventsBelongToTheOrganisationAndNameTheServiceProfile() {
        List<ObservedEvent> management = ObservedEvent.firstOccurrences(
                new TrafficGenerator(TrafficProfile.of(500, 5, START)).advanceTo(START.plus(Duration.ofHours(6)))).stream()
                .filter(event -> event.type() >= 52 && event.type() <= 55).toList();
        assertThat(management).hasSizeGreaterThan(5);
        assertThat(management).allSatisfy(event -> {
            assertThat(event.json().has("endpoint")).isFalse();
            assertThat(event.json().has("sim")).isFalse();
            assertThat(event.json().has("imsi")).isFalse();
            assertThat(event.json().has("detail")).isFalse();
            assertThat(event.device()).startsWith("org-");
            assertThat(event.json().get("description").asText()).containsPattern("service profile \\(id = \\d+ - .+\\)");
        });
    }

    @Test
    void duplicatesAreIdenticalToTheirOriginalAndComeLater() {
        Map<Long, ObjectNode> firstById = new HashMap<>();
        int duplicates = 0;
        for (ObjectNode event : fleetHour) {
            ObjectNode original = firstById.putIfAbsent(event.get("id").asLong(), event);
            if (original != null) {
                assertThat(event).isEqualTo(original).isNotSameAs(original);
                duplicates++;
            }
        }
        double share = duplicates / (double) fleetHourOnce.size();
        assertThat(share).as("default duplicate share of 1%").isBetween(0.005, 0.015);

        List<ObjectNode> noDuplicates = new TrafficGenerator(TrafficProfile.of(200, 7, START).withDuplicateFraction(0))
                .advanceTo(START.plus(Duration.ofHours(1)));
        assertThat(noDuplicates.stream().map(event -> event.get("id").asLong()).distinct()).hasSize(noDuplicates.size());
    }

    @Test
    void roughlyTheConfiguredShareOfEventsIsInAnAlternativeEmnifyFormat() {
        Map<String, Integer> forms = new HashMap<>();
        int drifted = 0;
        for (ObservedEvent event : fleetHourOnce) {
            String form = driftForm(event.json());
            if (form != null) {
                forms.merge(form, 1, Integer::sum);
                drifted++;
            }
        }
        assertThat(drifted / (double) fleetHourOnce.size()).as("default drift share of 5%").isBetween(0.035, 0.065);
        assertThat(forms.keySet()).containsExactlyInAnyOrder("alert", "timestamp without millis", "timestamp without zone",
                "timestamp with offset", "source name", "severity capitals", "number as string", "extra key");

        List<ObjectNode> plain = new TrafficGenerator(TrafficProfile.of(200, 7, START).withDriftFraction(0))
                .advanceTo(START.plus(Duration.ofHours(1)));
        assertThat(plain).allSatisfy(event -> assertThat(driftForm(event)).isNull());
        List<ObjectNode> allDrifted = new TrafficGenerator(TrafficProfile.of(200, 7, START).withDriftFraction(1))
                .advanceTo(START.plus(Duration.ofHours(1)));
        assertThat(allDrifted).allSatisfy(event -> assertThat(driftForm(event)).isNotNull());
    }

    /** Which alternative form an event is in, judged from the JSON alone; null for the usual form. */
    private static String driftForm(ObjectNode event) {
        if (!event.get("alert").isBoolean()) {
            return "alert";
        }
        String timestamp = event.get("timestamp").asText();
        if (!CANONICAL_TIME.matcher(timestamp).matches()) {
            return timestamp.endsWith("+0000") ? "timestamp with offset"
                    : timestamp.contains(" ") ? "timestamp without zone" : "timestamp without millis";
        }
        if (event.get("event_source").has("name")) {
            return "source name";
        }
        String severity = event.get("event_severity").get("description").asText();
        if (severity.equals(severity.toUpperCase())) {
            return "severity capitals";
        }
        if (event.path("sim").path("id").isTextual() || event.get("event_severity").get("id").isTextual()) {
            return "number as string";
        }
        if (event.has("keen")) {
            return "extra key";
        }
        return null;
    }

    private static String kind(ObservedEvent event) {
        if (event.type() == 3) {
            return event.acceptedCreate() ? "3 accepted" : "3 rejected";
        }
        return Integer.toString(event.type());
    }

    private static Instant tunnelCreated(ObservedEvent event) {
        String value = event.json().at("/detail/pdp_context/tunnel_created").asText();
        assertThat(value).as("tunnel_created has no zone").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
        return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    }

    /**
     * Same keys at every level (the Data Streamer's {@code sim.msisdn} is the one addition to the
     * documentation's examples) and the same JSON types; a null in the example matches any value, and
     * a generated null matches where emnify's examples show the field null too.
     */
    private static void assertSameShape(String example, String path, JsonNode published, JsonNode generated) {
        if (published.isNull() || generated.isNull() && NULLABLE_IN_EMNIFY.contains(path)) {
            return;
        }
        if (published.isObject()) {
            assertThat(generated.isObject()).as("%s %s is an object", example, path).isTrue();
            Set<String> expected = new HashSet<>();
            published.fieldNames().forEachRemaining(expected::add);
            if (path.equals("/sim")) {
                expected.add("msisdn");
            }
            Set<String> actual = new HashSet<>();
            generated.fieldNames().forEachRemaining(actual::add);
            assertThat(actual).as("keys of %s in %s", path.isEmpty() ? "the event" : path, example)
                    .containsExactlyInAnyOrderElementsOf(expected);
            for (String key : expected) {
                if (published.has(key)) {
                    assertSameShape(example, path + "/" + key, published.get(key), generated.get(key));
                }
            }
        } else if (published.isArray()) {
            assertThat(generated.isArray()).as("%s %s is an array", example, path).isTrue();
            assertThat(generated.size()).isEqualTo(published.size());
            for (int i = 0; i < published.size(); i++) {
                assertSameShape(example, path + "/" + i, published.get(i), generated.get(i));
            }
        } else if (published.isNumber()) {
            assertThat(generated.isNumber()).as("%s %s is a number, got %s", example, path, generated).isTrue();
        } else {
            assertThat(generated.getNodeType()).as("%s %s", example, path).isEqualTo(published.getNodeType());
        }
    }
}
