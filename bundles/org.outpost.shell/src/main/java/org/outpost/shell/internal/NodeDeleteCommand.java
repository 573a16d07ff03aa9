package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.api.NodeRegistry;

@Command(scope = "edge", name = "node-delete", description = "Removes a node from the cluster.",
        detailedDescription = "Removes the node and revokes its identity; it must join again with a token."
                + " Runs on the server.")
@Service
public class NodeDeleteCommand extends EdgeAction {

    @Argument(index = 0, name = "NAME", description = "The node's name", required = true)
    @Completion(NodeNameCompleter.class)
    String name;

    @Reference(optional = true)
    NodeRegistry registry;

    @Override
    protected void run() throws Exception {
        if (!requireServer(registry, "node").delete(name)) {
            throw fail("node " + name + " not found");
        }
        out().println("node/" + name + " deleted");
    }
}
