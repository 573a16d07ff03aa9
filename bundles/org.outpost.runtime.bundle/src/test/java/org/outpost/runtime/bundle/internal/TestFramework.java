package org.outpost.runtime.bundle.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * A real Apache Felix framework, its storage in the test's directory, that counts installs. The
 * runtimes under test run outside it, on its system bundle's context, as they would in Karaf.
 */
final class TestFramework implements AutoCloseable {
    private final Path storage;
    private final List<String> installs = new CopyOnWriteArrayList<>();
    private final SynchronousBundleListener counter = event -> {
        if (event.getType() == BundleEvent.INSTALLED) {
            installs.add(event.getBundle().getLocation());
        }
    };
    private Framework framework;

    TestFramework(Path storage) throws BundleException {
        this.storage = storage;
        start();
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    /** The bundle at the location, or null. */
    Bundle bundle(String location) {
        return context().getBundle(location);
    }

    /** Every location installed since the framework started, in order. */
    List<String> installs() {
        return List.copyOf(installs);
    }

    /** Stops the framework and starts it again on the same storage, as after a restart of the node. */
    void restart() throws Exception {
        close();
        start();
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    private void start() throws BundleException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();
        framework = factory.newFramework(Map.of(Constants.FRAMEWORK_STORAGE, storage.toString(), "felix.log.level", "0"));
        framework.start();
        installs.clear();
        context().addBundleListener(counter);
    }
}
