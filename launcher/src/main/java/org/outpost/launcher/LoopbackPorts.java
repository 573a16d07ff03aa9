package org.outpost.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for listeners that are chosen now and bound later, by Karaf, seconds after
 * the choice. A port from the kernel's ephemeral range may meanwhile become the local end of an
 * outgoing connection and the listener would then never bind, so ports are picked below that
 * range when the range leaves room for it.
 */
public final class LoopbackPorts {
    /** Below this, ports are left to well-known and registered services. */
    static final int LOWEST = 20_000;
    private static final int ENOUGH_ROOM = 1_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private LoopbackPorts() {
    }

    /** A port free on the loopback address now, below the ephemeral range where possible. */
    public static int pickFree() throws IOException {
        return pickFree(ephemeralLow(EPHEMERAL_RANGE));
    }

    static int pickFree(int ephemeralLow) throws IOException {
        int room = ephemeralLow - LOWEST;
        if (room >= ENOUGH_ROOM) {
            int start = ThreadLocalRandom.current().nextInt(room);
            for (int i = 0; i < room; i++) {
                int port = LOWEST + (start + i) % room;
                if (isFree(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The lowest ephemeral port the kernel hands out, or 0 when that is not known. */
    static int ephemeralLow(Path rangeFile) {
        try {
            String[] range = Files.readString(rangeFile).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
