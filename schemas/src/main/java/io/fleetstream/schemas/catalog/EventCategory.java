package io.fleetstream.schemas.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The categories events are split into; each one is a topic {@code <prefix>events.<slug>}. */
public enum EventCategory {
    GENERIC("generic"),
    NETWORK_ATTACHMENT("network-attachment"),
    DATA_CONNECTION("data-connection"),
    AUTHENTICATION("authentication"),
    USER_MANAGEMENT("user-management"),
    DEVICE_STATUS("device-status"),
    LIMIT_ENFORCEMENT("limit-enforcement"),
    DATA_QUOTA("data-quota"),
    SMS_QUOTA("sms-quota"),
    CLOUDCONNECT("cloudconnect"),
    OPENVPN("openvpn"),
    ORGANISATION_BILLING("organisation-billing"),
    /** MNO/reseller-only and future ids: kept, never dropped. */
    OTHER("other");

    private static final Map<String, EventCategory> BY_SLUG =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventCategory::slug, Function.identity()));

    private final String slug;

    EventCategory(String slug) {
        this.slug = slug;
    }

    /** The kebab-case name used in topic names and in the catalog file. */
    public String slug() {
        return slug;
    }

    public static EventCategory fromSlug(String slug) {
        EventCategory category = BY_SLUG.get(slug.trim().toLowerCase(Locale.ROOT));
        if (category == null) {
            throw new IllegalArgumentException("unknown event category '" + slug + "'; known: " + BY_SLUG.keySet());
        }
        return category;
    }
}
