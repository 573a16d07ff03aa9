package org.outpost.device.linux.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceException;

/**
 * The gateway's own host as a device: load, memory, CPU, uptime and disk from /proc and the file
 * system, temperatures, fans and voltages from /sys. Reads are cheap file reads, never a process.
 */
@Component(service = DeviceDriver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = DeviceDriver.TYPE_PROPERTY + "=" + LinuxDriver.TYPE)
public class LinuxDriver implements DeviceDriver {

    static final String TYPE = "linux";
    static final String PROC_ROOT = "proc.root";
    static final String SYS_ROOT = "sys.root";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "This host's sensors: load, memory, CPU, uptime, disk, thermal zones and hwmon chips";
    }

    @Override
    public List<String> channelArguments() {
        return List.of(HostSources.SOURCE);
    }

    @Override
    public List<String> deviceKeys() {
        return List.of(PROC_ROOT, SYS_ROOT);
    }

    @Override
    public List<String> validate(Device device) {
        List<String> problems = new ArrayList<>();
        root(device, PROC_ROOT, "/proc", problems);
        root(device, SYS_ROOT, "/sys", problems);
        for (Channel channel : device.channels()) {
            HostSources.forChannel(channel, problems);
        }
        return problems;
    }

    @Override
    public DeviceConnection open(Device device) throws DeviceException {
        List<String> problems = validate(device);
        if (!problems.isEmpty()) {
            throw new DeviceException("device " + device.name() + ": " + String.join("; ", problems));
        }
        HostFiles files = new HostFiles(root(device, PROC_ROOT, "/proc", problems), root(device, SYS_ROOT, "/sys", problems));
        return new LinuxConnection(device.name(), files);
    }

    private static Path root(Device device, String key, String fallback, List<String> problems) {
        String text = device.value(key, fallback).trim();
        try {
            Path path = Path.of(text);
            if (path.isAbsolute()) return path;
            problems.add(key + ": '" + text + "' is not an absolute path");
        } catch (InvalidPathException e) {
            problems.add(key + ": '" + text + "' is not a path");
        }
        return Path.of(fallback);
    }
}
