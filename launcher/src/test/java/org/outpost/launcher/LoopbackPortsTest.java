package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackPortsTest {
    @TempDir
    Path dir;

    @Test
    void portsArePickedBelowTheEphemeralRangeAndCanBeBound() throws Exception {
        for (int i = 0; i < 20; i++) {
            int port = LoopbackPorts.pickFree(32_768);
            assertTrue(port >= LoopbackPorts.LOWEST && port < 32_768, "port " + port);
            try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertFalse(LoopbackPorts.isFree(port), "a bound port is not free");
            }
        }
    }

    @Test
    void aRangeWithoutRoomBelowItLeavesTheChoiceToTheKernel() throws Exception {
        int low = LoopbackPorts.ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        assertTrue(low > 0, "this machine tells its ephemeral range");

        int port = LoopbackPorts.pickFree(LoopbackPorts.LOWEST + 10);

        assertTrue(port >= low, "port " + port + " comes from the kernel's range starting at " + low);
        assertTrue(LoopbackPorts.isFree(port));
    }

    @Test
    void theEphemeralRangeIsReadFromItsFileAndUnknownWhenUnreadable() throws Exception {
        Path range = dir.resolve("ip_local_port_range");
        Files.writeString(range, "40000\t60999\n");
        assertEquals(40_000, LoopbackPorts.ephemeralLow(range));

        Files.writeString(range, "not a range\n");
        assertEquals(0, LoopbackPorts.ephemeralLow(range));
        assertEquals(0, LoopbackPorts.ephemeralLow(dir.resolve("missing")));
    }
}
