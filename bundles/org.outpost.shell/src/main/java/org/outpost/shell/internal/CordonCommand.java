package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.api.NodeRegistry;

@Command(scope = "edge", name = "cordon", description = "Stops placing new workload instances on a node.",
        detailedDescription = "What runs there keeps running; edge:drain also moves Deployment instances away. Runs on the server.")
@Service
public class CordonCommand extends EdgeAction {

    @Argument(index = 0, name = "NODE", description = "The node's name", required = true)
    @Completion(NodeNameCompleter.class)
    String name;

    @Reference(optional = true)
    NodeRegistry registry;

    @Override
    protected void run() throws Exception {
        NodeRegistry nodes = requireServer(registry, "node");
        cordon(nodes, name, true);
        out().println("node/" + name + " cordoned");
    }
}
