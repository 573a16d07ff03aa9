package org.outpost.device.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.outpost.device.modbus.internal.TestDevices.channel;
import static org.outpost.device.modbus.internal.TestDevices.device;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.ValueType;

/** What {@link ModbusTcpDriver#validate} says about configurations, without any device. */
class ModbusTcpDriverValidationTest {

    private static final Map<String, String> ENDPOINT = Map.of("host", "127.0.0.1");
    private final ModbusTcpDriver driver = new ModbusTcpDriver();

    @Test
    void describesItself() {
        assertEquals("modbus-tcp", driver.type());
        assertEquals(List.of("memory.area", "start.address", "data.type"), driver.channelArguments());
    }

    @Test
    void acceptsAValidDeviceWithDefaultsAndSingularOrLowerCaseAreas() {
        List<Channel> channels = List.of(
                channel("temp", "HOLDING_REGISTER", 0, "INT16"),
                channel("level", "input_registers", 65534, "FLOAT32", "little_endian"),
                channel("pump", "Coil", 3, null),
                channel("door", "discrete-input", 0x10, null),
                channel("hex", ChannelMode.READ, ValueType.INTEGER, Map.of("memory.area", "HOLDING_REGISTERS",
                        "start.address", "0x10")));
        assertEquals(List.of(), driver.validate(device("ok", ENDPOINT, channels)));
        assertEquals(List.of(), driver.validate(device("ok", Map.of("host", "plc-7.local", "port", "5020",
                "unit.id", "255", "timeout", "1500ms"), List.of())));
        assertEquals(List.of(), driver.validate(device("v6", Map.of("host", "::1", "unit.id", "0", "timeout", "2s"),
                List.of())));
    }

    @Test
    void reportsEndpointProblems() {
        assertEquals(List.of("host: missing; the device's IP address or host name"),
                driver.validate(device("d", Map.of(), List.of())));
        assertEquals(List.of("host: '127.0.0.1:5020' has a port in it; give the port as 'port'"),
                driver.validate(device("d", Map.of("host", "127.0.0.1:5020"), List.of())));
        assertEquals(List.of("host: 'tcp://plc' is not an IP address or host name"),
                driver.validate(device("d", Map.of("host", "tcp://plc"), List.of())));
        assertEquals(List.of("port: '70000' is not a TCP port (1..65535)", "unit.id: '256' is not a unit id (0..255)",
                "timeout: 'soon' is not a duration (e.g. 500ms, 5s, 2m)"),
                driver.validate(device("d", Map.of("host", "plc", "port", "70000", "unit.id", "256", "timeout", "soon"),
                        List.of())));
        assertEquals(List.of("port: 'http' is not a TCP port (1..65535)", "timeout: 0 is not between 1ms and 60s"),
                driver.validate(device("d", Map.of("host", "plc", "port", "http", "timeout", "0"), List.of())));
        assertEquals(List.of("port: '0' is not a TCP port (1..65535)", "timeout: 2m is not between 1ms and 60s"),
                driver.validate(device("d", Map.of("host", "plc", "port", "0", "timeout", "2m"), List.of())));
    }

    @Test
    void reportsUnknownAreasAndMissingKeys() {
        assertEquals(List.of("temp#memory.area: 'HOLDING' is not one of COILS, DISCRETE_INPUTS, INPUT_REGISTERS, HOLDING_REGISTERS"),
                problems(channel("temp", "HOLDING", 0, "INT16")));
        assertEquals(List.of("temp#memory.area: missing; one of COILS, DISCRETE_INPUTS, INPUT_REGISTERS, HOLDING_REGISTERS",
                "temp#start.address: missing; an address 0..65535"),
                problems(channel("temp", ChannelMode.READ, ValueType.INTEGER, Map.of())));
        assertEquals(List.of("temp#start.adress: unknown key; a Modbus channel has memory.area, start.address, data.type, word.order",
                "temp#start.address: missing; an address 0..65535"),
                problems(channel("temp", ChannelMode.READ, ValueType.INTEGER,
                        Map.of("memory.area", "COILS", "start.adress", "1"))));
    }

    @Test
    void reportsBadAddresses() {
        assertEquals(List.of("temp#start.address: 70000 is not an address (0..65535)"),
                problems(channel("temp", "HOLDING_REGISTERS", 70000, "INT16")));
        assertEquals(List.of("temp#start.address: -1 is not an address (0..65535)"),
                problems(channel("temp", "HOLDING_REGISTERS", -1, "INT16")));
        assertEquals(List.of("temp#start.address: twelve is not an address (0..65535)"),
                problems(channel("temp", ChannelMode.READ, ValueType.INTEGER,
                        Map.of("memory.area", "HOLDING_REGISTERS", "start.address", "twelve"))));
        assertEquals(List.of("temp#start.address: a FLOAT64 at 65533 takes 4 registers and runs past the last address (65535)"),
                problems(channel("temp", "HOLDING_REGISTERS", 65533, "FLOAT64")));
        assertEquals(List.of(), problems(channel("temp", "HOLDING_REGISTERS", 65532, "FLOAT64")));
        assertEquals(List.of(), problems(channel("last", "COILS", 65535, "BOOLEAN")));
    }

