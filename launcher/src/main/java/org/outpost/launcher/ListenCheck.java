package org.outpost.launcher;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Checks, before the node's JVM starts, that the server's HTTPS port can be bound on its address.
 * A node whose port is taken would otherwise start without its endpoint and wait; the user gets
 * the cause and the option to change within a second instead.
 */
final class ListenCheck {
    private ListenCheck() {
    }

    static void requireFree(String bind, int port) throws UsageException, IOException {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UsageException("--bind " + bind + " is not an address of this host");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // a port left in TIME_WAIT by the previous run is free
            socket.bind(new InetSocketAddress(address, port), 1);
        } catch (BindException e) {
            String reason = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (reason.contains("assign")) {
                throw new UsageException("cannot listen on " + bind + ": it is not an address of this host; choose one with --bind");
            }
            if (reason.contains("permission")) {
                throw new IOException("port " + port + " needs privileges to listen on; choose another with --https-port");
            }
            throw new IOException("port " + port + " is in use; choose another with --https-port");
        }
    }
}
