package org.outpost.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.sun.management.HotSpotDiagnosticMXBean;

class StartupHeapTrimTest {

    @Test
    void trimLowersTheFreeRatioLimitsAndDoesNotGrowTheHeap() {
        List<byte[]> startUpGarbage = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            startUpGarbage.add(new byte[1 << 20]);
        }
        startUpGarbage.clear();

        long[] committed = StartupHeapTrim.trim(10, 30);

        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assertEquals("10", hotspot.getVMOption("MinHeapFreeRatio").getValue());
        assertEquals("30", hotspot.getVMOption("MaxHeapFreeRatio").getValue());
        assertTrue(committed[1] <= committed[0], "committed heap " + committed[0] + " -> " + committed[1]);
    }
}
