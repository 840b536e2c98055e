package io.fleetstream.topology.quota;

/** emnify keeps two independent quotas per device, and manages them per service profile separately. */
public enum QuotaKind {
    /** data volume, in MB */
    DATA,
    /** SMS, a count of messages */
    SMS
}
