package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The life of one simulated device, as its emnify events tell it: attach (1, 2), data sessions
 * (Create PDP 3 → Delete PDP 5 of the same session) separated by gaps that are sometimes a quick
 * reconnect inside the 5-minute offline window and sometimes longer, now and then a rejected session
 * request, a long silence ending in a purge (16, 15) and a later re-attach, rarely a block (11) that the
 * network follows with the delete of the open session; and, for quota devices, the data and SMS quota
 * lifecycles (56/58 assigned → 18/20 threshold → 19/21 used up, 60/61 expired, 57/59 deleted); and the
 * SMS it sends, which leave no event but a usage record each: a device with an SMS quota sends exactly
 * the SMS that take the quota to its threshold and then use it up, at the moments those events say,
 * and none while it has no active SMS quota; any other device sends one now and then. A device that a
 * {@link CarrierOutage} covers loses its session when the outage starts and opens none until it ends.
 *
 * <p>Each device draws from its own random stream, so its story does not depend on how many other
 * devices there are or how the timeline is advanced. Two events of one device are at least a second
 * apart, so their order survives any timestamp format.
 */
final class DeviceBehaviour implements TrafficSource {

    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    /** emnify's "device offline" rule: a delete not followed by a create within 5 minutes. */
    private static final long OFFLINE_WINDOW = 5 * MINUTE;
    /**
     * Accepted creates keep this distance from the end of the offline window, so whether a reconnect
     * was inside it never depends on rounding or on a tie.
     */
    private static final long WINDOW_MARGIN = 15 * SECOND;

    /** emnify's usage cadence while a PDP context is open, and the least traffic worth an interim record. */
    static final long USAGE_INTERVAL = 45 * SECOND;
    static final BigDecimal USAGE_MINIMUM_MB = new BigDecimal("0.100000");

    private static final double OCCASIONAL_REJECTION = 0.03;
    private static final double BLOCK_PER_SESSION = 0.005;
    private static final double PURGE_AFTER_SESSION = 0.03;
    private static final double QUICK_RECONNECT = 0.5;
    private static final double APN_ON_DELETE = 0.3;
    private static final double TYPICAL_SHARE_OF_TIME_IN_SESSION = 0.2;
    private static final double USED_UP_VOLUME_AS_TEXT = 0.3;
    private static final double QUOTA_DELETED_EARLY = 0.15;
    private static final int[] DATA_VOLUMES_MB = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    private static final int[] DATA_THRESHOLD_PERCENTAGES = {10, 20, 50, 80};
    private static final int[] SMS_VOLUMES = {10, 20, 50, 100};
    private static final int[] SMS_THRESHOLD_PERCENTAGES = {20, 50};
    private static final long[] THROTTLED_THROUGHPUTS = {64_000, 128_000, 256_000};
    private static final String OTHER_REJECTION = "PDP Context Request rejected, because endpoint exceeded its traffic limit.";
    /** Devices without an SMS quota send an SMS about this often, each at its own pace. */
    private static final long MIN_SMS_INTERVAL = 30 * MINUTE;
    private static final long MAX_SMS_INTERVAL = 6 * HOUR;

    private enum Kind {
        ATTACH, ATTACH_GPRS, CREATE_PDP, DATA_THRESHOLD, DATA_USED_UP, BLOCK, DELETE_PDP, PURGE_GPRS, PURGE,
        DATA_ASSIGN, DATA_EXPIRE, DATA_DELETE, SMS_ASSIGN, SMS_THRESHOLD, SMS_USED_UP, SMS_EXPIRE, SMS_DELETE,
        SMS_SENT, QUOTA_SMS_SENT
    }

    /**
     * Why a session ended: the device closed it, Policy Control blocked the endpoint, the quota ran out, or
     * the operator's network failed.
     */
    private enum Ending { DEVICE, BLOCKED, QUOTA_USED_UP, OUTAGE }

    private enum QuotaStatus { NONE, ACTIVE, EXHAUSTED, EXPIRED, DELETED }

    private record Step(long at, long order, Kind kind, OpenSession session, int epoch, BigDecimal amount) {
    }

    /** An open data session and what was planned for it when it opened. */
    private static final class OpenSession {
        final DataSession facts;
        Ending ending = Ending.DEVICE;
        BigDecimal rx;
        BigDecimal tx;
        int quotaEpoch = -1;
        BigDecimal remainingAtThreshold;
        BigDecimal remainingAfterUsedUp;
        /** Where the traffic not yet covered by a usage record starts, and what the records so far covered. */
        long usageFrom;
        BigDecimal usageRx = BigDecimal.ZERO;
        BigDecimal usageTx = BigDecimal.ZERO;

