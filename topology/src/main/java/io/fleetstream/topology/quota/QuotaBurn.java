package io.fleetstream.topology.quota;

import io.fleetstream.avro.EndpointQuota;
import io.fleetstream.avro.QuotaStatus;
import io.fleetstream.topology.QuotaForecasting;
import io.fleetstream.topology.storevalue.StoreValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One device's active data quota and the data usage that burns it, in event time: the remaining volume as of the
 * last quota event, what was used after that event (records ending after it), and the usage records of the trailing
 * burn window. Plain Java, so the forecast is tested without Kafka.
 *
 * <p>Why the window is kept as records, not a running sum: usage records and quota events come on different topics
 * and the Data Streamer keeps no order, so a quota event may arrive after usage that followed it; the records of the
 * window then say which of them came after the event. Usage older than the window that followed the event is not
 * recounted then (an event later than the whole burn window is not expected); the next quota event of emnify corrects
 * the remaining volume anyway.
 *
 * <p>At most {@value #MAX_RECORDS} records are kept (the oldest go first), which bounds a value even for a device with
 * many parallel PDP contexts: emnify sends one record per context about every 45 seconds.
 *
 * <p>Stored as a {@link StoreValue} of fixed-width fields ({@link #encode()}), not Avro: the store is this processor's
 * own and never leaves the application, and no schema needs registering before Kafka Streams writes its changelog.
 */
public final class QuotaBurn {

    static final int MAX_RECORDS = 4_096;
    private static final byte VERSION = 1;
    private static final long NONE = Long.MIN_VALUE;
    private static final double MILLIS_PER_HOUR = Duration.ofHours(1).toMillis();

    /** One data usage record: the time it covers and its volume. */
    record Usage(long fromMillis, long untilMillis, double mb) {
    }

    private Long organisationId;
    private Long endpointQuotaId;
    private long assignedAt;
    private double remainingVolume;
    private long changedAt;
    private long expiry = NONE;
    private double usedSinceChange;
    /** Ordered by end. */
    private final List<Usage> window = new ArrayList<>();
    /** An alert was written for the current assignment. */
    private boolean alerted;
    private QuotaForecast forecast;

    private QuotaBurn() {
        this.assignedAt = NONE;
    }

    /**
     * Whether a device's data quota is one to forecast: ACTIVE, with a remaining volume and the time of that volume.
     * Any other quota has no forecast (EXHAUSTED, EXPIRED and DELETED clear it).
     */
    public static boolean forecastable(EndpointQuota data) {
        return data != null && data.getStatus() == QuotaStatus.ACTIVE && data.getRemainingVolume() != null
                && data.getChangedAt() != null;
    }

    /** A forecastable quota seen for the first time (or again after one that was not): no usage known yet. */
    public static QuotaBurn of(EndpointQuota data, Long organisationId) {
        QuotaBurn burn = new QuotaBurn();
        burn.take(data, organisationId);
        return burn;
    }

    /**
     * The device's quota changed (a threshold event, a new assignment or top-up): the remaining volume is the
     * event's from now on, and the usage after the event is counted from the window. A new assignment re-arms the
     * alert.
     */
    public void quotaChanged(EndpointQuota data, Long organisationId) {
        take(data, organisationId);
    }

    private void take(EndpointQuota data, Long organisationId) {
        if (!forecastable(data)) {
            throw new IllegalArgumentException("not a forecastable data quota: " + data);
        }
        this.organisationId = organisationId;
        this.endpointQuotaId = data.getEndpointQuotaId();
        this.expiry = data.getExpiry() == null ? NONE : data.getExpiry().toEpochMilli();
        long newChange = data.getChangedAt().toEpochMilli();
        double newRemaining = data.getRemainingVolume();
        // the quota state is emitted again for changes that leave the data quota's figures alone (its SMS quota, a
        // late assignment's settings): the usage counted since the event, older than the window or not, stays
        boolean sameChange = newChange == changedAt && newRemaining == remainingVolume;
        long assignment = data.getAssignedAt() == null ? NONE : data.getAssignedAt().toEpochMilli();
        if (assignment != assignedAt) {
            alerted = false;
        }
        this.assignedAt = assignment;
        if (!sameChange) {
            this.remainingVolume = newRemaining;
            this.changedAt = newChange;
            this.usedSinceChange = window.stream().filter(u -> u.untilMillis() > newChange).mapToDouble(Usage::mb).sum();
        }
    }

    /** A data usage record of the device; volumes in MB, times in epoch millis. */
    public void used(long fromMillis, long untilMillis, double mb, QuotaForecasting settings) {
        if (untilMillis > changedAt) {
            usedSinceChange += mb;
        }
        Usage usage = new Usage(Math.min(fromMillis, untilMillis), untilMillis, mb);
        int at = window.size();
        while (at > 0 && window.get(at - 1).untilMillis() > untilMillis) {
            at--;
        }
        window.add(at, usage);
        long windowStart = window.get(window.size() - 1).untilMillis() - settings.burnWindow().toMillis();
        window.removeIf(u -> u.untilMillis() <= windowStart);
        while (window.size() > MAX_RECORDS) {
            window.remove(0);
        }
    }

    /** Computes the forecast from what is known now and keeps it (read back with {@link #forecast()}). */
    public QuotaForecast reforecast(QuotaForecasting settings) {
        double remainingNow = remainingVolume - usedSinceChange;
        Instant expiryTime = time(expiry);
        if (window.isEmpty()) {
            forecast = new QuotaForecast(remainingNow, null, null, 0, null, null,
                    "no data usage in the last " + settings.burnWindow() + " of usage records", expiryTime);
            return forecast;
        }
        long from = window.stream().mapToLong(Usage::fromMillis).min().orElseThrow();
        long until = window.get(window.size() - 1).untilMillis();
        int records = window.size();
        Instant fromTime = Instant.ofEpochMilli(from);
        Instant untilTime = Instant.ofEpochMilli(until);
        if (records < settings.minRecords()) {
            forecast = new QuotaForecast(remainingNow, null, null, records, fromTime, untilTime,
                    "fewer than " + settings.minRecords() + " data usage records in the burn window", expiryTime);
            return forecast;
        }
        if (until - from < settings.minSpan().toMillis()) {
            forecast = new QuotaForecast(remainingNow, null, null, records, fromTime, untilTime,
                    "the data usage records cover less than " + settings.minSpan(), expiryTime);
            return forecast;
        }
        double used = window.stream().mapToDouble(Usage::mb).sum();
        double rate = used / ((until - from) / MILLIS_PER_HOUR);
        Instant exhaustion = null;
        String note = null;
        if (remainingNow <= 0) {
            exhaustion = untilTime;
        } else if (rate > 0) {
            exhaustion = untilTime.plusMillis(Math.round(remainingNow / rate * MILLIS_PER_HOUR));
        } else {
            note = "no data used in the burn window: no exhaustion in sight";
        }
        forecast = new QuotaForecast(remainingNow, rate, exhaustion, records, fromTime, untilTime, note, expiryTime);
        if (forecast.expiresFirst()) {
            forecast = new QuotaForecast(remainingNow, rate, exhaustion, records, fromTime, untilTime,
                    "the quota expires at " + expiryTime + ", before it runs out at this rate", expiryTime);
        }
        return forecast;
    }

    /** The forecast as last computed. */
    public QuotaForecast forecast() {
        return forecast;
    }

    /**
     * Whether this forecast is to be alerted: inside the horizon, not after the quota's expiry (it never runs out
     * then: it expires), and no alert yet for the quota's assignment. Marks
     * the assignment alerted when it is, so each assignment is alerted once (a new assignment or top-up re-arms it).
     */
    public boolean alertDue(Duration horizon) {
        if (forecast == null || !forecast.within(horizon) || forecast.expiresFirst() || alerted) {
            return false;
        }
        alerted = true;
        return true;
    }

    public Optional<Long> organisationId() {
        return Optional.ofNullable(organisationId);
    }

    public Optional<Long> endpointQuotaId() {
        return Optional.ofNullable(endpointQuotaId);
    }

    public Optional<Instant> assignedAt() {
        return assignedAt == NONE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(assignedAt));
    }

    /** The remaining volume as of the last quota event. */
    public double remainingVolume() {
        return remainingVolume;
    }

    public Instant changedAt() {
        return Instant.ofEpochMilli(changedAt);
    }

    public double usedSinceChange() {
        return usedSinceChange;
    }

    public boolean alerted() {
        return alerted;
    }

    List<Usage> window() {
        return List.copyOf(window);
    }

    public byte[] encode() {
        return StoreValue.write(VERSION, 64 + window.size() * 24, out -> {
            out.writeLong(organisationId == null ? NONE : organisationId);
            out.writeLong(endpointQuotaId == null ? NONE : endpointQuotaId);
            out.writeLong(assignedAt);
            out.writeDouble(remainingVolume);
            out.writeLong(changedAt);
            out.writeDouble(usedSinceChange);
            out.writeBoolean(alerted);
            out.writeInt(window.size());
            for (Usage u : window) {
                out.writeLong(u.fromMillis());
                out.writeLong(u.untilMillis());
                out.writeDouble(u.mb());
            }
            QuotaForecast f = Objects.requireNonNull(forecast, "a burn is stored with its forecast");
            out.writeDouble(f.remainingNowMb());
            out.writeDouble(f.burnRateMbPerHour() == null ? Double.NaN : f.burnRateMbPerHour());
            out.writeLong(f.projectedExhaustionAt() == null ? NONE : f.projectedExhaustionAt().toEpochMilli());
            out.writeInt(f.records());
            out.writeLong(f.from() == null ? NONE : f.from().toEpochMilli());
            out.writeLong(f.until() == null ? NONE : f.until().toEpochMilli());
            out.writeUTF(f.note() == null ? "" : f.note());
            out.writeLong(expiry);
        });
    }

    public static QuotaBurn decode(byte[] stored) {
        return StoreValue.read(stored, VERSION, "quota burn store value", in -> {
            QuotaBurn burn = new QuotaBurn();
            burn.organisationId = orNull(in.readLong());
            burn.endpointQuotaId = orNull(in.readLong());
            burn.assignedAt = in.readLong();
            burn.remainingVolume = in.readDouble();
            burn.changedAt = in.readLong();
            burn.usedSinceChange = in.readDouble();
            burn.alerted = in.readBoolean();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                burn.window.add(new Usage(in.readLong(), in.readLong(), in.readDouble()));
            }
            burn.window.sort(Comparator.comparingLong(Usage::untilMillis));
            double remainingNow = in.readDouble();
            double rate = in.readDouble();
            long exhaustion = in.readLong();
            int records = in.readInt();
            long from = in.readLong();
            long until = in.readLong();
            String note = in.readUTF();
            burn.expiry = in.readLong();
            burn.forecast = new QuotaForecast(remainingNow, Double.isNaN(rate) ? null : rate, time(exhaustion), records,
                    time(from), time(until), note.isEmpty() ? null : note, time(burn.expiry));
            return burn;
        });
    }

    private static Long orNull(long value) {
        return value == NONE ? null : value;
    }

    private static Instant time(long millis) {
        return millis == NONE ? null : Instant.ofEpochMilli(millis);
    }
}
