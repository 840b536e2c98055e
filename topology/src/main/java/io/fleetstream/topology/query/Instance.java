package io.fleetstream.topology.query;

import java.util.Objects;

/** A topology instance as the others reach its query API: its {@code application.server} host and port. */
public record Instance(String host, int port) {

    public Instance {
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port");
        }
    }

    String baseUrl() {
        return "http://" + host + ":" + port;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
