package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "edge", name = "leave", description = "Leaves the cluster.",
        detailedDescription = "Drops this node's agent identity; it must join again with a token"
                + " (edge:role agent --server URL --token T).")
@Service
public class LeaveCommand extends EdgeAction {

    @Override
    protected void run() throws Exception {
        if (roleManager == null) {
            throw fail("cannot leave: the role manager is not running in this process");
        }
        roleManager.leave();
        String name = localNode != null ? localNode.name() : null;
        out().println((name == null ? "this node" : "node " + name)
                + " left the cluster; join again with edge:role agent --server URL --token T");
    }
}
