package org.outpost.shell.internal;

import java.math.BigInteger;
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
import org.outpost.workload.WorkloadLimits;
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
        BigInteger requested = requested(replicas);
        StoredWorkload stored = WorkloadNames.find(workloads, name);
        int count = withinLimit(requested, workloads.limits(), stored.workload());
        if (stored.workload().kind() == Kind.BUNDLE_DEPLOYMENT && count < 1
                && stored.workload().bundles().mode() == BundleSet.Mode.REPLICAS) {
            throw new IllegalArgumentException("a BundleDeployment in Replicas mode needs at least 1 replica; use edge:delete to remove it");
        }
        Workload scaled = stored.workload().scaled(count);
        Applied applied = workloads.apply(List.of(scaled)).get(0);
        out().println(WorkloadNames.describe(stored) + (applied.outcome() == Applied.Outcome.UNCHANGED ? " unchanged" : " scaled")
                + " (" + count + (count == 1 ? " replica)" : " replicas)"));
    }

    private static BigInteger requested(String text) {
        String digits = text.trim();
        if (!digits.matches("\\+?[0-9]{1,40}")) {
            throw new IllegalArgumentException("replicas must be a whole number, 0 or more, got '" + text + "'");
        }
        return new BigInteger(digits);
    }

    /** The count asked for; one beyond the limit is refused with the limit's sentence, never clamped. */
    private static int withinLimit(BigInteger requested, WorkloadLimits limits, Workload workload) {
        if (requested.compareTo(BigInteger.valueOf(limits.maxReplicasPerWorkload())) > 0) {
            throw new IllegalArgumentException(limits.tooManyReplicas(workload.kind().manifestName() + " "
                    + workload.namespace() + "/" + workload.name(), requested.toString()));
        }
        return requested.intValue();
    }
}
