package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.workload.Applied;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.WorkloadRegistry;

@Command(scope = "edge", name = "rollback", description = "Returns a workload to its previous spec.",
        detailedDescription = "Puts back the spec a workload had before its last change (image, command, bundles...),"
                + " keeping its replica count, in one step: instances on the previous spec stay, new ones go."
                + " NAME or NAMESPACE/NAME. Runs on the server.")
@Service
public class RollbackCommand extends EdgeAction {

    @Argument(index = 0, name = "name", required = true, description = "The workload: NAME or NAMESPACE/NAME")
    String name;

    @Reference(optional = true)
    WorkloadRegistry registry;

    @Override
    protected void run() throws Exception {
        WorkloadRegistry workloads = requireServer(registry, "workload");
        StoredWorkload stored = WorkloadNames.find(workloads, name);
        Applied applied = workloads.rollback(stored.workload().namespace(), stored.workload().name());
        out().println(WorkloadNames.describe(stored) + " rolled back (generation " + applied.generation() + ")");
    }
}