        OpenSession(DataSession facts) {
            this.facts = facts;
        }
    }

    /** One quota (data or SMS) of this device; the epoch counts assignments, so stale plans can be told apart. */
    private static final class QuotaAccount {
        QuotaGrant grant;
        QuotaStatus status = QuotaStatus.NONE;
        BigDecimal remaining = BigDecimal.ZERO;
        boolean thresholdReached;
        int epoch;
    }

    private final SimulatedDevice device;
    private final SplittableRandom random;
    /** Draws for the device's SMS, a stream of their own: adding SMS left the events of a seed as they were. */
    private final SplittableRandom smsRandom;
    private final StreamerEvents writer;
    private final Consumer<PlannedUsage> usage;
    /** The outage that covers this device, or null. */
    private final OutageWindow outage;
    private final long smsInterval;
    private final PriorityQueue<Step> agenda =
            new PriorityQueue<>(Comparator.comparingLong(Step::at).thenComparingLong(Step::order));
    private final double megabytesPerMinute;
    private final String vlr;
    private final String sgsn;
    private final String sgsnIp;
    private final int lac;
    private final long tariffProfileId;
    private final long ratezoneId;
    private final long tariffId;
    private final QuotaAccount data = new QuotaAccount();
    private final QuotaAccount sms = new QuotaAccount();
    private long stepOrder;
    private long lastEventAt = Long.MIN_VALUE / 4;
    private long lastSessionEndedAt = Long.MIN_VALUE / 4;
    private OpenSession session;
    private boolean rejectedSinceLastSession;
    private boolean heldOffByOutage;

    /**
     * @param usage  told about each usage record (a slice of a session's traffic, or an SMS) when it is
     *               planned; it is due at its end, which is never earlier than the step that plans it
     * @param outage the carrier outage that covers this device, or null
     */
    DeviceBehaviour(SimulatedDevice device, SplittableRandom random, SplittableRandom smsRandom, long start,
                    StreamerEvents writer, Consumer<PlannedUsage> usage, OutageWindow outage) {
        this.device = device;
        this.random = random;
        this.smsRandom = smsRandom;
        this.writer = writer;
        this.usage = usage;
        this.outage = outage;
        this.megabytesPerMinute = logUniform(0.01, 0.5);
        String countryCode = device.network().country().countryCode();
        this.vlr = countryCode + (1_700_000_000L + random.nextLong(100_000_000L));
        this.sgsn = countryCode + (1_700_000_000L + random.nextLong(100_000_000L));
        this.sgsnIp = ipAddress();
        this.lac = random.nextInt(100, 10_000);
        this.tariffProfileId = 390_000 + random.nextInt(10_000);
        this.ratezoneId = 8_000 + random.nextInt(500);
        this.tariffId = 500 + random.nextInt(100);
        schedule(start + random.nextLong(0, 3 * MINUTE), Kind.ATTACH);
        if (device.dataQuotaManaged()) {
            schedule(start + random.nextLong(0, 2 * MINUTE), Kind.DATA_ASSIGN, null, data.epoch, null);
        }
        if (device.smsQuotaManaged()) {
            schedule(start + random.nextLong(0, 5 * MINUTE), Kind.SMS_ASSIGN, null, sms.epoch, null);
            this.smsInterval = 0;
        } else {
            this.smsInterval = Math.round(Math.exp(smsRandom.nextDouble(Math.log(MIN_SMS_INTERVAL), Math.log(MAX_SMS_INTERVAL))));
            schedule(start + smsRandom.nextLong(SECOND, smsInterval), Kind.SMS_SENT);
        }
    }

    /**
     * Network events carry whole seconds ({@code .000Z}) on emnify, and {@code tunnel_created}, which
     * has no fraction, equals the create's time.
     */
    @Override
    public long nextAt() {
        long due = Math.max(agenda.element().at(), lastEventAt + SECOND);
        return -Math.floorDiv(-due, SECOND) * SECOND;
    }

