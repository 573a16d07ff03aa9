package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.Configuration;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

@Command(scope = "edge", name = "rule-remove", description = "Removes an edge rule (the server's, else this node's own).")
@Service
public class RuleRemoveCommand extends DeviceAction {

    @Argument(index = 0, name = "name", required = true, description = "The rule's name")
    String name;

    @Override
    protected void run() throws Exception {
        if (fleet != null && fleet.removeRule(name)) {
            out().println("Rule " + name + " removed (and taken off its node).");
            return;
        }
        Configuration local = configAdmin == null ? null : DeviceConfigs.findRule(configAdmin, name);
        if (local == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no rule " + name);
        local.delete();
        out().println("Rule " + name + " removed.");
    }
}
