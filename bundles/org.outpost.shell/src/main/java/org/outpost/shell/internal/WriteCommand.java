package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Values;

@Command(scope = "edge", name = "write", description = "Writes a value to a device channel.",
        detailedDescription = "The value is parsed as the channel's type (true/false, numbers, text, hex for bytes) and"
                + " unscaled before the driver writes it. DEVICE is NAME on this node or NODE/NAME on the server.")
@Service
public class WriteCommand extends DeviceAction {

    @Argument(index = 0, name = "device", required = true, description = "NAME, or NODE/NAME on the server")
    String name;

    @Argument(index = 1, name = "channel", required = true, description = "A writable channel")
    String channel;

    @Argument(index = 2, name = "value", required = true, description = "The value, as the channel's type")
    String value;

    @Override
    protected void run() throws Exception {
        DeviceSpec.Ref ref = DeviceSpec.Ref.parse(name);
        Reading written = isLocal(ref) ? local().write(ref.device(), channel, value)
                : fleet("edge:write NODE/NAME").write(ref.node(), ref.device(), channel, value);
        out().println("Wrote " + Values.format(written.value()) + " to " + ref + " " + channel + ".");
    }
}
