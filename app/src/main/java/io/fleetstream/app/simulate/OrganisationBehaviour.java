package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.SplittableRandom;

/**
 * An organisation's own traffic: now and then an administrator switches data or SMS quota management
 * of its service profile on or off (events 52–55).
 */
final class OrganisationBehaviour implements TrafficSource {

    private static final long MINUTE = 60_000;

    private final SimulatedOrganisation organisation;
    private final SplittableRandom random;
    private final StreamerEvents writer;
    private boolean dataQuotaManagement;
    private boolean smsQuotaManagement;
    private long next;

    OrganisationBehaviour(SimulatedOrganisation organisation, SplittableRandom random, long start, StreamerEvents writer) {
        this.organisation = organisation;
        this.random = random;
        this.writer = writer;
        this.dataQuotaManagement = random.nextBoolean();
        this.smsQuotaManagement = random.nextBoolean();
        this.next = wholeSecond(start + random.nextLong(10 * MINUTE, 180 * MINUTE));
    }

    private static long wholeSecond(long millis) {
        return millis - Math.floorMod(millis, 1_000L);
    }

    @Override
    public long nextAt() {
        return next;
    }

    @Override
    public ObjectNode step() {
        long at = next;
        next = wholeSecond(at + random.nextLong(30 * MINUTE, 240 * MINUTE));
        boolean sms = random.nextDouble() < 0.4;
        if (sms) {
            smsQuotaManagement = !smsQuotaManagement;
            return writer.quotaManagementChanged(at, organisation, true, smsQuotaManagement);
        }
        dataQuotaManagement = !dataQuotaManagement;
        return writer.quotaManagementChanged(at, organisation, false, dataQuotaManagement);
    }
}
