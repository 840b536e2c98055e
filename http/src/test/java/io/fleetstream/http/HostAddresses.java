package io.fleetstream.http;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Addresses of this host for tests that must call a server from somewhere other than loopback. */
public final class HostAddresses {

    private HostAddresses() {
    }

    /**
     * An IPv4 address of this host that is not loopback: a request to it arrives from it, not from 127.0.0.1. A test
     * on a host without one is skipped (an assumption), not failed.
     */
    public static InetAddress nonLoopback() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return address;
                    }
                }
            }
        } catch (SocketException e) {
            throw new AssertionError(e);
        }
        assumeTrue(false, "this host has no non-loopback IPv4 address to connect from");
        throw new AssertionError("unreachable");
    }
}
