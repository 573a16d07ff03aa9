package org.outpost.device.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.device.modbus.internal.TestDevices.channel;
import static org.outpost.device.modbus.internal.TestDevices.device;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Values;
import org.outpost.launcher.LoopbackPorts;

/**
 * The driver against a real Modbus-TCP server (pymodbus, scripts/modbus-server.py). Every value
 * expected here is the one the JSON below makes the server encode with Python's struct module.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModbusTcpDriverTest {

    /** What the shared server holds. Reads use addresses below 50; writes use 50 and up. */
    private static final String VALUES = """
            {
              "size": 100,
              "holding_registers": {
                "0": 235,
                "1": {"int16": -42},
                "2": {"uint16": 40000},
                "10": {"int32": -123456789},
                "12": {"int32": -123456789, "word_order": "little"},
                "14": {"uint32": 3000000000},
                "16": {"uint32": 3000000000, "word_order": "little"},
                "20": {"float32": 23.5},
                "22": {"float32": -1.25, "word_order": "little"},
                "30": {"int64": -1234567890123},
                "34": {"float64": 3.141592653589793},
                "38": {"float64": -0.0025, "word_order": "little"},
                "98": 1, "99": 2
              },
              "input_registers": {
                "0": 1013,
                "1": {"int16": -7},
                "2": {"float32": 0.5},
                "4": {"int32": 70000, "word_order": "little"}
              },
              "coils": {"0": true, "1": false, "2": true},
              "discrete_inputs": {"0": false, "1": true, "9": true}
            }
            """;

    @TempDir
    Path work;

    private final ModbusTcpDriver driver = new ModbusTcpDriver();
    private PymodbusServer server;

    @BeforeAll
    void startServer(@TempDir Path serverDir) throws Exception {
        server = PymodbusServer.start(serverDir, VALUES, 0);
    }

    @AfterAll
    void stopServer() {
        if (server != null) server.close();
        driver.deactivate();
    }

    @Test
    void readsEveryAreaAndDataTypeInOneCall() throws Exception {
        // mixed order, so that grouping has to sort and map readings back
        List<Channel> channels = List.of(
                channel("f32le", "HOLDING_REGISTERS", 22, "FLOAT32", "LITTLE_ENDIAN"),
                channel("raw", "HOLDING_REGISTER", 0, "INT16"),
                channel("neg", "holding_register", 1, "INT16"),
                channel("big", "HOLDING_REGISTERS", 2, "UINT16"),
                channel("bigAsInt16", "HOLDING_REGISTERS", 2, "INT16"),
                channel("i32", "HOLDING_REGISTERS", 10, "INT32"),
                channel("i32le", "HOLDING_REGISTERS", 12, "INT32", "LITTLE_ENDIAN"),
                channel("i32leReadBig", "HOLDING_REGISTERS", 12, "INT32"),
                channel("u32", "HOLDING_REGISTERS", 14, "UINT32"),
                channel("u32le", "HOLDING_REGISTERS", 16, "UINT32", "little_endian"),
                channel("f32", "HOLDING_REGISTERS", 20, "FLOAT32"),
                channel("i64", "HOLDING_REGISTERS", 30, "INT64"),
                channel("f64", "HOLDING_REGISTERS", 34, "FLOAT64"),
                channel("f64le", "HOLDING_REGISTERS", 38, "FLOAT64", "LITTLE_ENDIAN"),
                channel("pressure", "INPUT_REGISTERS", 0, "UINT16"),
                channel("irNeg", "INPUT_REGISTER", 1, "INT16"),
                channel("irFloat", "INPUT_REGISTERS", 2, "FLOAT32"),
                channel("irInt32le", "INPUT_REGISTERS", 4, "INT32", "LITTLE_ENDIAN"),
                channel("coil0", "COILS", 0, "BOOLEAN"),
                channel("coil1", "COIL", 1, null),
                channel("coil2", "coils", 2, "BOOLEAN"),
                channel("di0", "DISCRETE_INPUTS", 0, "BOOLEAN"),
                channel("di1", "DISCRETE_INPUT", 1, null),
                channel("di9", "DISCRETE_INPUTS", 9, "BOOLEAN"));
        Device device = device(server.port(), channels);
        assertEquals(List.of(), driver.validate(device));

        try (DeviceConnection connection = driver.open(device)) {
            assertTrue(connection.connected(), "connected after open");
            List<Reading> readings = connection.read(channels);
            assertEquals(channels.size(), readings.size());
            for (int i = 0; i < channels.size(); i++) {
                Reading reading = readings.get(i);
                assertEquals(channels.get(i).name(), reading.channel(), "readings in channel order");
                assertEquals(Quality.GOOD, reading.quality(), reading.channel() + ": " + reading.reason());
                assertEquals("plc", reading.device());
            }
            Map<String, Object> values = new LinkedHashMap<>();
            readings.forEach(r -> values.put(r.channel(), r.value()));

            assertEquals(-1.25f, values.get("f32le"));
            assertEquals(235, values.get("raw"));
            assertEquals(-42, values.get("neg"));
            assertEquals(40000, values.get("big"));
            assertEquals(40000 - 65536, values.get("bigAsInt16"));
            assertEquals(-123456789, values.get("i32"));
            assertEquals(-123456789, values.get("i32le"));
            int swapped = (-123456789 << 16) | (-123456789 >>> 16);
            assertEquals(swapped, values.get("i32leReadBig"), "the wrong word order gives the words swapped");
            assertEquals(3_000_000_000L, values.get("u32"));
            assertEquals(3_000_000_000L, values.get("u32le"));
            assertEquals(23.5f, values.get("f32"));
            assertEquals(-1_234_567_890_123L, values.get("i64"));
            assertEquals(3.141592653589793, values.get("f64"));
            assertEquals(-0.0025, values.get("f64le"));
            assertEquals(1013, values.get("pressure"));
            assertEquals(-7, values.get("irNeg"));
            assertEquals(0.5f, values.get("irFloat"));
            assertEquals(70000, values.get("irInt32le"));
            assertEquals(true, values.get("coil0"));
            assertEquals(false, values.get("coil1"));
            assertEquals(true, values.get("coil2"));
            assertEquals(false, values.get("di0"));
            assertEquals(true, values.get("di1"));
            assertEquals(true, values.get("di9"));

            // the same channels again reuse the plan and the connection
            assertEquals(readings.stream().map(Reading::value).toList(),
                    connection.read(channels).stream().map(Reading::value).toList());
        }
    }

    @Test
    void assetLayoutChannelScalesToDegrees() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(DeviceConfig.NAME, "boiler-1");
        properties.put(DeviceConfig.DRIVER_PID, "modbus-tcp");
        properties.put("host", "127.0.0.1");
        properties.put("port", Integer.toString(server.port()));
        properties.put("unit.id", "1");
        properties.put("timeout", "2s");
        properties.put("temp#+type", "READ");
        properties.put("temp#+value.type", "DOUBLE");
        properties.put("temp#+scale", "0.1");
        properties.put("temp#+unit", "°C");
        properties.put("temp#memory.area", "HOLDING_REGISTER");
        properties.put("temp#start.address", "0");
        properties.put("temp#data.type", "INT16");
        Device device = DeviceConfig.parse(properties);
        assertEquals(List.of(), driver.validate(device));
        try (DeviceConnection connection = driver.open(device)) {
            Channel temp = device.channel("temp");
            Reading raw = connection.read(List.of(temp)).get(0);
            assertEquals(235, raw.value());
            Reading scaled = Values.toChannel(temp, raw);
            assertEquals(23.5, (Double) scaled.value(), 1e-9);
        }
    }

    @Test
    void writesHoldingRegistersAndCoilsAndReadsThemBack() throws Exception {
        Channel int16 = channel("setpoint", ChannelMode.READ_WRITE, "HOLDING_REGISTERS", 50, "INT16", null);
        Channel uint16 = channel("limit", ChannelMode.READ_WRITE, "HOLDING_REGISTERS", 51, "UINT16", null);
        Channel float32 = channel("gain", ChannelMode.READ_WRITE, "HOLDING_REGISTERS", 52, "FLOAT32", "LITTLE_ENDIAN");
        Channel int32 = channel("counter", ChannelMode.READ_WRITE, "HOLDING_REGISTERS", 54, "INT32", null);
        Channel float64 = channel("ratio", ChannelMode.READ_WRITE, "HOLDING_REGISTERS", 56, "FLOAT64", null);
        Channel coil = channel("pump", ChannelMode.READ_WRITE, "COILS", 5, "BOOLEAN", null);
        Channel coil2 = channel("fan", ChannelMode.WRITE, "COILS", 6, "BOOLEAN", null);
        List<Channel> channels = List.of(int16, uint16, float32, int32, float64, coil, coil2);
        Device device = device(server.port(), channels);
        assertEquals(List.of(), driver.validate(device));

        try (DeviceConnection connection = driver.open(device)) {
            connection.write(int16, -1234);
            connection.write(uint16, 99.6); // a scaled channel hands over a Double: rounded
            connection.write(float32, 12.75f);
            connection.write(int32, -70000L);
            connection.write(float64, 1e-9);
            connection.write(coil, true);
            connection.write(coil2, 1);
            List<Object> values = connection.read(channels).stream().map(Reading::value).toList();
            assertEquals(List.of(-1234, 100, 12.75f, -70000, 1e-9, true, true), values);

            connection.write(coil, 0);
            connection.write(coil2, false);
            assertEquals(List.of(false, false),
                    connection.read(List.of(coil, coil2)).stream().map(Reading::value).toList());

            DeviceException tooBig = assertThrows(DeviceException.class, () -> connection.write(int16, 70000));
            assertEquals("setpoint: 70000 is out of range for INT16 (-32768..32767)", tooBig.getMessage());
            DeviceException negative = assertThrows(DeviceException.class, () -> connection.write(uint16, -1.0));
            assertTrue(negative.getMessage().contains("out of range for UINT16"), negative.getMessage());
            assertEquals(-1234, connection.read(List.of(int16)).get(0).value(), "a refused value is not written");
        }
    }

    @Test
    void writeToReadOnlyAreaIsRefused() throws Exception {
        Channel input = channel("pressure", ChannelMode.READ, "INPUT_REGISTERS", 0, "UINT16", null);
        Channel discrete = channel("door", ChannelMode.READ, "DISCRETE_INPUTS", 1, "BOOLEAN", null);
        try (DeviceConnection connection = driver.open(device(server.port(), List.of(input, discrete)))) {
            DeviceException refused = assertThrows(DeviceException.class, () -> connection.write(input, 5));
            assertEquals("pressure: input register 0 is read-only", refused.getMessage());
            DeviceException door = assertThrows(DeviceException.class, () -> connection.write(discrete, true));
            assertEquals("door: discrete input 1 is read-only", door.getMessage());
            assertEquals(1013, connection.read(List.of(input)).get(0).value());
        }
    }

    @Test
    void illegalAddressFailsOnlyThatChannel() throws Exception {
        // 98, 99 and 100 touch, so they share a request the server refuses (it has 0..99)
        List<Channel> channels = List.of(
                channel("a", "HOLDING_REGISTERS", 98, "UINT16"),
                channel("b", "HOLDING_REGISTERS", 99, "UINT16"),
                channel("c", "HOLDING_REGISTERS", 100, "UINT16"),
                channel("far", "HOLDING_REGISTERS", 500, "INT32"),
                channel("coil", "COILS", 0, "BOOLEAN"));
        try (DeviceConnection connection = driver.open(device(server.port(), channels))) {
            List<Reading> readings = connection.read(channels);
            assertEquals(1, readings.get(0).value());
            assertEquals(2, readings.get(1).value());
            assertEquals(Quality.BAD, readings.get(2).quality());
            assertEquals("holding register 100: illegal data address (Modbus exception 2)", readings.get(2).reason());
            assertEquals(Quality.BAD, readings.get(3).quality());
            assertEquals("holding registers 500..501: illegal data address (Modbus exception 2)", readings.get(3).reason());
            assertEquals(true, readings.get(4).value());
            assertTrue(connection.connected(), "a Modbus exception is an answer: the device is connected");
        }
    }

    @Test
    void channelWithBadKeysReadsBadAndTheOthersGood() throws Exception {
        Channel good = channel("raw", "HOLDING_REGISTERS", 0, "INT16");
        Channel bad = channel("oops", "HOLDING_REGISTERS", 0, "BOOLEAN");
        try (DeviceConnection connection = driver.open(device(server.port(), List.of(good)))) {
            List<Reading> readings = connection.read(List.of(good, bad));
            assertEquals(235, readings.get(0).value());
            assertEquals(Quality.BAD, readings.get(1).quality());
            assertTrue(readings.get(1).reason().startsWith("oops#data.type: BOOLEAN does not fit holding registers"),
                    readings.get(1).reason());
        }
    }

    @Test
    void serverKilledGivesBadReadingsAndRestartedServerIsReadAgain() throws Exception {
        List<Channel> channels = List.of(channel("raw", "HOLDING_REGISTERS", 0, "INT16"),
                channel("coil", "COILS", 0, "BOOLEAN"));
        PymodbusServer own = PymodbusServer.start(work, VALUES, 0);
        int port = own.port();
        try (DeviceConnection connection = driver.open(device(port, channels))) {
            assertEquals(235, connection.read(channels).get(0).value());

            own.kill();
            List<Reading> down = connection.read(channels);
            for (Reading reading : down) {
                assertEquals(Quality.BAD, reading.quality());
                assertEquals("127.0.0.1:" + port + ": connection refused", reading.reason());
            }
            assertFalse(connection.connected());

            long before = System.nanoTime();
            Reading waiting = connection.read(channels).get(0);
            assertTrue(Duration.ofNanos(System.nanoTime() - before).toMillis() < 500, "a back-off costs no connect attempt");
            assertEquals(Quality.BAD, waiting.quality());
            assertTrue(waiting.reason().matches("127\\.0\\.0\\.1:" + port + ": connection refused \\(reconnecting in \\ds\\)"),
                    waiting.reason());

            own = PymodbusServer.start(work, VALUES, port);
            List<Reading> again = awaitGood(connection, channels, Duration.ofSeconds(20));
            assertEquals(235, again.get(0).value());
            assertEquals(true, again.get(1).value());
            assertTrue(connection.connected());
        } finally {
            own.close();
        }
    }

    @Test
    void unitIdsAreHonouredAndASilentUnitBacksOff() throws Exception {
        String units = """
                {"size": 10, "units": {
                  "1": {"holding_registers": {"0": 111}},
                  "2": {"holding_registers": {"0": 222}}
                }}
                """;
        List<Channel> channels = List.of(channel("value", "HOLDING_REGISTERS", 0, "UINT16"));
        try (PymodbusServer own = PymodbusServer.start(work, units, 0)) {
            List<Object> values = new ArrayList<>();
            for (String unit : List.of("1", "2")) {
                Device device = device("unit" + unit, Map.of("host", "127.0.0.1", "port", Integer.toString(own.port()),
                        "unit.id", unit), channels);
                try (DeviceConnection connection = driver.open(device)) {
                    values.add(connection.read(channels).get(0).value());
                }
            }
            assertEquals(List.of(111, 222), values);

            // pymodbus does not answer unit ids it does not have: a timeout, then a back-off
            Device silent = device("unit3", Map.of("host", "127.0.0.1", "port", Integer.toString(own.port()),
                    "unit.id", "3", "timeout", "300ms"), channels);
            try (DeviceConnection connection = driver.open(silent)) {
                assertTrue(connection.connected(), "the TCP connection itself works");
                long start = System.nanoTime();
                Reading first = connection.read(channels).get(0);
                long firstMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertEquals(Quality.BAD, first.quality());
                assertEquals("127.0.0.1:" + own.port() + ": no answer within 300ms", first.reason());
                assertTrue(firstMillis >= 290 && firstMillis < 3_000, "waited the timeout: " + firstMillis + "ms");
                assertFalse(connection.connected());

                start = System.nanoTime();
                Reading second = connection.read(channels).get(0);
                assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 200, "no second timeout right away");
                assertTrue(second.reason().endsWith("no answer within 300ms (reconnecting in 1s)"), second.reason());
            }
        }
    }

    @Test
    void unreachableDeviceOpensAndReadsBad() throws Exception {
        int port = freePort();
        List<Channel> channels = List.of(channel("raw", "HOLDING_REGISTERS", 0, "INT16"));
        try (DeviceConnection connection = driver.open(device(port, channels))) {
            assertFalse(connection.connected());
            Reading reading = connection.read(channels).get(0);
            assertEquals(Quality.BAD, reading.quality());
            assertTrue(reading.reason().startsWith("127.0.0.1:" + port + ": connection refused"), reading.reason());
            DeviceException write = assertThrows(DeviceException.class,
                    () -> connection.write(channel("raw", ChannelMode.READ_WRITE, "HOLDING_REGISTERS", 0, "INT16", null), 1));
            assertEquals("127.0.0.1:" + port + ": connection refused", write.getMessage());
        }
    }

    @Test
    void closedConnectionReadsBadAndClosesTwiceQuietly() throws Exception {
        List<Channel> channels = List.of(channel("raw", "HOLDING_REGISTERS", 0, "INT16"));
        DeviceConnection connection = driver.open(device(server.port(), channels));
        assertEquals(235, connection.read(channels).get(0).value());
        connection.close();
        connection.close();
        assertFalse(connection.connected());
        Reading reading = connection.read(channels).get(0);
        assertEquals(Quality.BAD, reading.quality());
        assertEquals("127.0.0.1:" + server.port() + ": the connection is closed", reading.reason());
        assertThrows(DeviceException.class, () -> connection.write(channels.get(0), 1));
    }

    @Test
    void deactivatingTheDriverClosesItsConnections() throws Exception {
        ModbusTcpDriver own = new ModbusTcpDriver();
        List<Channel> channels = List.of(channel("raw", "HOLDING_REGISTERS", 0, "INT16"));
        DeviceConnection connection = own.open(device(server.port(), channels));
        assertTrue(connection.connected());
        own.deactivate();
        assertFalse(connection.connected());
        assertEquals(Quality.BAD, connection.read(channels).get(0).quality());
    }

    @Test
    void openRefusesAnInvalidDevice() {
        Device device = device("broken", Map.of("port", "0"), List.of(channel("x", "NOWHERE", 0, "INT16")));
        DeviceException refused = assertThrows(DeviceException.class, () -> driver.open(device));
        assertTrue(refused.getMessage().startsWith("device broken: host: missing"), refused.getMessage());
        assertTrue(refused.getMessage().contains("x#memory.area: 'NOWHERE' is not one of"), refused.getMessage());
    }

    private static List<Reading> awaitGood(DeviceConnection connection, List<Channel> channels, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<Reading> readings = connection.read(channels);
        while (readings.stream().anyMatch(r -> r.quality() != Quality.GOOD)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not read within " + within.toSeconds() + "s: " + readings);
            }
            Thread.sleep(50);
            readings = connection.read(channels);
        }
        return readings;
    }

    /** Below the ephemeral range: the server is restarted on this port after a pause, when an outgoing connection could have taken it. */
    private static int freePort() throws IOException {
        return LoopbackPorts.pickFree();
    }
}