    @Test
    void reportsDataTypesThatDoNotFitTheArea() {
        assertEquals(List.of("pump#data.type: INT32 does not fit coils; use BOOLEAN"),
                problems(channel("pump", "COILS", 0, "INT32")));
        assertEquals(List.of("temp#data.type: BOOLEAN does not fit holding registers; use INT16, UINT16, INT32, UINT32, "
                + "FLOAT32, INT64 or FLOAT64"), problems(channel("temp", "HOLDING_REGISTERS", 0, "BOOLEAN")));
        assertEquals(List.of("temp#data.type: 'REAL' is not one of BOOLEAN, INT16, UINT16, INT32, UINT32, FLOAT32, INT64, FLOAT64"),
                problems(channel("temp", "HOLDING_REGISTERS", 0, "REAL")));
        assertEquals(List.of("temp#word.order: 'MIDDLE' is not one of BIG_ENDIAN, LITTLE_ENDIAN"),
                problems(channel("temp", "HOLDING_REGISTERS", 0, "INT32", "MIDDLE")));
    }

    @Test
    void reportsWritableChannelsOnReadOnlyAreas() {
        assertEquals(List.of("door#+type: discrete inputs are read-only; use READ"),
                problems(channel("door", ChannelMode.READ_WRITE, "DISCRETE_INPUTS", 0, "BOOLEAN", null)));
        assertEquals(List.of("level#+type: input registers are read-only; use READ"),
                problems(channel("level", ChannelMode.WRITE, "INPUT_REGISTERS", 0, "UINT16", null)));
        assertEquals(List.of(), problems(channel("set", ChannelMode.WRITE, "HOLDING_REGISTERS", 0, "UINT16", null)));
    }

    @Test
    void reportsValueTypesThatCannotHoldTheData() {
        Map<String, String> register = Map.of("memory.area", "HOLDING_REGISTERS", "start.address", "0", "data.type", "INT16");
        assertEquals(List.of("t#+value.type: a Modbus channel cannot be STRING; use BOOLEAN, INTEGER, LONG, FLOAT or DOUBLE"),
                problems(channel("t", ChannelMode.READ, ValueType.STRING, register)));
        assertEquals(List.of("t#+value.type: a Modbus channel cannot be BYTE_ARRAY; use BOOLEAN, INTEGER, LONG, FLOAT or DOUBLE"),
                problems(channel("t", ChannelMode.READ, ValueType.BYTE_ARRAY, register)));
        Map<String, String> counter = new HashMap<>(register);
        counter.put("data.type", "UINT32");
        assertEquals(List.of("t#+value.type: INTEGER cannot hold every UINT32 value; use LONG"),
                problems(channel("t", ChannelMode.READ, ValueType.INTEGER, counter)));
        // a scaled counter or any other numeric type is fine; a register read as BOOLEAN is "not 0"
        Channel scaled = new Channel("t", ChannelMode.READ, ValueType.INTEGER, 0.001, 0, "", 1000, false, true, counter);
        assertEquals(List.of(), problems(scaled));
        assertEquals(List.of(), problems(channel("t", ChannelMode.READ, ValueType.BOOLEAN, register)));
        assertEquals(List.of(), problems(channel("t", ChannelMode.READ, ValueType.DOUBLE, counter)));
    }

    @Test
    void reportsEveryProblemOfEveryChannel() {
        List<String> problems = driver.validate(device("d", Map.of("port", "x"), List.of(
                channel("a", "COILS", 0, "FLOAT32"),
                channel("b", "HOLDING_REGISTERS", 0, "INT16"),
                channel("c", "SOMEWHERE", 99999, "INT16"))));
        assertEquals(List.of("host: missing; the device's IP address or host name",
                "port: 'x' is not a TCP port (1..65535)",
                "a#data.type: FLOAT32 does not fit coils; use BOOLEAN",
                "c#memory.area: 'SOMEWHERE' is not one of COILS, DISCRETE_INPUTS, INPUT_REGISTERS, HOLDING_REGISTERS",
                "c#start.address: 99999 is not an address (0..65535)"), problems);
    }

    private List<String> problems(Channel channel) {
        return driver.validate(device("d", ENDPOINT, List.of(channel)));
    }
}
