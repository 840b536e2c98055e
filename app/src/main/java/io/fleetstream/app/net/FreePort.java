package io.fleetstream.app.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A TCP port that was free a moment ago, for parts that must announce their port before they bind
 * it (a KRaft controller in its quorum voters, a query API in Kafka Streams' application.server).
 */
public final class FreePort {

    private FreePort() {
    }

    public static int on(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on " + host, e);
        }
    }
}
