package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.api.NodeRegistry;

@Command(scope = "edge", name = "uncordon", description = "Lets workload instances be placed on a node again.",
        detailedDescription = "Undoes edge:cordon and edge:drain; instances moved away stay where they are. Runs on the server.")
@Service
public class UncordonCommand extends EdgeAction {

    @Argument(index = 0, name = "NODE", description = "The node's name", required = true)
    @Completion(NodeNameCompleter.class)
    String name;

    @Reference(optional = true)
    NodeRegistry registry;

    @Override
    protected void run() throws Exception {
        NodeRegistry nodes = requireServer(registry, "node");
        cordon(nodes, name, false);
        out().println("node/" + name + " uncordoned");
    }
}
