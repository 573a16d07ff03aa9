package org.outpost.device.modbus.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.ValueType;

/** Devices and channels for the tests, built the way the asset layout would give them. */
final class TestDevices {

    private TestDevices() {
    }

    static Device device(String name, Map<String, String> keys, List<Channel> channels) {
        return new Device(name, ModbusTcpDriver.TYPE, keys, channels);
    }

    static Device device(int port, List<Channel> channels) {
        return device("plc", Map.of("host", "127.0.0.1", "port", Integer.toString(port), "timeout", "2s"), channels);
    }

    /** A READ channel whose value type suits the data type (e.g. LONG for UINT32). */
    static Channel channel(String name, String area, int address, String dataType) {
        return channel(name, ChannelMode.READ, area, address, dataType, null);
    }

    static Channel channel(String name, String area, int address, String dataType, String wordOrder) {
        return channel(name, ChannelMode.READ, area, address, dataType, wordOrder);
    }

    static Channel channel(String name, ChannelMode mode, String area, int address, String dataType, String wordOrder) {
        Map<String, String> keys = new HashMap<>();
        keys.put(ChannelAddress.MEMORY_AREA, area);
        keys.put(ChannelAddress.START_ADDRESS, Integer.toString(address));
        if (dataType != null) keys.put(ChannelAddress.DATA_TYPE, dataType);
        if (wordOrder != null) keys.put(ChannelAddress.WORD_ORDER, wordOrder);
        return channel(name, mode, valueTypeFor(dataType), keys);
    }

    static Channel channel(String name, ChannelMode mode, ValueType valueType, Map<String, String> driverKeys) {
        return new Channel(name, mode, valueType, 1.0, 0.0, "", Channel.DEFAULT_POLL_MILLIS, false, true, driverKeys);
    }

    private static ValueType valueTypeFor(String dataType) {
        if (dataType == null) return ValueType.INTEGER;
        return switch (dataType) {
            case "BOOLEAN" -> ValueType.BOOLEAN;
            case "UINT32", "INT64" -> ValueType.LONG;
            case "FLOAT32" -> ValueType.FLOAT;
            case "FLOAT64" -> ValueType.DOUBLE;
            default -> ValueType.INTEGER;
        };
    }
}
