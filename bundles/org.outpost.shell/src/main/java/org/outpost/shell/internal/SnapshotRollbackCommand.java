package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

@Command(scope = "edge", name = "snapshot-rollback", description = "Returns this node's configuration to an earlier snapshot.",
        detailedDescription = "Applies snapshot ID as edge:snapshot-import would (checked first, all or nothing) and takes a new"
                + " snapshot afterwards, so a rollback can itself be rolled back.")
@Service
public class SnapshotRollbackCommand extends EdgeAction {

    @Argument(index = 0, name = "ID", required = true, description = "The snapshot (see edge:snapshots)")
    long id;

    @Reference
    BundleContext bundleContext;

    @Override
    protected void run() {
        long taken = KuraServices.snapshots(bundleContext).rollback(id);
        out().println("Rolled back to snapshot " + id + "; snapshot " + taken + " taken");
    }
}
