package org.outpost.runtime.bundle.internal.testbundle;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Packed into a test bundle whose start must fail. */
public class FailingActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        throw new IllegalStateException("the sensor port is busy");
    }

    @Override
    public void stop(BundleContext context) {
        // never started
    }
}
