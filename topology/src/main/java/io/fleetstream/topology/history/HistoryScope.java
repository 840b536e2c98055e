package io.fleetstream.topology.history;

/**
 * Whose history an entry belongs to: one device (emnify endpoint) or one organisation. Every event
 * with an endpoint is in its device's history; every event with an organisation is also in the
 * organisation's history, including organisation-level events that have no endpoint.
 */
public record HistoryScope(Kind kind, long id) {

    public enum Kind {
        DEVICE((byte) 'd'),
        ORGANISATION((byte) 'o');

        final byte tag;

        Kind(byte tag) {
            this.tag = tag;
        }
    }

    public static HistoryScope device(long endpointId) {
        return new HistoryScope(Kind.DEVICE, endpointId);
    }

    public static HistoryScope organisation(long organisationId) {
        return new HistoryScope(Kind.ORGANISATION, organisationId);
    }
}
