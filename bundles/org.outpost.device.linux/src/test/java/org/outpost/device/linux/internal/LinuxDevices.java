package org.outpost.device.linux.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.InvalidDeviceException;
import org.outpost.api.device.Reading;

/** Builds test devices from flat asset-layout keys, as etc/*.cfg would give them. */
final class LinuxDevices {

    private LinuxDevices() {
    }

    /** Channels are DOUBLE READ unless the keys say otherwise; {@code ch=source} is short for {@code ch#source=source}. */
    static Device device(String... keys) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(DeviceConfig.NAME, "host");
        properties.put(DeviceConfig.DRIVER_PID, "linux");
        for (String key : keys) {
            int eq = key.indexOf('=');
            String name = key.substring(0, eq);
            String value = key.substring(eq + 1);
            if (name.indexOf('#') < 0 && !name.contains(".root")) name = name + "#source";
            properties.put(name, value);
        }
        for (String key : List.copyOf(properties.keySet())) {
            int hash = key.indexOf('#');
            if (hash > 0) properties.putIfAbsent(key.substring(0, hash) + "#+value.type", "DOUBLE");
        }
        try {
            return DeviceConfig.parse(properties);
        } catch (InvalidDeviceException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static Reading read(DeviceConnection connection, Device device, String channel) {
        List<Reading> readings = connection.read(List.of(device.channel(channel)));
        if (readings.size() != 1) throw new AssertionError("one reading expected, got " + readings);
        return readings.get(0);
    }
}
