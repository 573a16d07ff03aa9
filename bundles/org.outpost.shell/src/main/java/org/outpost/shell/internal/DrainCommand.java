package org.outpost.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.api.NodeRegistry;
import org.outpost.workload.WorkloadRegistry;

@Command(scope = "edge", name = "drain", description = "Cordons a node and moves its Deployment instances elsewhere.",
        detailedDescription = "Like kubectl drain --ignore-daemonsets: the node gets no new instances, and the instances of"
                + " Deployments and Replicas-mode BundleDeployments on it are placed on other nodes. DaemonSets and"
                + " AllNodes BundleDeployments stay. edge:uncordon lets instances be placed there again. Runs on the server.")
@Service
public class DrainCommand extends EdgeAction {

    @Argument(index = 0, name = "NODE", description = "The node's name", required = true)
    @Completion(NodeNameCompleter.class)
    String name;

    @Reference(optional = true)
    NodeRegistry registry;

    @Reference(optional = true)
    WorkloadRegistry workloads;

    @Override
    protected void run() throws Exception {
        NodeRegistry nodes = requireServer(registry, "node");
        WorkloadRegistry placed = requireServer(workloads, "workload");
        cordon(nodes, name, true);
        out().println("node/" + name + " cordoned");
        List<String> evicted = placed.evict(name);
        evicted.forEach(id -> out().println("evicting instance " + id));
        out().println("node/" + name + " drained");
    }
}
