package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.osgi.service.cm.ConfigurationAdmin;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.FleetDevices;

/**
 * Common ground of the device commands. A device is {@code NAME} on the node that reads it, or
 * {@code NODE/NAME} on the server (which sees every node's devices through its agents).
 */
abstract class DeviceAction extends EdgeAction {

    static final String NOT_HERE = "no devices are read on this node: devices run on agents (and on a server's own agent)";

    @Reference(optional = true)
    DeviceService localDevices;

    @Reference(optional = true)
    FleetDevices fleet;

    @Reference(optional = true)
    ConfigurationAdmin configAdmin;

    protected DeviceService local() throws CommandException {
        if (localDevices == null) throw fail(NOT_HERE);
        return localDevices;
    }

    protected FleetDevices fleet(String what) throws CommandException {
        if (fleet == null) {
            throw fail(what + " needs the server (NODE/NAME names a device on another node) " + SERVER_HINT);
        }
        return fleet;
    }

    /** Whether {@code ref} is best answered by this node's own device service. */
    protected boolean isLocal(DeviceSpec.Ref ref) {
        if (ref.node() == null) return true;
        return localDevices != null && localNode != null && ref.node().equals(localNode.name());
    }

    protected ConfigurationAdmin configAdmin() throws CommandException {
        if (configAdmin == null) throw fail("Config Admin is not running in this process");
        return configAdmin;
    }

    protected String nodeName() {
        return localNode == null ? "" : localNode.name();
    }
}