    @Override
    public ObjectNode step() {
        long at = nextAt();
        Step step = agenda.remove();
        ObjectNode event = switch (step.kind()) {
            case ATTACH -> attach(at);
            case ATTACH_GPRS -> attachGprs(at);
            case CREATE_PDP -> requestSession(at);
            case DATA_THRESHOLD -> dataThresholdReached(at, step.session());
            case DATA_USED_UP -> dataUsedUp(at, step.session());
            case BLOCK -> block(at, step.session());
            case DELETE_PDP -> closeSession(at, step.session());
            case PURGE_GPRS -> purgeGprs(at);
            case PURGE -> purge(at);
            case DATA_ASSIGN -> assignDataQuota(at, step.epoch());
            case DATA_EXPIRE -> endDataQuota(at, step.epoch(), QuotaStatus.EXPIRED);
            case DATA_DELETE -> endDataQuota(at, step.epoch(), QuotaStatus.DELETED);
            case SMS_ASSIGN -> assignSmsQuota(at, step.epoch());
            case SMS_THRESHOLD -> smsThresholdReached(at, step.epoch(), step.amount());
            case SMS_USED_UP -> smsUsedUp(at, step.epoch());
            case SMS_EXPIRE -> endSmsQuota(at, step.epoch(), QuotaStatus.EXPIRED);
            case SMS_DELETE -> endSmsQuota(at, step.epoch(), QuotaStatus.DELETED);
            case SMS_SENT -> smsSent(at);
            case QUOTA_SMS_SENT -> quotaSmsSent(at, step.epoch());
        };
        if (event != null) {
            lastEventAt = at;
        }
        return event;
    }

    private ObjectNode attach(long at) {
        schedule(at + random.nextLong(SECOND, 5 * SECOND), Kind.ATTACH_GPRS);
        return writer.updateLocation(at, device, vlr);
    }

    private ObjectNode attachGprs(long at) {
        schedule(at + random.nextLong(2 * SECOND, 90 * SECOND), Kind.CREATE_PDP);
        return writer.updateGprsLocation(at, device, sgsn, sgsnIp);
    }

    /**
     * A request for a data session. Rejections never replace the session the loop needs: each one is
     * followed by another request, and the occasional one happens at most once between two sessions.
     */
    private ObjectNode requestSession(long at) {
        if (outage != null && outage.covers(at)) {
            // the network is down: nothing reaches emnify, not even a rejection
            if (!heldOffByOutage) {
                heldOffByOutage = true;
                outage.tally().deviceHeldOff();
            }
            schedule(outage.reconnectAt(), Kind.CREATE_PDP);
            return null;
        }
        if (data.status != QuotaStatus.NONE && data.status != QuotaStatus.ACTIVE
                && data.grant.onExhaustion() == QuotaGrant.Exhaustion.BLOCK) {
            schedule(at + random.nextLong(2 * MINUTE, 10 * MINUTE), Kind.CREATE_PDP);
            return writer.pdpContextRejected(at, device, StreamerEvents.NO_QUOTA);
        }
        if (!rejectedSinceLastSession && random.nextDouble() < OCCASIONAL_REJECTION) {
            rejectedSinceLastSession = true;
            schedule(at + random.nextLong(5 * SECOND, 45 * SECOND), Kind.CREATE_PDP);
            String reason = data.status == QuotaStatus.ACTIVE ? OTHER_REJECTION : StreamerEvents.NO_QUOTA;
            return writer.pdpContextRejected(at, device, reason);
        }
        long sinceLastSession = at - lastSessionEndedAt;
        if (Math.abs(sinceLastSession - OFFLINE_WINDOW) < WINDOW_MARGIN) {
            schedule(lastSessionEndedAt + OFFLINE_WINDOW + WINDOW_MARGIN + random.nextLong(0, 15 * SECOND), Kind.CREATE_PDP);
            return null;
        }
        rejectedSinceLastSession = false;
        session = openSession(at);
        return writer.pdpContextCreated(at, device, session.facts);
    }

