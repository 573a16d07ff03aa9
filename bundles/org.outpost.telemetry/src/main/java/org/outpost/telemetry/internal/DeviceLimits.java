package org.outpost.telemetry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceDriver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * What a node lets a device configuration ask for (docs/limits.md, "Devices and telemetry"):
 * devices per node, channels per device, a device's size as JSON, and reads per second per
 * device — the sum over its polled channels of 1000 / poll interval in ms. Checked wherever a configuration enters (the
 * shell, etc/*.cfg, Kura snapshots and REST) so that a device that would flood the node and its
 * server is refused with the figure and the limit, rather than run.
 */
record DeviceLimits(int devicesPerNode, int channelsPerDevice, int readsPerSecondPerDevice) {
    static final String PID = "org.outpost.telemetry";
    static final int DEFAULT_DEVICES_PER_NODE = 256;
    static final int DEFAULT_CHANNELS_PER_DEVICE = 256;
    static final int DEFAULT_READS_PER_SECOND_PER_DEVICE = 200;
    /**
     * The most a device configuration may take as JSON (UTF-8): the node's devices report carries
     * every device, in frames under 512 KiB of which a server takes at most 64
     * ({@link DevicesReportFrames}). 256 devices of this size fill 52 of them, and a
     * device with 256 Modbus channels takes about 67 KiB. Fixed, not a setting: it is what keeps
     * a node's report within what its server takes.
     */
    static final int MAX_DEVICE_JSON_BYTES = 96 * 1024;
    private static final ObjectWriter JSON = new ObjectMapper().writer();
    /** Device keys every driver accepts: Kura's asset description. */
    static final List<String> COMMON_KEYS = List.of("asset.desc");

    /** The node's device limits; a change restarts the devices component, so every configured device is checked again. */
    @ObjectClassDefinition(name = "Outpost devices", description = "Limits on the devices this node reads")
    public @interface Config {
        @AttributeDefinition(description = "Devices this node may have", min = "1")
        int devicesPerNode() default DEFAULT_DEVICES_PER_NODE;

        @AttributeDefinition(description = "Channels one device may have", min = "1")
        int channelsPerDevice() default DEFAULT_CHANNELS_PER_DEVICE;

        @AttributeDefinition(description = "Reads per second one device may ask for: the sum over its polled channels"
                + " of 1000 / poll interval in ms", min = "1")
        int readsPerSecondPerDevice() default DEFAULT_READS_PER_SECOND_PER_DEVICE;
    }

    static DeviceLimits of(Config config) {
        return new DeviceLimits(config.devicesPerNode(), config.channelsPerDevice(), config.readsPerSecondPerDevice());
    }

    static DeviceLimits defaults() {
        return new DeviceLimits(DEFAULT_DEVICES_PER_NODE, DEFAULT_CHANNELS_PER_DEVICE, DEFAULT_READS_PER_SECOND_PER_DEVICE);
    }

    /**
     * @param otherDevices devices configured on the node besides this one
     * @return the limits the device goes beyond, each a sentence naming the figure, the limit and its key
     */
    List<String> problems(Device device, int otherDevices) {
        List<String> problems = new ArrayList<>();
        if (otherDevices >= devicesPerNode) {
            problems.add("this node has " + otherDevices + " devices, the limit (" + PID + " devicesPerNode = "
                    + devicesPerNode + "); remove one first");
        }
        int channels = device.channels().size();
        if (channels > channelsPerDevice) {
            problems.add("device " + device.name() + " has " + channels + " channels, above the limit of " + channelsPerDevice
                    + " per device (" + PID + " channelsPerDevice); split it into several devices");
        }
        long bytes = channels > channelsPerDevice ? 0 : jsonBytes(device); // too many channels: splitting it is the advice
        if (bytes > MAX_DEVICE_JSON_BYTES) {
            problems.add("device " + device.name() + " takes " + kib(bytes) + " as JSON, above the limit of "
                    + kib(MAX_DEVICE_JSON_BYTES) + " per device (every device goes in the node's report to its server);"
                    + " shorten its values or split it into several devices");
        }
        double reads = readsPerSecond(device);
        if (reads > readsPerSecondPerDevice) {
            problems.add("device " + device.name() + " would read " + format(reads) + " times a second (" + polled(device)
                    + " polled channels, every " + shortestPoll(device) + " ms at the shortest), above the limit of "
                    + readsPerSecondPerDevice + " reads/s per device (" + PID + " readsPerSecondPerDevice);"
                    + " poll less often or split the device");
        }
        return problems;
    }

    /** The device's size as JSON (UTF-8), as it goes in the node's devices report. */
    static long jsonBytes(Device device) {
        try {
            return JSON.writeValueAsBytes(device).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a device cannot be written as JSON", e);
        }
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%,d KiB", (bytes + 1023) / 1024);
    }

    /** Reads per second the device's polled channels ask for: the sum of 1000 / poll interval (ms). */
    static double readsPerSecond(Device device) {
        double reads = 0;
        for (Channel channel : device.channels()) {
            if (isPolled(channel)) reads += 1_000.0 / Math.max(1, channel.pollMillis());
        }
        return reads;
    }

    private static boolean isPolled(Channel channel) {
        return channel.enabled() && channel.mode().readable() && !channel.listen();
    }

    private static long polled(Device device) {
        return device.channels().stream().filter(DeviceLimits::isPolled).count();
    }

    private static long shortestPoll(Device device) {
        return device.channels().stream().filter(DeviceLimits::isPolled).mapToLong(Channel::pollMillis).min().orElse(0);
    }

    private static String format(double value) {
        return value >= 10 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /**
     * What the driver says about the device, and the device keys it does not know (a typo in
     * {@code --set} would otherwise be kept and ignored).
     */
    static List<String> driverProblems(DeviceDriver driver, Device device) {
        List<String> problems = new ArrayList<>(driver.validate(device));
        List<String> known = driver.deviceKeys();
        if (known == null) return problems;
        TreeSet<String> unknown = new TreeSet<>(device.config().keySet());
        unknown.removeAll(known);
        unknown.removeAll(COMMON_KEYS);
        if (!unknown.isEmpty()) {
            problems.add((unknown.size() == 1 ? "key " : "keys ") + String.join(", ", unknown) + (unknown.size() == 1 ? " is" : " are")
                    + " unknown to driver " + driver.type() + " (it knows "
                    + (known.isEmpty() ? "no device keys" : String.join(", ", known)) + ")");
        }
        return problems;
    }
}
