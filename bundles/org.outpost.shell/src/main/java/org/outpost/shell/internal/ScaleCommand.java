package org.outpost.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.workload.Applied;
import org.outpost.workload.BundleSet;
import org.outpost.workload.Kind;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadRegistry;

@Command(scope = "edge", name = "scale", description = "Sets how many instances a workload wants.",
        detailedDescription = "Sets the replicas of a Deployment, or of a BundleDeployment in Replicas mode."
                + " DaemonSets run one instance per matching node and cannot be scaled. Runs on the server.")
@Service
public class ScaleCommand extends EdgeAction {

    @Argument(index = 0, name = "name", required = true, description = "The workload: NAME or NAMESPACE/NAME")
    String name;

    @Argument(index = 1, name = "replicas", required = true, description = "How many instances, 0 or more")
    String replicas;

    @Reference(optional = true)
    WorkloadRegistry registry;

    @Override
    protected void run() throws Exception {
        WorkloadRegistry workloads = requireServer(registry, "workload");
        int count = count(replicas);
        StoredWorkload stored = WorkloadNames.find(workloads, name);
        if (stored.workload().kind() == Kind.BUNDLE_DEPLOYMENT && count < 1
                && stored.workload().bundles().mode() == BundleSet.Mode.REPLICAS) {
            throw new IllegalArgumentException("a BundleDeployment in Replicas mode needs at least 1 replica; use edge:delete to remove it");
        }
        Workload scaled = stored.workload().scaled(count);
        Applied applied = workloads.apply(List.of(scaled)).get(0);
        out().println(WorkloadNames.describe(stored) + (applied.outcome() == Applied.Outcome.UNCHANGED ? " unchanged" : " scaled")
                + " (" + count + (count == 1 ? " replica)" : " replicas)"));
    }

    private static int count(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("replicas must be a whole number, 0 or more, got '" + text + "'");
    }
}
