package org.outpost.api.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Channel scaling and types, the Kura asset layout, and the outbox record codec. */
class DeviceModelTest {

    private static Channel channel(ValueType type, double scale, double offset) {
        return new Channel("c", ChannelMode.READ_WRITE, type, scale, offset, "", 1000, false, true, Map.of());
    }

    private static Object scaled(Channel channel, Object raw) {
        Reading reading = Values.toChannel(channel, Reading.good("d", "c", 1, raw));
        return reading.quality() == Quality.BAD ? reading.reason() : reading.value();
    }

    @Test
    void rawValuesAreScaledAndConvertedToTheChannelType() {
        assertEquals(23.5, scaled(channel(ValueType.DOUBLE, 0.1, 0), 235));
        assertEquals(-40.0, scaled(channel(ValueType.DOUBLE, 0.5, -20), -40));
        assertEquals(24, scaled(channel(ValueType.INTEGER, 0.1, 0), 235), "rounded half to even: 23.5 -> 24");
        assertEquals(5_000_000_000L, scaled(channel(ValueType.LONG, 1, 0), 5_000_000_000L), "longs stay exact");
        assertEquals(9_007_199_254_740_993L, scaled(channel(ValueType.LONG, 1, 0), 9_007_199_254_740_993L), "beyond double precision");
        assertEquals(1.5f, scaled(channel(ValueType.FLOAT, 1, 0), 1.5));
        assertEquals(true, scaled(channel(ValueType.BOOLEAN, 1, 0), 1));
        assertEquals(false, scaled(channel(ValueType.BOOLEAN, 1, 0), 0));
        assertEquals("235", scaled(channel(ValueType.STRING, 1, 0), 235));
        assertArrayEquals("hi".getBytes(), (byte[]) scaled(channel(ValueType.BYTE_ARRAY, 1, 0), "hi"));
        assertEquals(3.25, scaled(channel(ValueType.DOUBLE, 1, 0), "3.25"), "text from a device is parsed");
    }

    @Test
    void valuesThatDoNotFitTurnTheReadingBad() {
        Object reason = scaled(channel(ValueType.INTEGER, 1, 0), 3.0e10);
        assertTrue(String.valueOf(reason).contains("out of range for INTEGER"), String.valueOf(reason));
        assertTrue(String.valueOf(scaled(channel(ValueType.DOUBLE, 1, 0), "warm")).contains("not a number"));
        Reading bad = Reading.bad("d", "c", 1, "timeout");
        assertEquals(bad, Values.toChannel(channel(ValueType.DOUBLE, 2, 0), bad), "BAD readings pass unchanged");
    }

    @Test
    void writesAreUnscaledAndParsedFromText() {
        assertEquals(235.0, (double) Values.toRaw(channel(ValueType.DOUBLE, 0.1, 0), 23.5), 1e-9);
        assertEquals(40.0, Values.toRaw(channel(ValueType.DOUBLE, 0.5, -20), 0.0));
        assertEquals(7, Values.toRaw(channel(ValueType.INTEGER, 1, 0), 7));
        assertEquals(true, Values.parse(ValueType.BOOLEAN, "on"));
        assertEquals(-3, Values.parse(ValueType.INTEGER, " -3 "));
        assertArrayEquals(new byte[] {1, (byte) 0xff}, (byte[]) Values.parse(ValueType.BYTE_ARRAY, "0x01ff"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Values.parse(ValueType.INTEGER, "1.5"));
        assertEquals("'1.5' is not an INTEGER", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Values.parse(ValueType.DOUBLE, "NaN"));
        assertThrows(IllegalArgumentException.class, () -> Values.parse(ValueType.BOOLEAN, "maybe"));
        assertEquals("23.5", Values.format(23.5));
        assertEquals("0.1", Values.format(0.1));
    }

    @Test
    void assetLayoutRoundTripsAndNamesEveryProblem() throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("device.name", "boiler-1");
        properties.put("driver.pid", "modbus-tcp");
        properties.put("host", "127.0.0.1");
        properties.put("service.pid", "org.outpost.device~boiler-1");
        properties.put("temp#+name", "temp");
        properties.put("temp#+value.type", "double");
        properties.put("temp#+scale", 0.1);
        properties.put("temp#+poll.interval", "2s");
        properties.put("temp#memory.area", "HOLDING_REGISTER");
        Device device = DeviceConfig.parse(properties);
        assertEquals(Map.of("host", "127.0.0.1"), device.config(), "framework keys are not driver keys");
        assertEquals(2000, device.channel("temp").pollMillis());
        assertEquals(device, DeviceConfig.parse(DeviceConfig.toProperties(device)));

        Map<String, Object> bad = new HashMap<>(properties);
        bad.put("device.name", "bad name");
        bad.put("temp#+value.type", "QUATERNION");
        bad.put("temp#+scale", "x");
        bad.put("temp#+colour", "red");
        bad.put("hum#+poll.interval", "1ms");
        InvalidDeviceException e = assertThrows(InvalidDeviceException.class, () -> DeviceConfig.parse(bad));
        List<String> problems = e.problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("device.name: 'bad name'")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("temp#+value.type: 'QUATERNION' is not one of")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.equals("temp#+scale: 'x' is not a number")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.equals("temp#+colour: unknown channel key")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("hum#+poll.interval: 1ms is shorter")), problems.toString());
        assertThrows(InvalidDeviceException.class, () -> DeviceConfig.parse(Map.of("device.name", "x")), "no driver.pid");
    }

    @Test
    void recordsSurviveTheOutboxCodec() {
        Reading reading = new Reading("boiler-1", "temp", 1_700_000_000_123L, ValueType.DOUBLE, 23.5, Quality.GOOD, "");
        assertEquals(reading, TelemetryCodec.decode(TelemetryCodec.encode(reading)));
        Reading bytes = Reading.good("d", "raw", 5, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) ((Reading) TelemetryCodec.decode(TelemetryCodec.encode(bytes))).value());
        Reading bad = Reading.bad("d", "c", 9, "connection refused");
        assertEquals(bad, TelemetryCodec.decode(TelemetryCodec.encode(bad)));
        Alert alert = new Alert("hot", "boiler-1", "temp", 7, true, 95.5, "temp > 90");
        assertEquals(alert, TelemetryCodec.decode(TelemetryCodec.encode(alert)));
        assertThrows(IllegalArgumentException.class, () -> TelemetryCodec.decode(new byte[] {9, 9}));
        assertThrows(IllegalArgumentException.class, () -> TelemetryCodec.decode(new byte[] {1, 1, 0}));
    }

    @Test
    void durationsReadAsUsersWriteThem() {
        assertEquals(250, DeviceConfig.parseMillis("250"));
        assertEquals(250, DeviceConfig.parseMillis("250ms"));
        assertEquals(5_000, DeviceConfig.parseMillis("5s"));
        assertEquals(1_500, DeviceConfig.parseMillis("1.5s"));
        assertEquals(120_000, DeviceConfig.parseMillis("2m"));
        assertThrows(IllegalArgumentException.class, () -> DeviceConfig.parseMillis("soon"));
        assertThrows(IllegalArgumentException.class, () -> DeviceConfig.parseMillis("-1s"));
    }
}
