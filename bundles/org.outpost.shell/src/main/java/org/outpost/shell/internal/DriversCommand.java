package org.outpost.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DriverInfo;

import com.fasterxml.jackson.databind.node.ObjectNode;

@Command(scope = "edge", name = "drivers", description = "Lists the device drivers installed on this node.",
        detailedDescription = "Drivers are bundles (feature:install outpost-device-<type>, or a jar dropped into deploy/);"
                + " CHANNEL ARGUMENTS are what edge:device-add --channel NAME:A:B:C fills, in order.")
@Service
public class DriversCommand extends DeviceAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Override
    protected void run() throws Exception {
        boolean json = Output.isJson(output);
        List<DriverInfo> drivers = local().drivers();
        List<DeviceState> devices = local().devices();
        if (json) {
            out().println(Json.write(Json.items(drivers.stream().map(d -> {
                ObjectNode o = Json.MAPPER.valueToTree(d);
                o.put("devices", count(devices, d.type()));
                return o;
            }).toList())));
            return;
        }
        if (drivers.isEmpty()) {
            out().println("No drivers installed (feature:install outpost-device-simulated, or drop a driver jar into deploy/).");
            return;
        }
        Table table = new Table("TYPE", "DEVICES", "CHANNEL ARGUMENTS", "BUNDLE", "DESCRIPTION");
        for (DriverInfo driver : drivers) {
            table.row(driver.type(), String.valueOf(count(devices, driver.type())),
                    driver.channelArguments().isEmpty() ? "-" : String.join(":", driver.channelArguments()), driver.bundle(),
                    driver.description());
        }
        table.print(out());
    }

    private static long count(List<DeviceState> devices, String type) {
        return devices.stream().filter(d -> d.device().driver().equals(type)).count();
    }
}
