package io.fleetstream.schemas;

/**
 * The names of the context a log line carries as key-values (SLF4J's
 * {@code log.atWarn().addKeyValue(LogFields.TOPIC, topic)...}), so that one field is spelled the same in every module:
 * in JSON logs ({@code --log-format json}) they are the fields Loki or Elasticsearch filter on. Snake case, as emnify's
 * own JSON names them ({@code endpoint_id}). Never put a secret (a token, a JWT, a password, a URL with credentials)
 * in one.
 */
public final class LogFields {

    /** A Kafka topic's name. */
    public static final String TOPIC = "topic";
    /** A Kafka partition number. */
    public static final String PARTITION = "partition";
    /** A Kafka offset. */
    public static final String OFFSET = "offset";
    /** A record's key, as Kafka carries it (an endpoint id, or {@code org-<id>}). */
    public static final String RECORD_KEY = "record_key";
    /** emnify's endpoint (device) id. */
    public static final String ENDPOINT_ID = "endpoint_id";
    /** emnify's event id. */
    public static final String EVENT_ID = "event_id";
    /** emnify's event type id. */
    public static final String EVENT_TYPE = "event_type";
    /** emnify's organisation id. */
    public static final String ORGANISATION_ID = "organisation_id";
    /** Where in the pipeline something happened, e.g. a dead letter's stage. */
    public static final String STAGE = "stage";
    /** Why, in a word or a class name (a dead letter's reason, an exception's type). */
    public static final String REASON = "reason";
    /** How many events (a batch, a page). */
    public static final String EVENTS = "events";
    /** The emnify poller's id. */
    public static final String POLLER_ID = "poller_id";
    /** A time window (e.g. the poller's), as text. */
    public static final String WINDOW = "window";
    /** A retry's wait, in milliseconds. */
    public static final String RETRY_IN_MS = "retry_in_ms";
    /** Another instance or service, as host:port or URL without credentials. */
    public static final String PEER = "peer";

    /** An HTTP request's method. */
    public static final String METHOD = "method";
    /** An HTTP request's path, without its query string. */
    public static final String PATH = "path";
    /** The route template an HTTP request matched, e.g. {@code /v1/devices/{endpoint_id}}. */
    public static final String ROUTE = "route";
    /** An HTTP status code. */
    public static final String STATUS = "status";
    /** How long something took, in milliseconds. */
    public static final String DURATION_MS = "duration_ms";
    /** The address an HTTP request came from. */
    public static final String REMOTE_ADDRESS = "remote_address";

    private LogFields() {
    }
}
