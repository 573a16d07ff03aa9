package org.outpost.node.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/** Whether the server could listen where it is asked to, checked before anything is switched. */
final class PortCheck {
    private PortCheck() {
    }

    /** Binds and releases the address; a taken port or an address not on this host is refused with the way out. */
    static void requireFree(String bindAddress, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bindAddress);
        } catch (UnknownHostException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "cannot listen on " + bindAddress + ": no such address;"
                    + " choose one with --bind");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        } catch (BindException e) {
            String why = e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("in use")
                    ? "address in use; choose one with --https-port"
                    : "the address is not on this host; choose one with --bind";
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cannot listen on " + bindAddress + ":" + port + ": " + why);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage());
        }
    }
}
