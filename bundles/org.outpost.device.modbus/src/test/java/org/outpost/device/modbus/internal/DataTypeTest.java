package org.outpost.device.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** Register layouts, checked against java.nio's big-endian encoding rather than the code's own. */
class DataTypeTest {

    @Test
    void decodesEachTypeInBothWordOrders() {
        assertDecodes(DataType.INT16, ByteBuffer.allocate(2).putShort((short) -42), -42);
        assertDecodes(DataType.UINT16, ByteBuffer.allocate(2).putShort((short) 40000), 40000);
        assertDecodes(DataType.INT32, ByteBuffer.allocate(4).putInt(-123456789), -123456789);
        assertDecodes(DataType.UINT32, ByteBuffer.allocate(4).putInt((int) 3_000_000_000L), 3_000_000_000L);
        assertDecodes(DataType.FLOAT32, ByteBuffer.allocate(4).putFloat(-1.25f), -1.25f);
        assertDecodes(DataType.INT64, ByteBuffer.allocate(8).putLong(-1_234_567_890_123L), -1_234_567_890_123L);
        assertDecodes(DataType.FLOAT64, ByteBuffer.allocate(8).putDouble(Math.PI), Math.PI);
    }

    @Test
    void decodesAtAnOffsetInsideABlock() {
        int[] block = {0xAAAA, 0x0001, 0x0002, 0xBBBB};
        assertEquals(0x00010002, DataType.INT32.decode(block, 1, WordOrder.BIG_ENDIAN));
        assertEquals(0x00020001, DataType.INT32.decode(block, 1, WordOrder.LITTLE_ENDIAN));
        assertEquals(0xBBBB - 0x10000, DataType.INT16.decode(block, 3, WordOrder.LITTLE_ENDIAN));
    }

    @Test
    void encodesWhatItDecodes() {
        for (WordOrder order : WordOrder.values()) {
            assertEquals(-32768, DataType.INT16.decode(DataType.INT16.encode(-32768, order), 0, order));
            assertEquals(65535, DataType.UINT16.decode(DataType.UINT16.encode(65535L, order), 0, order));
            assertEquals(Integer.MIN_VALUE, DataType.INT32.decode(DataType.INT32.encode(Integer.MIN_VALUE, order), 0, order));
            assertEquals(4_294_967_295L, DataType.UINT32.decode(DataType.UINT32.encode(4_294_967_295L, order), 0, order));
            assertEquals(12.75f, DataType.FLOAT32.decode(DataType.FLOAT32.encode(12.75, order), 0, order));
            assertEquals(Long.MAX_VALUE, DataType.INT64.decode(DataType.INT64.encode(Long.MAX_VALUE, order), 0, order));
            assertEquals(-1e300, DataType.FLOAT64.decode(DataType.FLOAT64.encode(-1e300, order), 0, order));
        }
        assertArrayEquals(new int[] {0x4148, 0x0000}, DataType.FLOAT32.encode(12.5f, WordOrder.BIG_ENDIAN));
        assertArrayEquals(new int[] {0x0000, 0x4148}, DataType.FLOAT32.encode(12.5f, WordOrder.LITTLE_ENDIAN));
    }

    @Test
    void roundsFloatingPointValuesForIntegerTypes() {
        assertArrayEquals(new int[] {100}, DataType.UINT16.encode(99.6, WordOrder.BIG_ENDIAN));
        assertArrayEquals(new int[] {0xFFFF}, DataType.INT16.encode(-1.4f, WordOrder.BIG_ENDIAN));
        assertArrayEquals(new int[] {1}, DataType.INT16.encode(true, WordOrder.BIG_ENDIAN));
        assertArrayEquals(new int[] {0x0001, 0x0000}, DataType.INT32.encode(" 65536 ", WordOrder.BIG_ENDIAN));
        assertArrayEquals(new int[] {0x0001, 0x0000}, DataType.UINT32.encode("65536.2", WordOrder.BIG_ENDIAN));
    }

