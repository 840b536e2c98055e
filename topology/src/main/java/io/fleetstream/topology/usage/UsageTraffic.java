package io.fleetstream.topology.usage;

import io.fleetstream.schemas.Topics;

import java.util.Locale;

/** The traffic types of emnify usage records that fleetstream routes, each to its topic. */
public enum UsageTraffic {
    DATA(5), SMS(6);

    private final int id;

    UsageTraffic(int id) {
        this.id = id;
    }

    /** emnify's {@code traffic_type.id}. */
    public int id() {
        return id;
    }

    /** The traffic type of an id, or null when fleetstream does not route it. */
    public static UsageTraffic of(int trafficTypeId) {
        for (UsageTraffic traffic : values()) {
            if (traffic.id == trafficTypeId) {
                return traffic;
            }
        }
        return null;
    }

    public String topic(Topics topics) {
        return this == DATA ? topics.usageData() : topics.usageSms();
    }

    /** The meter tag value: {@code data}, {@code sms}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
