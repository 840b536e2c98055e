package io.fleetstream.app.simulate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Enrols the simulated fleet: organisations (about one per 50 devices) and devices with SIM, IMSI,
 * IMEI, network and RAT type. Identifiers are unique within the fleet and shaped like emnify's.
 */
final class FleetRoster {

    private static final int DEVICES_PER_ORGANISATION = 50;
    private static final List<String> COMPANY_NAMES = List.of(
            "Nordwind Logistics", "Alpine Metering", "Harbour Cold Chain", "Brightline Vending",
            "Greenfield Agritech", "Kestrel Fleet", "Meridian Utilities", "Sable Rail", "Tern Scooters",
            "Lumen Street Lighting", "Obsidian Security", "Cobalt Parking");
    private static final List<String> SERVICE_PROFILES = List.of(
            "Generic Service Profile", "Trackers", "Smart Meters", "Telematics", "Low Power Sensors");
    private static final List<String> DEVICE_KINDS = List.of(
            "GPS Tracker", "Smart Meter", "Cold-Chain Sensor", "Vending Machine", "E-Scooter", "Parking Sensor");
    /** A product tag per device kind, in the order of {@link #DEVICE_KINDS}. */
    private static final List<String> PRODUCT_TAGS = List.of(
            "gps-tracker", "smart-meter", "cold-chain", "vending", "e-scooter", "parking");
    private static final List<String> REGION_TAGS = List.of("berlin", "hamburg", "munich", "cologne", "frankfurt");
    /** Every this many devices one has no tags, as endpoints nobody tagged in the Portal. */
    private static final int UNTAGGED_EVERY = 8;
    /** Type allocation codes (the first 8 IMEI digits) of common cellular IoT modules' makers. */
    private static final List<String> MODULE_TACS = List.of("35391108", "86714903", "35473510", "86280305", "35271011");
    /**
     * Most of a fleet is on its home network (Vodafone DE), as with a fleet deployed in one country, so
     * an outage of that network takes down enough devices for fleetstream's incident rule (20 devices)
     * with a few hundred devices.
     */
    private static final double[] NETWORK_WEIGHTS = {0.45, 0.20, 0.15, 0.10, 0.10};
    private static final int[] RAT_TYPES = {6, 9, 8, 2, 1, 5};
    private static final double[] RAT_WEIGHTS = {0.50, 0.15, 0.10, 0.15, 0.05, 0.05};

    private final List<SimulatedOrganisation> organisations;
    private final List<SimulatedDevice> devices;

    private FleetRoster(List<SimulatedOrganisation> organisations, List<SimulatedDevice> devices) {
        this.organisations = List.copyOf(organisations);
        this.devices = List.copyOf(devices);
    }

    static FleetRoster enrol(TrafficProfile profile, SplittableRandom random) {
        List<SimulatedOrganisation> organisations = organisations(profile.devices(), random);
        List<SimulatedDevice> devices = new ArrayList<>(profile.devices());
        Set<String> taken = new HashSet<>();
        long endpointBase = 10_000_000L + random.nextLong(5_000_000L);
        long simBase = 1_000_000L + random.nextLong(500_000L);
        long imsiBase = 100_000L + random.nextLong(500_000L);
        for (int i = 0; i < profile.devices(); i++) {
            SimulatedOrganisation organisation = organisations.get(random.nextInt(organisations.size()));
            Instant produced = profile.start()
                    .minus(Duration.ofSeconds(random.nextLong(30L * 86_400, 900L * 86_400)));
            int kindIndex = random.nextInt(DEVICE_KINDS.size());
            String kind = DEVICE_KINDS.get(kindIndex);
            devices.add(new SimulatedDevice(
                    endpointBase + i * 13L + random.nextInt(13),
                    String.format("%s %04d", kind, i + 1),
                    unique(taken, () -> withLuhnDigit(MODULE_TACS.get(random.nextInt(MODULE_TACS.size())) + digits(random, 6))),
                    "10." + (176 + (i >> 16) % 64) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff),
                    new SimulatedDevice.Sim(simBase + i * 7L + random.nextInt(7),
                            // ICCIDs are 19 or 20 digits: 18 or 19 digits and a Luhn check digit
                            unique(taken, () -> withLuhnDigit("8988303" + digits(random, random.nextBoolean() ? 11 : 12))),
                            unique(taken, () -> "4236" + digits(random, 8)),
                            produced),
                    new SimulatedDevice.Imsi(imsiBase + i * 5L + random.nextInt(5),
                            unique(taken, () -> "90143" + digits(random, 10)), produced),
                    organisation,
                    MobileOperator.NETWORKS.get(weighted(random, NETWORK_WEIGHTS)),
                    RAT_TYPES[weighted(random, RAT_WEIGHTS)],
                    random.nextDouble() < profile.dataQuotaShare(),
                    random.nextDouble() < profile.smsQuotaShare(),
                    tags(i, kindIndex)));
        }
        return new FleetRoster(organisations, devices);
    }

    /**
     * A region tag and a product tag ({@code "hamburg, cold-chain"}: emnify's comma-separated text, with the space the
     * Portal leaves), or null for every {@link #UNTAGGED_EVERY}th device. Taken from the device's number and kind, not
     * from the random source, so adding tags left every other fact of a seed's fleet as it was.
     */
    private static String tags(int index, int kindIndex) {
        if (index % UNTAGGED_EVERY == UNTAGGED_EVERY - 1) {
            return null;
        }
        return REGION_TAGS.get(index % REGION_TAGS.size()) + ", " + PRODUCT_TAGS.get(kindIndex);
    }

    List<SimulatedOrganisation> organisations() {
        return organisations;
    }

    List<SimulatedDevice> devices() {
        return devices;
    }

    private static List<SimulatedOrganisation> organisations(int deviceCount, SplittableRandom random) {
        int count = Math.max(1, Math.round(deviceCount / (float) DEVICES_PER_ORGANISATION));
        List<SimulatedOrganisation> organisations = new ArrayList<>(count);
        long idBase = 1_000 + random.nextInt(40_000);
        long profileBase = 90_000 + random.nextInt(9_000);
        for (int i = 0; i < count; i++) {
            String company = COMPANY_NAMES.get(i % COMPANY_NAMES.size());
            String name = i < COMPANY_NAMES.size() ? company : company + " " + (i / COMPANY_NAMES.size() + 1);
            organisations.add(new SimulatedOrganisation(idBase + i * 17L + random.nextInt(17), name,
                    profileBase + i * 11L + random.nextInt(11), SERVICE_PROFILES.get(random.nextInt(SERVICE_PROFILES.size()))));
        }
        return organisations;
    }

    private static String unique(Set<String> taken, Supplier<String> candidate) {
        String value = candidate.get();
        while (!taken.add(value)) {
            value = candidate.get();
        }
        return value;
    }

    private static String digits(SplittableRandom random, int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    /** Appends the Luhn check digit that ICCIDs and IMEIs carry. */
    static String withLuhnDigit(String payload) {
        int sum = 0;
        boolean doubled = true;
        for (int i = payload.length() - 1; i >= 0; i--) {
            int digit = payload.charAt(i) - '0';
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return payload + (10 - sum % 10) % 10;
    }

    private static int weighted(SplittableRandom random, double[] weights) {
        double pick = random.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
