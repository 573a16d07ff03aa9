package org.outpost.shell.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.outpost.api.kura.ConfigurationSnapshots;
import org.outpost.api.kura.DeploymentPackages;

/** The Kura-face services as the registry has them now (injected references do not follow changes). */
final class KuraServices {

    private KuraServices() {
    }

    static DeploymentPackages packages(BundleContext context) {
        DeploymentPackages packages = lookup(context, DeploymentPackages.class);
        if (packages == null) {
            throw new IllegalArgumentException("deployment packages are not available: Deployment Admin is not running"
                    + " (feature:install outpost-kura)");
        }
        return packages;
    }

    static ConfigurationSnapshots snapshots(BundleContext context) {
        ConfigurationSnapshots snapshots = lookup(context, ConfigurationSnapshots.class);
        if (snapshots == null) {
            throw new IllegalArgumentException("configuration snapshots are not available (feature:install outpost-kura)");
        }
        return snapshots;
    }

    private static <T> T lookup(BundleContext context, Class<T> type) {
        ServiceReference<T> reference = context.getServiceReference(type);
        if (reference == null) return null;
        T service = context.getService(reference);
        if (service != null) context.ungetService(reference);
        return service;
    }
}