    /**
     * Opens a session and plans how it goes: its length and volume, whether Policy Control blocks the
     * endpoint during it, and where its traffic crosses the data quota's threshold or uses it up (with
     * Block, the network then deletes the session).
     */
    private OpenSession openSession(long at) {
        OpenSession opened = new OpenSession(sessionFacts(at));
        long duration = Math.round(logUniform(20, 900) * SECOND);
        double plannedMegabytes = Math.max(0.0001, megabytesPerMinute * duration / MINUTE * uniform(0.5, 1.5));

        double endsAt = 1.0; // fraction of the planned session that actually happens
        double blockAt = random.nextDouble() < BLOCK_PER_SESSION ? uniform(0.2, 0.9) : Double.NaN;
        if (!Double.isNaN(blockAt)) {
            endsAt = blockAt;
            opened.ending = Ending.BLOCKED;
        }
        double thresholdAt = Double.NaN;
        double usedUpAt = Double.NaN;
        if (data.status == QuotaStatus.ACTIVE) {
            opened.quotaEpoch = data.epoch;
            double remaining = data.remaining.doubleValue();
            double threshold = data.grant.thresholdVolume().doubleValue();
            if (!data.thresholdReached && remaining >= threshold) {
                thresholdAt = (remaining - threshold) / plannedMegabytes;
            }
            usedUpAt = remaining / plannedMegabytes;
            if (usedUpAt < endsAt && data.grant.onExhaustion() == QuotaGrant.Exhaustion.BLOCK) {
                endsAt = usedUpAt;
                opened.ending = Ending.QUOTA_USED_UP;
            }
        }

        if (outage != null && at < outage.from()
                && at + Math.round(endsAt * duration) > outage.dropAt()) {
            // still open when the network fails: it ends then, with the traffic up to that moment
            endsAt = (double) (outage.dropAt() - at) / duration;
            opened.ending = Ending.OUTAGE;
            outage.tally().sessionDropped();
        }

        long lastPlanned = at;
        if (thresholdAt < endsAt) {
            lastPlanned = Math.max(lastPlanned + SECOND, at + Math.round(thresholdAt * duration));
            opened.remainingAtThreshold = data.grant.thresholdVolume()
                    .subtract(megabytes(random.nextDouble(0.000001, 0.002)));
            schedule(lastPlanned, Kind.DATA_THRESHOLD, opened, data.epoch, null);
        }
        BigDecimal overshoot = megabytes(random.nextDouble(0.000001, 0.002));
        if (usedUpAt <= endsAt) {
            lastPlanned = Math.max(lastPlanned + SECOND, at + Math.round(usedUpAt * duration));
            opened.remainingAfterUsedUp = overshoot.negate();
            schedule(lastPlanned, Kind.DATA_USED_UP, opened, data.epoch, null);
        }
        if (opened.ending == Ending.BLOCKED) {
            lastPlanned = Math.max(lastPlanned + SECOND, at + Math.round(blockAt * duration));
            schedule(lastPlanned, Kind.BLOCK, opened, 0, null);
        }
        long deleteAt = switch (opened.ending) {
            case DEVICE -> Math.max(at + duration, lastPlanned + SECOND);
            case OUTAGE -> Math.max(outage.dropAt(), lastPlanned + SECOND);
            case BLOCKED, QUOTA_USED_UP -> lastPlanned + random.nextLong(SECOND, 3 * SECOND);
        };
        schedule(deleteAt, Kind.DELETE_PDP, opened, 0, null);

        BigDecimal total = opened.ending == Ending.QUOTA_USED_UP
                ? data.remaining.add(overshoot)
                : megabytes(Math.max(0.000001, plannedMegabytes * endsAt));
        opened.rx = total.multiply(BigDecimal.valueOf(uniform(0.3, 0.9))).setScale(6, RoundingMode.HALF_UP);
        opened.tx = total.subtract(opened.rx);
        planInterimUsage(opened, at, deleteAt);
        return opened;
    }

    /**
     * Usage records while the session is open: every {@link #USAGE_INTERVAL} of its planned life, the
     * traffic since the previous record, once that is at least {@link #USAGE_MINIMUM_MB} (the traffic
     * flows evenly over the planned life). The session never closes before {@code plannedClose}, so
     * each of these records ends while it is still open; {@link #closeSession} reports the rest.
     */
    private void planInterimUsage(OpenSession opened, long at, long plannedClose) {
        opened.usageFrom = at;
        BigDecimal life = BigDecimal.valueOf(plannedClose - at);
        for (long end = at + USAGE_INTERVAL; end < plannedClose; end += USAGE_INTERVAL) {
            BigDecimal elapsed = BigDecimal.valueOf(end - at);
            BigDecimal rxSoFar = opened.rx.multiply(elapsed).divide(life, 6, RoundingMode.DOWN);
            BigDecimal txSoFar = opened.tx.multiply(elapsed).divide(life, 6, RoundingMode.DOWN);
            BigDecimal rx = rxSoFar.subtract(opened.usageRx);
            BigDecimal tx = txSoFar.subtract(opened.usageTx);
            if (rx.add(tx).compareTo(USAGE_MINIMUM_MB) >= 0) {
                usage.accept(new UsageSlice(device, opened.facts, opened.usageFrom, end, rx, tx));
                opened.usageFrom = end;
                opened.usageRx = rxSoFar;
                opened.usageTx = txSoFar;
            }
        }
    }

