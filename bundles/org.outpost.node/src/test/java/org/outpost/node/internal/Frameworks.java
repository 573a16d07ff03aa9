package org.outpost.node.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** A real Apache Felix framework for the tests, its storage in the test's directory. */
final class Frameworks {

    private Frameworks() {
    }

    static Framework started(Path storage) throws BundleException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();
        Framework framework = factory.newFramework(Map.of(Constants.FRAMEWORK_STORAGE, storage.toString(), "felix.log.level", "0"));
        framework.start();
        return framework;
    }

    static void stop(Framework framework) throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }
}
