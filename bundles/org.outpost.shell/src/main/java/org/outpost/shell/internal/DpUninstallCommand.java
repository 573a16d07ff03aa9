package org.outpost.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.outpost.api.kura.PackageInfo;

@Command(scope = "edge", name = "dp-uninstall", description = "Uninstalls a deployment package and the bundles it brought.")
@Service
public class DpUninstallCommand extends EdgeAction {

    @Argument(index = 0, name = "NAME", required = true, description = "The package's DeploymentPackage-SymbolicName (see edge:dps)")
    String name;

    @Reference
    BundleContext bundleContext;

    @Override
    protected void run() {
        PackageInfo removed = KuraServices.packages(bundleContext).uninstall(name);
        out().println("Uninstalled " + removed.name() + " " + removed.version() + " (" + removed.bundles().size() + " bundles)");
    }
}
