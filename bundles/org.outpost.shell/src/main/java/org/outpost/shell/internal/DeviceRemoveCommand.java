package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.Configuration;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

@Command(scope = "edge", name = "device-remove", description = "Removes a device from this node (its configuration).",
        detailedDescription = "Readings it already took stay in the outbox and are still forwarded.")
@Service
public class DeviceRemoveCommand extends DeviceAction {

    @Argument(index = 0, name = "name", required = true, description = "The device's name on this node")
    String name;

    @Override
    protected void run() throws Exception {
        Configuration configuration = DeviceConfigs.find(configAdmin(), name);
        if (configuration == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + name + " on this node");
        configuration.delete();
        out().println("Device " + name + " removed.");
    }
}