    private ObjectNode dataThresholdReached(long at, OpenSession planned) {
        if (session != planned || planned.quotaEpoch != data.epoch || data.status != QuotaStatus.ACTIVE
                || data.thresholdReached) {
            return null;
        }
        data.thresholdReached = true;
        return writer.dataQuotaThresholdReached(at, device, data.grant, planned.remainingAtThreshold);
    }

    private ObjectNode dataUsedUp(long at, OpenSession planned) {
        if (session != planned || planned.quotaEpoch != data.epoch || data.status != QuotaStatus.ACTIVE) {
            return null;
        }
        data.status = QuotaStatus.EXHAUSTED;
        schedule(at + random.nextLong(5 * MINUTE, 60 * MINUTE), Kind.DATA_ASSIGN, null, data.epoch, null);
        return writer.dataQuotaUsedUp(at, device, data.grant, planned.remainingAfterUsedUp,
                random.nextDouble() < USED_UP_VOLUME_AS_TEXT);
    }

    private ObjectNode block(long at, OpenSession planned) {
        return session == planned ? writer.endpointBlocked(at, device) : null;
    }

    private ObjectNode closeSession(long at, OpenSession closed) {
        session = null;
        usage.accept(new UsageSlice(device, closed.facts, closed.usageFrom, at,
                closed.rx.subtract(closed.usageRx), closed.tx.subtract(closed.usageTx)));
        lastSessionEndedAt = at;
        if (closed.quotaEpoch == data.epoch
                && (data.status == QuotaStatus.ACTIVE || data.status == QuotaStatus.EXHAUSTED)) {
            data.remaining = data.remaining.subtract(closed.rx.add(closed.tx));
        }
        if (closed.ending == Ending.OUTAGE) {
            schedule(outage.reconnectAt(), Kind.CREATE_PDP);
        } else if (closed.ending == Ending.BLOCKED) {
            schedule(at + random.nextLong(6 * MINUTE, 60 * MINUTE), Kind.CREATE_PDP);
        } else {
            double pick = random.nextDouble();
            if (pick < PURGE_AFTER_SESSION) {
                schedule(at + random.nextLong(20 * MINUTE, 90 * MINUTE), Kind.PURGE_GPRS);
            } else if (pick < PURGE_AFTER_SESSION + QUICK_RECONNECT) {
                schedule(at + random.nextLong(10 * SECOND, 4 * MINUTE), Kind.CREATE_PDP);
            } else {
                schedule(at + random.nextLong(6 * MINUTE, 60 * MINUTE), Kind.CREATE_PDP);
            }
        }
        return writer.pdpContextDeleted(at, device, closed.facts, closed.rx, closed.tx,
                random.nextDouble() < APN_ON_DELETE);
    }

    private ObjectNode purgeGprs(long at) {
        schedule(at + random.nextLong(SECOND, 20 * SECOND), Kind.PURGE);
        return writer.purgeGprsLocation(at, device);
    }

    private ObjectNode purge(long at) {
        schedule(at + random.nextLong(10 * MINUTE, 60 * MINUTE), Kind.ATTACH);
        return writer.purgeLocation(at, device);
    }

