package org.outpost.runtime.bundle.internal;

import java.util.List;
import java.util.Map;

import org.outpost.workload.Assignment;
import org.outpost.workload.BundleSet;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.Kind;

/** BundleDeployment instances on node edge-1, in namespace default. */
final class Assignments {

    private Assignments() {
    }

    static Assignment ofBundles(String instance, String specHash, String... locations) {
        return assignment(instance, specHash, new BundleSet(List.of(locations), null, Map.of(), BundleSet.Mode.ALL_NODES, 0));
    }

    static Assignment ofFeature(String instance, String specHash, FeatureRef feature) {
        return assignment(instance, specHash, new BundleSet(List.of(), feature, Map.of(), BundleSet.Mode.ALL_NODES, 0));
    }

    static String id(String instance) {
        return "default/" + instance;
    }

    private static Assignment assignment(String instance, String specHash, BundleSet set) {
        return new Assignment("default", "sensors", instance, "edge-1", Kind.BUNDLE_DEPLOYMENT, specHash, null, set);
    }
}
