package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.WorkloadRegistry;

@Command(scope = "edge", name = "delete", description = "Deletes a workload.",
        detailedDescription = "Deletes a workload applied with edge:deploy: NAME, or NAMESPACE/NAME outside the default namespace."
                + " Runs on the server.")
@Service
public class DeleteCommand extends EdgeAction {

    @Argument(index = 0, name = "name", required = true, description = "The workload: NAME or NAMESPACE/NAME")
    String name;

    @Reference(optional = true)
    WorkloadRegistry registry;

    @Override
    protected void run() throws Exception {
        WorkloadRegistry workloads = requireServer(registry, "workload");
        StoredWorkload stored = WorkloadNames.find(workloads, name);
        workloads.delete(stored.workload().namespace(), stored.workload().name());
        out().println(WorkloadNames.describe(stored) + " deleted");
    }
}