    private ObjectNode assignDataQuota(long at, int epoch) {
        if (epoch != data.epoch) {
            return null;
        }
        // sized to last between a quarter of an hour and two hours of the device's typical traffic, so a
        // simulated hour shows quotas being used up and refilled
        double megabytesPerHour = megabytesPerMinute * 60 * TYPICAL_SHARE_OF_TIME_IN_SESSION;
        BigDecimal volume = BigDecimal.valueOf(atMost(DATA_VOLUMES_MB, megabytesPerHour * uniform(0.25, 2.0)));
        int percentage = pick(DATA_THRESHOLD_PERCENTAGES);
        QuotaGrant.Exhaustion action = random.nextDouble() < 0.7 ? QuotaGrant.Exhaustion.BLOCK : QuotaGrant.Exhaustion.THROTTLE;
        long throughput = action == QuotaGrant.Exhaustion.BLOCK ? 128_000 : THROTTLED_THROUGHPUTS[random.nextInt(THROTTLED_THROUGHPUTS.length)];
        long expiry = nextFullHour(at + random.nextLong(30 * MINUTE, 4 * HOUR));
        QuotaGrant grant = new QuotaGrant(volume, Instant.ofEpochMilli(expiry), random.nextDouble() < 0.2, percentage,
                percentOf(volume, percentage), action, throughput);
        openAccount(data, grant, volume.setScale(6), at, expiry, Kind.DATA_EXPIRE, Kind.DATA_DELETE);
        return writer.dataQuotaAssigned(at, device, grant);
    }

    private ObjectNode endDataQuota(long at, int epoch, QuotaStatus end) {
        if (epoch != data.epoch || data.status != QuotaStatus.ACTIVE) {
            return null;
        }
        data.status = end;
        long wait = end == QuotaStatus.EXPIRED ? random.nextLong(5 * MINUTE, 60 * MINUTE) : random.nextLong(10 * MINUTE, 90 * MINUTE);
        schedule(at + wait, Kind.DATA_ASSIGN, null, data.epoch, null);
        return end == QuotaStatus.EXPIRED ? writer.dataQuotaExpired(at, device) : writer.dataQuotaDeleted(at, device);
    }

    /**
     * SMS traffic leaves no events of its own, so the SMS quota's threshold and used-up moments are
     * planned at assignment from the device's sending rate.
     */
    private ObjectNode assignSmsQuota(long at, int epoch) {
        if (epoch != sms.epoch) {
            return null;
        }
        int volume = pick(SMS_VOLUMES);
        int percentage = pick(SMS_THRESHOLD_PERCENTAGES);
        BigDecimal thresholdVolume = percentOf(BigDecimal.valueOf(volume), percentage);
        long expiry = nextFullHour(at + random.nextLong(30 * MINUTE, 6 * HOUR));
        QuotaGrant grant = new QuotaGrant(BigDecimal.valueOf(volume), Instant.ofEpochMilli(expiry), random.nextDouble() < 0.2,
                percentage, thresholdVolume, QuotaGrant.Exhaustion.BLOCK, null);
        openAccount(sms, grant, BigDecimal.valueOf(volume), at, expiry, Kind.SMS_EXPIRE, Kind.SMS_DELETE);

        double millisPerSms = uniform(1, 12) * MINUTE;
        int belowThreshold = thresholdVolume.intValue() - 1;
        long thresholdAt = at + Math.max(SECOND, Math.round((volume - belowThreshold) * millisPerSms * uniform(0.8, 1.2)));
        long usedUpAt = thresholdAt + Math.max(SECOND, Math.round(belowThreshold * millisPerSms * uniform(0.8, 1.2)));
        // planned before the quota events, so the SMS that crosses a line comes before the event that says so
        planQuotaSms(at, thresholdAt, volume - belowThreshold);
        planQuotaSms(thresholdAt, usedUpAt, belowThreshold);
        schedule(thresholdAt, Kind.SMS_THRESHOLD, null, sms.epoch, BigDecimal.valueOf(belowThreshold));
        schedule(usedUpAt, Kind.SMS_USED_UP, null, sms.epoch, null);
        return writer.smsQuotaAssigned(at, device, grant);
    }

    /**
     * {@code count} SMS of the current SMS quota in {@code (from, to]}, the last one at {@code to}: the
     * usage records then count exactly what the threshold and used-up events report.
     */
    private void planQuotaSms(long from, long to, int count) {
        for (int i = 1; i < count; i++) {
            schedule(smsRandom.nextLong(from + 1, to + 1), Kind.QUOTA_SMS_SENT, null, sms.epoch, null);
        }
        schedule(to, Kind.QUOTA_SMS_SENT, null, sms.epoch, null);
    }

    /** An SMS of the quota: sent only while that quota is active (an expired or deleted quota blocks SMS). */
    private ObjectNode quotaSmsSent(long at, int epoch) {
        if (epoch == sms.epoch && sms.status == QuotaStatus.ACTIVE) {
            usage.accept(new SmsMessage(device, at, tariffId, ratezoneId));
        }
        return null;
    }