    @Test
    void refusesValuesOutOfRange() {
        assertEquals("70000 is out of range for INT16 (-32768..32767)",
                assertThrows(IllegalArgumentException.class, () -> DataType.INT16.encode(70000, WordOrder.BIG_ENDIAN)).getMessage());
        assertEquals("-1 is out of range for UINT16 (0..65535)",
                assertThrows(IllegalArgumentException.class, () -> DataType.UINT16.encode(-1, WordOrder.BIG_ENDIAN)).getMessage());
        assertEquals("65535.6 is out of range for UINT16 (0..65535)",
                assertThrows(IllegalArgumentException.class, () -> DataType.UINT16.encode(65535.6, WordOrder.BIG_ENDIAN)).getMessage());
        assertEquals("4294967296 is out of range for UINT32 (0..4294967295)",
                assertThrows(IllegalArgumentException.class, () -> DataType.UINT32.encode(4_294_967_296L, WordOrder.BIG_ENDIAN)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataType.INT64.encode(1e19, WordOrder.BIG_ENDIAN));
        assertThrows(IllegalArgumentException.class, () -> DataType.INT32.encode(Double.NaN, WordOrder.BIG_ENDIAN));
        assertThrows(IllegalArgumentException.class, () -> DataType.FLOAT32.encode(1e39, WordOrder.BIG_ENDIAN));
        assertThrows(IllegalArgumentException.class, () -> DataType.FLOAT64.encode(Double.POSITIVE_INFINITY, WordOrder.BIG_ENDIAN));
        assertEquals("'warm' is not a number for INT16",
                assertThrows(IllegalArgumentException.class, () -> DataType.INT16.encode("warm", WordOrder.BIG_ENDIAN)).getMessage());
        assertEquals("a byte[] cannot be written as INT16",
                assertThrows(IllegalArgumentException.class, () -> DataType.INT16.encode(new byte[1], WordOrder.BIG_ENDIAN)).getMessage());
    }

    @Test
    void coilsTakeBooleansNumbersAndWords() {
        assertTrue(DataType.toBit(true));
        assertTrue(DataType.toBit(2));
        assertTrue(DataType.toBit(-0.5));
        assertFalse(DataType.toBit(0L));
        assertFalse(DataType.toBit(0.0));
        assertTrue(DataType.toBit("on"));
        assertFalse(DataType.toBit("FALSE"));
        assertThrows(IllegalArgumentException.class, () -> DataType.toBit("maybe"));
        assertThrows(IllegalArgumentException.class, () -> DataType.toBit(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DataType.toBit(null));
    }

    @Test
    void parsesNamesAndKnowsWhereTheyFit() {
        assertEquals(MemoryArea.HOLDING_REGISTERS, MemoryArea.parse("holding_register"));
        assertEquals(MemoryArea.COILS, MemoryArea.parse(" Coil "));
        assertEquals(MemoryArea.DISCRETE_INPUTS, MemoryArea.parse("discrete-inputs"));
        assertNull(MemoryArea.parse("HOLDING"));
        assertNull(MemoryArea.parse("COILSS"));
        assertEquals(DataType.FLOAT32, DataType.parse("float32"));
        assertNull(DataType.parse("REAL"));
        assertEquals(WordOrder.LITTLE_ENDIAN, WordOrder.parse("little-endian"));
        assertTrue(DataType.BOOLEAN.fits(MemoryArea.DISCRETE_INPUTS));
        assertFalse(DataType.BOOLEAN.fits(MemoryArea.INPUT_REGISTERS));
        assertFalse(DataType.INT16.fits(MemoryArea.COILS));
        assertEquals(DataType.UINT16, DataType.defaultFor(MemoryArea.INPUT_REGISTERS));
        assertEquals(DataType.BOOLEAN, DataType.defaultFor(MemoryArea.COILS));
    }

    private static void assertDecodes(DataType type, ByteBuffer bigEndian, Object expected) {
        byte[] bytes = bigEndian.array();
        int[] big = new int[bytes.length / 2];
        for (int i = 0; i < big.length; i++) big[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        int[] little = new int[big.length];
        for (int i = 0; i < big.length; i++) little[i] = big[big.length - 1 - i];
        assertEquals(expected, type.decode(big, 0, WordOrder.BIG_ENDIAN), type + " big-endian");
        assertEquals(expected, type.decode(little, 0, WordOrder.LITTLE_ENDIAN), type + " little-endian");
        assertArrayEquals(big, type.encode(expected, WordOrder.BIG_ENDIAN), type + " encoded big-endian");
        assertArrayEquals(little, type.encode(expected, WordOrder.LITTLE_ENDIAN), type + " encoded little-endian");
    }
}
