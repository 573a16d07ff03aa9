package org.outpost.shell.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.Configuration;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DriverInfo;
import org.outpost.api.device.InvalidDeviceException;

@Command(scope = "edge", name = "device-add", description = "Adds a device on this node (kept as configuration).",
        detailedDescription = "edge:device-add boiler-1 --driver modbus-tcp --set host=127.0.0.1,port=5020,unit.id=1"
                + " --channel temp:HOLDING_REGISTER:0:INT16:scale=0.1,unit=C\n"
                + "--set gives the driver's settings; each --channel is NAME[:ARG...][:key=value,...] where the ARGs fill the"
                + " driver's channel arguments (edge:drivers) and keys are type (READ/WRITE/READ_WRITE), value.type, scale,"
                + " offset, unit, poll, listen, enabled or driver keys. The device is a factory configuration of "
                + DeviceConfig.FACTORY_PID + " in Kura's asset layout: config:edit and etc/*.cfg manage the same.")
@Service
public class DeviceAddCommand extends DeviceAction {

    private static final long APPEAR_MILLIS = 5_000;

    @Argument(index = 0, name = "name", required = true, description = "The device's name on this node")
    String name;

    @Argument(index = 1, name = "OPTIONS", description = "options may also follow the argument", multiValued = true)
    List<String> trailing;

    @Option(name = "--driver", description = "The driver type (edge:drivers)", required = false)
    String driver;

    @Option(name = "--set", description = "Driver settings: key=value,key=value (may repeat)", multiValued = true)
    List<String> settings;

    @Option(name = "--channel", description = "A channel: NAME[:ARG...][:key=value,...] (may repeat)", multiValued = true)
    List<String> channels;

    @Option(name = "--poll", description = "Poll interval of channels that name none, e.g. 500ms, 2s (default 1s)")
    String poll;

    @Option(name = "--replace", description = "Replace the device if it exists")
    boolean replace;

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (!extra.isEmpty()) throw new IllegalArgumentException("unexpected argument " + extra.get(0));
        if (driver == null || driver.isBlank()) throw new IllegalArgumentException("--driver is required (edge:drivers lists them)");
        if (channels == null || channels.isEmpty()) throw new IllegalArgumentException("give at least one --channel");
        DeviceService devices = local();
        if (poll != null) DeviceConfig.parseMillis(poll);
        List<String> channelArguments = devices.drivers().stream().filter(d -> d.type().equals(driver)).findFirst()
                .map(DriverInfo::channelArguments).orElse(List.of());
        Map<String, Object> properties = DeviceSpec.properties(name, driver, settings, channels, channelArguments, poll);
        Device device;
        try {
            device = DeviceConfig.parse(properties);
        } catch (InvalidDeviceException e) {
            throw new IllegalArgumentException("device " + name + " not added: " + String.join("; ", e.problems()));
        }
        List<String> problems = devices.validate(device);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("device " + name + " not added: " + String.join("; ", problems));
        }
        Configuration existing = DeviceConfigs.find(configAdmin(), name);
        if (existing != null && !replace) {
            throw new OutpostException(ErrorCode.CONFLICT, "device " + name + " exists; edge:device-remove it first, or add --replace");
        }
        Configuration configuration = existing != null ? existing
                : configAdmin().getFactoryConfiguration(DeviceConfig.FACTORY_PID, name, "?");
        Dictionary<String, Object> dictionary = new Hashtable<>(DeviceConfig.toProperties(device));
        configuration.update(dictionary);
        DeviceState state = waitForDevice(devices);
        out().println("Device " + name + " added (" + driver + ", " + device.channels().size() + " channels)"
                + (state == null ? "." : ": " + state.status() + (state.problem().isEmpty() ? "" : " (" + state.problem() + ")")));
    }

    /** Configuration Admin delivers asynchronously: give the device a moment to come up. */
    private DeviceState waitForDevice(DeviceService devices) throws InterruptedException {
        long deadline = System.currentTimeMillis() + APPEAR_MILLIS;
        DeviceState state = null;
        while (System.currentTimeMillis() < deadline) {
            state = devices.device(name);
            if (state != null && state.status() != org.outpost.api.device.DeviceStatus.Connecting
                    && state.status() != org.outpost.api.device.DeviceStatus.Disconnected) {
                return state;
            }
            Thread.sleep(100);
        }
        return state;
    }
}
