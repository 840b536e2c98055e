package io.fleetstream.schemas.registry;

/**
 * A schema registry request that failed, with Confluent's error code. The message is meant for a
 * person: it names the registry, what was asked and, where it helps, what to check.
 *
 * <p>{@link #httpStatus()} is the HTTP status of the registry's answer, or 0 when no answer arrived
 * (unreachable, timed out); {@link #errorCode()} is Confluent's {@code error_code} (40401, 409, ...),
 * or the HTTP status when the answer carried none, or 0 when there was no answer.
 */
public class SchemaRegistryException extends RuntimeException {

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent 7.x answers this when a subject has no compatibility level of its own. */
    public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;
    public static final int INTERNAL_ERROR = 500;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** An error raised by a registry itself; its HTTP status follows Confluent's rule (the code's first three digits). */
    public static SchemaRegistryException of(int errorCode, String message) {
        return new SchemaRegistryException(httpStatusOf(errorCode), errorCode, message, null);
    }

    /** Confluent's rule: 40401 is sent as 404, 42201 as 422, 409 as 409. */
    public static int httpStatusOf(int errorCode) {
        int status = errorCode;
        while (status >= 1000) {
            status /= 10;
        }
        return status;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** True for "this subject, version or schema does not exist" (the 404 family). */
    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
