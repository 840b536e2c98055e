package io.fleetstream.topology.query;

/** A request the API refuses with 400: names the parameter that was wrong and says what it accepts. */
public final class BadRequestException extends RuntimeException {

    private final String parameter;

    public BadRequestException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
