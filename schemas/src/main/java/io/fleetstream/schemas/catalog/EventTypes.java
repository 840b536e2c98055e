package io.fleetstream.schemas.catalog;

/**
 * The event types fleetstream's logic reacts to (device state, quotas, quota management, the simulator),
 * resolved by name from the {@link EventCatalog#standard() catalog}, the single source of truth for ids:
 * no module writes an event-type id of its own. Resolved when this class loads; a name the catalog lacks
 * fails that load, so it shows at start-up and in every test touching these types.
 */
public final class EventTypes {

    public static final EventType UPDATE_LOCATION = named("Update location");
    public static final EventType UPDATE_GPRS_LOCATION = named("Update GPRS location");
    public static final EventType CREATE_PDP_CONTEXT = named("Create PDP Context");
    public static final EventType DELETE_PDP_CONTEXT = named("Delete PDP Context");
    public static final EventType ENDPOINT_BLOCKED = named("Endpoint blocked");
    public static final EventType PURGE_LOCATION = named("Purge location");
    public static final EventType PURGE_GPRS_LOCATION = named("Purge GPRS location");
    public static final EventType DEVICE_OFFLINE = named("Device offline");

    public static final EventType DATA_QUOTA_THRESHOLD_REACHED = named("Quota threshold reached");
    public static final EventType DATA_QUOTA_USED_UP = named("Quota used up");
    public static final EventType SMS_QUOTA_THRESHOLD_REACHED = named("SMS quota threshold reached");
    public static final EventType SMS_QUOTA_USED_UP = named("SMS quota used up");
    public static final EventType DATA_QUOTA_ASSIGNED = named("Data quota assigned");
    public static final EventType DATA_QUOTA_DELETED = named("Data quota deleted");
    public static final EventType DATA_QUOTA_EXPIRED = named("Data quota expired");
    public static final EventType SMS_QUOTA_ASSIGNED = named("SMS quota assigned");
    public static final EventType SMS_QUOTA_DELETED = named("SMS quota deleted");
    public static final EventType SMS_QUOTA_EXPIRED = named("SMS quota expired");

    public static final EventType DATA_QUOTA_ENABLED = named("Data quota enabled");
    public static final EventType DATA_QUOTA_DISABLED = named("Data quota disabled");
    public static final EventType SMS_QUOTA_ENABLED = named("SMS quota enabled");
    public static final EventType SMS_QUOTA_DISABLED = named("SMS quota disabled");

    private EventTypes() {
    }

    private static EventType named(String name) {
        return EventCatalog.standard().named(name);
    }
}
