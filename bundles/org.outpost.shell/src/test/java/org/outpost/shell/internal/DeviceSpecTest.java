package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.ValueType;

class DeviceSpecTest {

    private static final List<String> MODBUS = List.of("memory.area", "start.address", "data.type");

    @Test
    void theIssueExampleBecomesAKuraAssetLayout() throws Exception {
        Map<String, Object> properties = DeviceSpec.properties("boiler-1", "modbus-tcp", List.of("host=127.0.0.1,port=5020,unit.id=1"),
                List.of("temp:HOLDING_REGISTER:0:INT16:scale=0.1,unit=C", "pump:COIL:3:type=READ_WRITE"), MODBUS, "500ms");
        assertEquals("modbus-tcp", properties.get("driver.pid"));
        assertEquals("5020", properties.get("port"));
        assertEquals("HOLDING_REGISTER", properties.get("temp#memory.area"));
        assertEquals("0", properties.get("temp#start.address"));
        assertEquals("0.1", properties.get("temp#+scale"));
        assertEquals("DOUBLE", properties.get("temp#+value.type"), "scaled values are DOUBLE");
        assertEquals("BOOLEAN", properties.get("pump#+value.type"), "coils hold bits");
        assertEquals("500ms", properties.get("temp#+poll.interval"));

        Device device = DeviceConfig.parse(properties);
        Channel temp = device.channel("temp");
        assertEquals(ValueType.DOUBLE, temp.valueType());
        assertEquals(0.1, temp.scale());
        assertEquals("C", temp.unit());
        assertEquals(500, temp.pollMillis());
        assertEquals(Map.of("memory.area", "HOLDING_REGISTER", "start.address", "0", "data.type", "INT16"), temp.driverConfig());
        assertEquals(ChannelMode.READ_WRITE, device.channel("pump").mode());
        assertEquals("127.0.0.1", device.value("host", null));
    }

    @Test
    void keyValuePairsMayCarryColons() {
        Map<String, String> channel = DeviceSpec.channel("t:sensors/+/temp:json.path=$.temp,url=tcp://x:1", List.of("topic", "json.path"));
        assertEquals("sensors/+/temp", channel.get("topic"));
        assertEquals("$.temp", channel.get("json.path"));
        assertEquals("tcp://x:1", channel.get("url"));
    }

    @Test
    void unregisteredRawTypesGetIntegerAndLongDefaults() {
        assertEquals("INTEGER", DeviceSpec.defaultValueType(Map.of("data.type", "UINT16")));
        assertEquals("LONG", DeviceSpec.defaultValueType(Map.of("data.type", "UINT32")));
        assertEquals("DOUBLE", DeviceSpec.defaultValueType(Map.of("signal", "sine")));
        assertEquals("INTEGER", DeviceSpec.defaultValueType(Map.of("memory.area", "INPUT_REGISTERS")));
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> DeviceSpec.channel("t:HOLDING_REGISTER:0:INT16:extra", MODBUS));
        assertTrue(tooMany.getMessage().contains("'extra' is one argument too many"), tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceSpec.channel("bad name", MODBUS));
        IllegalArgumentException pair = assertThrows(IllegalArgumentException.class,
                () -> DeviceSpec.properties("d", "x", List.of("host"), List.of("a"), List.of(), null));
        assertTrue(pair.getMessage().contains("'host' is not key=value"), pair.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> DeviceSpec.properties("d", "x", List.of(), List.of("a", "a"), List.of(), null));
        assertTrue(twice.getMessage().contains("given twice"));
    }

    @Test
    void deviceReferencesNameANodeOnlyWhenTheyHaveASlash() {
        assertNull(DeviceSpec.Ref.parse("boiler-1").node());
        DeviceSpec.Ref ref = DeviceSpec.Ref.parse("gw-1/boiler-1");
        assertEquals("gw-1", ref.node());
        assertEquals("boiler-1", ref.device());
        assertThrows(IllegalArgumentException.class, () -> DeviceSpec.Ref.parse("gw-1/"));
        assertThrows(IllegalArgumentException.class, () -> DeviceSpec.Ref.parse("a/b/c"));
        assertFalse(ref.toString().isEmpty());
    }

    @Test
    void multiValuedTrailingOptionsCollectEveryOccurrence() {
        DeviceAddCommand command = new DeviceAddCommand();
        List<String> rest = TrailingOptions.apply(command, List.of("--driver", "modbus-tcp", "--channel", "a:COIL:1",
                "--channel", "b:COIL:2", "--set", "host=h"));
        assertTrue(rest.isEmpty());
        assertEquals("modbus-tcp", command.driver);
        assertEquals(List.of("a:COIL:1", "b:COIL:2"), command.channels);
        assertEquals(List.of("host=h"), command.settings);
    }
}
