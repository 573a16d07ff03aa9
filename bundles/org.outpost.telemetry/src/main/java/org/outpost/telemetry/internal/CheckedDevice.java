package org.outpost.telemetry.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.InvalidDeviceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device configuration as it arrived through Config Admin (edge:device-add, etc/*.cfg, a Kura
 * snapshot), checked: the device to run, or the device as far as it could be read and why it is not
 * run — shown as its problem.
 *
 * @param failure null when the device can run
 */
record CheckedDevice(Device device, String failure) {
    private static final Logger LOG = LoggerFactory.getLogger(CheckedDevice.class);

    /**
     * @param ownerOf the PID of the configuration that defines a device name, or null
     * @param otherDevices devices configured besides the one with this name
     */
    static CheckedDevice of(String pid, Map<String, Object> properties, Function<String, String> ownerOf, DeviceLimits limits,
            ToIntFunction<String> otherDevices) {
        Device device;
        try {
            device = DeviceConfig.parse(properties);
        } catch (InvalidDeviceException e) {
            Object name = properties.get(DeviceConfig.NAME);
            Object driver = properties.get(DeviceConfig.DRIVER_PID);
            String fallbackName = name != null && DeviceConfig.NAME_PATTERN.matcher(String.valueOf(name)).matches()
                    ? String.valueOf(name) : pid;
            LOG.warn("Device configuration {} cannot be used: {}", pid, e.getMessage());
            return new CheckedDevice(new Device(fallbackName, driver == null ? "?" : String.valueOf(driver), Map.of(), List.of()),
                    String.join("; ", e.problems()));
        }
        String owner = ownerOf.apply(device.name());
        if (owner != null && !owner.equals(pid)) {
            return new CheckedDevice(new Device(pid, device.driver(), Map.of(), List.of()),
                    "another configuration (" + owner + ") already defines device " + device.name());
        }
        List<String> beyond = limits.problems(device, otherDevices.applyAsInt(device.name()));
        if (!beyond.isEmpty()) {
            String failure = String.join("; ", beyond);
            LOG.warn("Device {} is not read: {}", device.name(), failure);
            // the configuration is kept, not the channels: a refused device holds nothing it would read
            Device kept = new Device(device.name(), device.driver(), device.config(), List.of());
            if (DeviceLimits.jsonBytes(kept) > DeviceLimits.MAX_DEVICE_JSON_BYTES) {
                kept = new Device(device.name(), device.driver(), Map.of(), List.of()); // too large even without its channels
            }
            return new CheckedDevice(kept, failure);
        }
        return new CheckedDevice(device, null);
    }
}
