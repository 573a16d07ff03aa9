package org.outpost.runtime.bundle.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karaf's FeaturesService as the runtime's DS reference hands it over: the reference is bound and
 * unbound, the service is got on first use and held until its reference goes, then ungot. Kept as
 * a reference, not as the service, so that this bundle loads Karaf's types only where Karaf is.
 */
final class FeaturesServiceSlot {
    private static final Logger LOG = LoggerFactory.getLogger(FeaturesServiceSlot.class);

    // guarded by this
    private BundleContext context;
    private ServiceReference<?> reference;
    private Features features;

    /** DS may bind the reference before it activates the runtime: the service is got only once this is called. */
    synchronized void open(BundleContext bundleContext) {
        context = bundleContext;
    }

    synchronized void bind(ServiceReference<?> next) {
        forget();
        reference = next;
    }

    synchronized void unbind(ServiceReference<?> gone) {
        if (gone.equals(reference)) {
            forget();
            reference = null;
        }
    }

    /** Karaf's FeaturesService, taken on first use after it is bound; null without one. */
    synchronized Features get() {
        if (features == null && reference != null && context != null) {
            Object service = context.getService(reference);
            if (service != null) {
                features = KarafFeatures.over(service);
            }
        }
        return features;
    }

    /** Lets go of the service: the runtime stops. */
    synchronized void close() {
        forget();
    }

    // guarded by this
    private void forget() {
        if (features != null && reference != null && context != null) {
            try {
                context.ungetService(reference);
            } catch (IllegalStateException e) {
                LOG.debug("The framework is stopping: {}", e.getMessage());
            }
        }
        features = null;
    }
}
