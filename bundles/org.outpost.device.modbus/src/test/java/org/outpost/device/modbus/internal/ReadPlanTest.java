package org.outpost.device.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.device.modbus.internal.TestDevices.channel;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Channel;

class ReadPlanTest {

    @Test
    void groupsTouchingAndOverlappingValuesOfOneTable() {
        List<Channel> channels = List.of(
                channel("f", "HOLDING_REGISTERS", 12, "FLOAT32"),   // 12..13
                channel("a", "HOLDING_REGISTERS", 10, "INT32"),     // 10..11, touches f
                channel("lo", "HOLDING_REGISTERS", 11, "UINT16"),   // inside a
                channel("gap", "HOLDING_REGISTERS", 15, "UINT16"),  // 14 is not read: new request
                channel("ir", "INPUT_REGISTERS", 10, "UINT16"),     // same address, other table
                channel("c1", "COILS", 1, "BOOLEAN"),
                channel("c0", "COILS", 0, "BOOLEAN"));
        ReadPlan plan = ReadPlan.of(channels);
        List<ReadPlan.Block> blocks = plan.blocks();
        assertEquals(4, blocks.size(), blocks.toString());
        assertBlock(blocks.get(0), MemoryArea.COILS, 0, 2, 6, 5);
        assertBlock(blocks.get(1), MemoryArea.INPUT_REGISTERS, 10, 1, 4);
        assertBlock(blocks.get(2), MemoryArea.HOLDING_REGISTERS, 10, 4, 1, 2, 0);
        assertBlock(blocks.get(3), MemoryArea.HOLDING_REGISTERS, 15, 1, 3);
    }

    @Test
    void splitsAtTheProtocolLimitPerRequest() {
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < 130; i++) channels.add(channel("r" + i, "HOLDING_REGISTERS", i, "UINT16"));
        List<ReadPlan.Block> blocks = ReadPlan.of(channels).blocks();
        assertEquals(2, blocks.size());
        assertEquals(125, blocks.get(0).count());
        assertEquals(125, blocks.get(1).start());
        assertEquals(5, blocks.get(1).count());

        List<Channel> coils = new ArrayList<>();
        for (int i = 0; i < 2001; i++) coils.add(channel("c" + i, "COILS", i, "BOOLEAN"));
        assertEquals(List.of(2000, 1), ReadPlan.of(coils).blocks().stream().map(ReadPlan.Block::count).toList());
    }

    @Test
    void leavesChannelsWithBadKeysOutWithTheirProblem() {
        List<Channel> channels = List.of(channel("ok", "COILS", 0, "BOOLEAN"), channel("bad", "COILS", 1, "INT16"));
        ReadPlan plan = ReadPlan.of(channels);
        assertEquals(1, plan.blocks().size());
        assertArrayEquals(new int[] {0}, plan.blocks().get(0).members());
        assertNull(plan.problem(0));
        assertEquals("bad#data.type: INT16 does not fit coils; use BOOLEAN", plan.problem(1));
        assertNull(plan.address(1));
    }

    @Test
    void knowsTheChannelsItWasMadeFor() {
        List<Channel> channels = List.of(channel("a", "COILS", 0, "BOOLEAN"));
        ReadPlan plan = ReadPlan.of(channels);
        assertTrue(plan.covers(new ArrayList<>(channels)));
        assertFalse(plan.covers(List.of(channel("a", "COILS", 1, "BOOLEAN"))));
    }

    private static void assertBlock(ReadPlan.Block block, MemoryArea area, int start, int count, int... members) {
        assertEquals(area, block.area());
        assertEquals(start, block.start());
        assertEquals(count, block.count());
        assertArrayEquals(members, block.members());
    }
}