    /** An SMS of a device without SMS quota, at its own pace. */
    private ObjectNode smsSent(long at) {
        usage.accept(new SmsMessage(device, at, tariffId, ratezoneId));
        schedule(at + smsRandom.nextLong(smsInterval / 2, smsInterval * 3 / 2), Kind.SMS_SENT);
        return null;
    }

    private ObjectNode smsThresholdReached(long at, int epoch, BigDecimal remaining) {
        if (epoch != sms.epoch || sms.status != QuotaStatus.ACTIVE || sms.thresholdReached) {
            return null;
        }
        sms.thresholdReached = true;
        sms.remaining = remaining;
        return writer.smsQuotaThresholdReached(at, device, sms.grant, remaining);
    }

    private ObjectNode smsUsedUp(long at, int epoch) {
        if (epoch != sms.epoch || sms.status != QuotaStatus.ACTIVE) {
            return null;
        }
        sms.status = QuotaStatus.EXHAUSTED;
        sms.remaining = BigDecimal.ZERO;
        schedule(at + random.nextLong(10 * MINUTE, 90 * MINUTE), Kind.SMS_ASSIGN, null, sms.epoch, null);
        return writer.smsQuotaUsedUp(at, device, sms.grant, BigDecimal.ZERO);
    }

    private ObjectNode endSmsQuota(long at, int epoch, QuotaStatus end) {
        if (epoch != sms.epoch || sms.status != QuotaStatus.ACTIVE) {
            return null;
        }
        sms.status = end;
        schedule(at + random.nextLong(10 * MINUTE, 90 * MINUTE), Kind.SMS_ASSIGN, null, sms.epoch, null);
        return end == QuotaStatus.EXPIRED ? writer.smsQuotaExpired(at, device) : writer.smsQuotaDeleted(at, device);
    }

    /** A new assignment starts a new epoch: steps planned for the previous quota become moot. */
    private void openAccount(QuotaAccount account, QuotaGrant grant, BigDecimal remaining, long at, long expiry,
                             Kind expire, Kind delete) {
        account.epoch++;
        account.grant = grant;
        account.status = QuotaStatus.ACTIVE;
        account.remaining = remaining;
        account.thresholdReached = false;
        schedule(expiry, expire, null, account.epoch, null);
        if (random.nextDouble() < QUOTA_DELETED_EARLY && expiry - at > 20 * MINUTE) {
            schedule(random.nextLong(at + 10 * MINUTE, expiry - 5 * MINUTE), delete, null, account.epoch, null);
        }
    }

    private DataSession sessionFacts(long at) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new DataSession(
                new UUID(msb, lsb).toString(),
                random.nextLong(10_000_000L, 100_000_000L),
                at,
                "em",
                device.imei().substring(0, 14) + String.format("%02d", random.nextInt(1, 20)),
                lac,
                random.nextInt(1_000, 60_000),
                ipAddress(), ipAddress(), ipAddress(), ipAddress(),
                random.nextBoolean() ? ipAddress() : null,
                random.nextLong(1L, 1L << 30), random.nextLong(1L, 1L << 30), random.nextLong(1L, 1L << 30),
                tariffProfileId, ratezoneId, tariffId);
    }

    private void schedule(long at, Kind kind) {
        schedule(at, kind, null, 0, null);
    }

    private void schedule(long at, Kind kind, OpenSession planned, int epoch, BigDecimal amount) {
        agenda.add(new Step(at, stepOrder++, kind, planned, epoch, amount));
    }

    private String ipAddress() {
        return random.nextInt(20, 224) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
    }

    private double uniform(double min, double max) {
        return random.nextDouble(min, max);
    }

    private double logUniform(double min, double max) {
        return Math.exp(random.nextDouble(Math.log(min), Math.log(max)));
    }

    private int pick(int[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** The largest choice not above {@code wanted}, or the smallest choice. */
    private static int atMost(int[] sortedChoices, double wanted) {
        int chosen = sortedChoices[0];
        for (int choice : sortedChoices) {
            if (choice <= wanted) {
                chosen = choice;
            }
        }
        return chosen;
    }

    private static BigDecimal percentOf(BigDecimal volume, int percentage) {
        return volume.multiply(BigDecimal.valueOf(percentage)).divide(BigDecimal.valueOf(100));
    }

    private static BigDecimal megabytes(double value) {
        return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP);
    }

    private static long nextFullHour(long at) {
        return (at / HOUR + 1) * HOUR;
    }
}
