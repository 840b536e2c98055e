package io.fleetstream.topology;

import io.fleetstream.schemas.Topics;

import java.time.Duration;
import java.util.Objects;

/**
 * What shapes the topology (not how it connects: bootstrap servers, registry and HTTP are the
 * caller's business).
 *
 * @param topics               topic names (prefix)
 * @param dedupeRetention      how long an event id is remembered after it was first seen; a copy
 *                             arriving later than this is routed again
 * @param deviceTimers         the offline window and when pending offlines fire
 * @param history              how long events stay in the queryable history and how often it is purged
 *                             (carrier incidents are kept as long)
 * @param incidents            when devices going offline together open a carrier incident
 * @param forecasting          how data quotas' run-out is forecast and when it is alerted
 */
public record TopologyConfig(Topics topics, Duration dedupeRetention, DeviceTimers deviceTimers,
                             HistoryRetention history, IncidentRules incidents, QuotaForecasting forecasting) {

    public static final Duration DEFAULT_DEDUPE_RETENTION = Duration.ofDays(7);

    public TopologyConfig {
        Objects.requireNonNull(topics, "topics");
        requirePositive(dedupeRetention, "dedupe retention");
        Objects.requireNonNull(deviceTimers, "deviceTimers");
        requirePositive(deviceTimers.offlineWindow(), "offline window");
        requirePositive(deviceTimers.punctuationInterval(), "offline timer interval");
        Objects.requireNonNull(history, "history");
        requirePositive(history.retention(), "history retention");
        requirePositive(history.purgeInterval(), "history purge interval");
        Objects.requireNonNull(incidents, "incidents");
        Objects.requireNonNull(forecasting, "forecasting");
    }

    /** With the default quota forecasting. */
    public TopologyConfig(Topics topics, Duration dedupeRetention, DeviceTimers deviceTimers, HistoryRetention history,
                          IncidentRules incidents) {
        this(topics, dedupeRetention, deviceTimers, history, incidents, QuotaForecasting.defaults());
    }

    /** With the default incident rules. */
    public TopologyConfig(Topics topics, Duration dedupeRetention, DeviceTimers deviceTimers, HistoryRetention history,
                          QuotaForecasting forecasting) {
        this(topics, dedupeRetention, deviceTimers, history, IncidentRules.defaults(), forecasting);
    }

    /** With the default incident rules and quota forecasting. */
    public TopologyConfig(Topics topics, Duration dedupeRetention, DeviceTimers deviceTimers, HistoryRetention history) {
        this(topics, dedupeRetention, deviceTimers, history, IncidentRules.defaults(), QuotaForecasting.defaults());
    }

    /** With the default history retention. */
    public TopologyConfig(Topics topics, Duration dedupeRetention, DeviceTimers deviceTimers) {
        this(topics, dedupeRetention, deviceTimers, HistoryRetention.defaults());
    }

    public static TopologyConfig defaults(Topics topics) {
        return new TopologyConfig(topics, DEFAULT_DEDUPE_RETENTION, DeviceTimers.defaults());
    }

    public TopologyConfig withDeviceTimers(DeviceTimers timers) {
        return new TopologyConfig(topics, dedupeRetention, timers, history, incidents, forecasting);
    }

    public TopologyConfig withHistory(HistoryRetention retention) {
        return new TopologyConfig(topics, dedupeRetention, deviceTimers, retention, incidents, forecasting);
    }

    public TopologyConfig withIncidents(IncidentRules rules) {
        return new TopologyConfig(topics, dedupeRetention, deviceTimers, history, rules, forecasting);
    }

    public TopologyConfig withForecasting(QuotaForecasting quotaForecasting) {
        return new TopologyConfig(topics, dedupeRetention, deviceTimers, history, incidents, quotaForecasting);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, got " + d);
        }
    }
}
