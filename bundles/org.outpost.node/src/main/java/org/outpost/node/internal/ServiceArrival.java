package org.outpost.node.internal;

import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Waits for a service to be registered, named by its class so that the class itself need not be
 * loaded (Karaf's {@code BootFinished} exists only in Karaf). The wait ends as soon as the framework
 * reports the registration, or at once when the service is there already.
 */
final class ServiceArrival implements AutoCloseable {
    private final ServiceTracker<Object, Object> tracker;

    ServiceArrival(BundleContext context, String className) {
        tracker = new ServiceTracker<>(context, className, null);
        tracker.open();
    }

    /**
     * @return whether the service is there; false when {@code timeout} passed first
     */
    boolean await(Duration timeout) throws InterruptedException {
        if (tracker.getServiceReference() != null) {
            return true;
        }
        // waitForService(0) would wait for ever
        return tracker.waitForService(Math.max(1, timeout.toMillis())) != null;
    }

    @Override
    public void close() {
        try {
            tracker.close();
        } catch (IllegalStateException e) {
            // the framework is stopping: its listeners go with it
        }
    }
}
