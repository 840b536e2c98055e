package io.fleetstream.topology.query;

/** Another instance answered a request made on a client's behalf with an error this instance cannot fix. */
final class PeerFailureException extends RuntimeException {

    private final int status;

    PeerFailureException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
