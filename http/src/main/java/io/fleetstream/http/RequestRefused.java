package io.fleetstream.http;

/**
 * A request the HTTP edge refuses before any role's logic sees it (a target that is not UTF-8, a body type the
 * route does not read), answered with its status in the server's {@link ErrorShape}.
 */
public final class RequestRefused extends RuntimeException {

    private final int status;
    private final String parameter;

    public RequestRefused(int status, String message, String parameter) {
        super(message);
        this.status = status;
        this.parameter = parameter;
    }

    public int status() {
        return status;
    }

    /** The query parameter that was wrong, or null. */
    public String parameter() {
        return parameter;
    }
}
