package org.outpost.telemetry.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's devices: the factory configurations of {@code org.outpost.device}, each run by a
 * {@link DeviceRunner} with its driver when that is installed. A configuration that cannot be run
 * still shows as a device, with its problem. Changes of configurations and drivers are serialized
 * on this object, so a device never runs twice or with a driver that has gone.
 */
final class DeviceConfigurations extends ConfigFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceConfigurations.class);

    private final InstalledDrivers drivers;
    private final DeviceLimits limits;
    private final ScheduledExecutorService ticker;
    private final Consumer<Reading> readings;
    private final Runnable changed;
    private final Consumer<String> removed;
    /** The device name of each configuration PID; the runner of each device by name. Changed while holding this. */
    private final Map<String, String> devicePids = new ConcurrentHashMap<>();
    private final Map<String, DeviceRunner> runners = new ConcurrentHashMap<>();

    /**
     * @param readings where the devices' readings go
     * @param changed  runs when the devices' states change in a way the server should hear of
     * @param removed  takes the name of a device that is gone or whose configuration was replaced
     */
    DeviceConfigurations(InstalledDrivers drivers, DeviceLimits limits, ScheduledExecutorService ticker,
            Consumer<Reading> readings, Runnable changed, Consumer<String> removed) {
        super("devices");
        this.drivers = drivers;
        this.limits = limits;
        this.ticker = ticker;
        this.readings = readings;
        this.changed = changed;
        this.removed = removed;
    }

    @Override
    void update(String pid, Dictionary<String, ?> properties) {
        configured(pid, ConfigFactory.toMap(properties));
    }

    synchronized void configured(String pid, Map<String, Object> properties) {
        String previousName = devicePids.get(pid);
        CheckedDevice checked = CheckedDevice.of(pid, properties, this::findPid, limits,
                name -> otherDevices(previousName, name));
        Device device = checked.device();
        String failure = checked.failure();
        if (previousName != null) {
            DeviceRunner old = runners.remove(previousName);
            if (old != null) old.close();
            removed.accept(previousName);
        }
        devicePids.put(pid, device.name());
        DeviceRunner runner = new DeviceRunner(device, ticker, readings, changed);
        runners.put(device.name(), runner);
        if (failure != null) {
            runner.fail(failure);
            return;
        }
        DeviceDriver driver = drivers.get(device.driver());
        if (driver != null) {
            runner.start(driver);
        } else {
            changed.run();
        }
        LOG.info("Device {} configured (driver {}, {} channels)", device.name(), device.driver(), device.channels().size());
    }

    @Override
    public synchronized void deleted(String pid) {
        String name = devicePids.remove(pid);
        if (name == null) return;
        DeviceRunner runner = runners.remove(name);
        if (runner != null) runner.close();
        removed.accept(name);
        LOG.info("Device {} removed", name);
        changed.run();
    }

    /** Starts the devices that wait for a driver of this type. */
    synchronized void driverAdded(String type, DeviceDriver driver) {
        for (DeviceRunner runner : runners.values()) {
            if (runner.device().driver().equals(type)) runner.start(driver);
        }
    }

    /** The devices this driver ran are Disconnected until it comes back. */
    synchronized void driverRemoved(DeviceDriver driver) {
        for (DeviceRunner runner : runners.values()) {
            if (runner.driver() == driver) runner.driverGone();
        }
    }

    /** Stops every device (the component goes away; the configurations stay). */
    synchronized void close() {
        runners.values().forEach(DeviceRunner::close);
        runners.clear();
        devicePids.clear();
    }

    /** The problems that would keep this device from running here: its driver's and the node's limits. */
    List<String> validate(Device device) {
        List<String> problems = new ArrayList<>();
        DeviceDriver driver = drivers.get(device.driver());
        if (driver == null) {
            problems.add(DeviceConfig.DRIVER_PID + ": no driver '" + device.driver() + "' is installed (installed: "
                    + drivers.typesText() + ")");
        } else {
            problems.addAll(DeviceLimits.driverProblems(driver, device));
        }
        problems.addAll(limits.problems(device, otherDevices(device.name())));
        return problems;
    }

    List<DeviceState> states() {
        List<DeviceState> list = new ArrayList<>();
        for (DeviceRunner runner : runners.values()) list.add(runner.state());
        list.sort(Comparator.comparing(DeviceState::name));
        return list;
    }

    /** @return null when no device has that name */
    DeviceState state(String name) {
        DeviceRunner runner = runners.get(name);
        return runner == null ? null : runner.state();
    }

    /** @throws OutpostException NOT_FOUND when no device has that name */
    DeviceRunner runner(String device) {
        DeviceRunner runner = runners.get(Objects.requireNonNull(device, "device"));
        if (runner == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + device + " on this node");
        return runner;
    }

    /** Devices configured here besides {@code names}. */
    private int otherDevices(String... names) {
        int others = runners.size();
        Set<String> counted = new HashSet<>();
        for (String name : names) {
            if (name != null && counted.add(name) && runners.containsKey(name)) others--;
        }
        return others;
    }

    private String findPid(String deviceName) {
        for (Map.Entry<String, String> entry : devicePids.entrySet()) {
            if (entry.getValue().equals(deviceName)) return entry.getKey();
        }
        return null;
    }
}
