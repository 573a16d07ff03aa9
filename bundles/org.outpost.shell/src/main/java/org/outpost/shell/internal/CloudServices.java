package org.outpost.shell.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.outpost.api.device.CloudUplink;

/** The uplink as the service registry has it now (commands' injected references do not follow changes). */
final class CloudServices {

    private CloudServices() {
    }

    static CloudUplink uplink(BundleContext context) {
        ServiceReference<CloudUplink> reference = context.getServiceReference(CloudUplink.class);
        if (reference == null) return null;
        CloudUplink uplink = context.getService(reference);
        if (uplink != null) context.ungetService(reference);
        return uplink;
    }
}
