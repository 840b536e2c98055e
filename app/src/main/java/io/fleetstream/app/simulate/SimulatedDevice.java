package io.fleetstream.app.simulate;

import java.time.Instant;

/**
 * The fixed facts of one simulated device: what emnify puts into {@code endpoint}, {@code sim} and
 * {@code imsi} of each of its events, the network it attaches to, and whether it takes part in data or
 * SMS quota traffic. Tests use these to compute their own expectations.
 *
 * @param tags {@code endpoint.tags} as emnify writes it: the Portal's comma-separated tag names, or null for none
 */
public record SimulatedDevice(
        long endpointId,
        String name,
        String imei,
        String ipAddress,
        Sim sim,
        Imsi imsi,
        SimulatedOrganisation organisation,
        MobileOperator network,
        int ratType,
        boolean dataQuotaManaged,
        boolean smsQuotaManaged,
        String tags) {

    /** The SIM card; the ICCID has 19 or 20 digits and is therefore kept as text. */
    public record Sim(long id, String iccid, String msisdn, Instant productionDate) {
    }

    public record Imsi(long id, String imsi, Instant importDate) {
    }

    /** The Kafka key fleetstream gives this device's events. */
    public String recordKey() {
        return Long.toString(endpointId);
    }
}
