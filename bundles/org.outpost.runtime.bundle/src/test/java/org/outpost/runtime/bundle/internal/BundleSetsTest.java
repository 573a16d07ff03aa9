package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.outpost.workload.Assignment;
import org.outpost.workload.BundleSet;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.Kind;

class BundleSetsTest {
    private static final FeatureRef SENSORS = new FeatureRef("sensors", "1.0.0", "mvn:org.example/sensors/1.0.0/xml/features");

    @Test
    void tellsWhyAnAssignmentCannotRun() {
        assertEquals("the bundle runtime runs BundleDeployments, not " + Kind.DEPLOYMENT,
                BundleSets.invalid(new Assignment("default", "web", "web-1", "edge-1", Kind.DEPLOYMENT, "spec-1", null, null)));
        assertEquals("the BundleDeployment has no bundles section", BundleSets.invalid(assignment(null)));
        assertEquals("the BundleDeployment names no bundles, no feature and no deployment package",
                BundleSets.invalid(assignment(set(List.of(), null, " "))));
        assertEquals("the BundleDeployment has an empty bundle location",
                BundleSets.invalid(assignment(set(List.of("mvn:a/b/1", " "), null, null))));
        assertEquals("the BundleDeployment's feature has no name",
                BundleSets.invalid(assignment(set(List.of(), new FeatureRef(" ", null, null), null))));
        assertNull(BundleSets.invalid(assignment(set(List.of("mvn:a/b/1"), null, null))));
        assertNull(BundleSets.invalid(assignment(set(List.of(), null, "file:/x.dp"))));
    }

    @Test
    void putsWhatItAsksForInWords() {
        assertEquals("1 bundle", BundleSets.summary(List.of("mvn:a/b/1"), null));
        assertEquals("2 bundles and feature sensors/1.0.0", BundleSets.summary(List.of("mvn:a/b/1", "mvn:a/c/1"), SENSORS));
        assertEquals("feature sensors", BundleSets.summary(List.of(), new FeatureRef("sensors", " ", null)));
        assertEquals("mvn:a/b/1, feature sensors/1.0.0 from mvn:org.example/sensors/1.0.0/xml/features",
                BundleSets.details(List.of("mvn:a/b/1"), SENSORS));
        assertEquals("mvn:a/b/1, mvn:a/c/1", BundleSets.details(List.of("mvn:a/b/1", "mvn:a/c/1"), null));
    }

    private static BundleSet set(List<String> bundles, FeatureRef feature, String deploymentPackage) {
        return new BundleSet(bundles, feature, Map.of(), BundleSet.Mode.ALL_NODES, 0, deploymentPackage);
    }

    private static Assignment assignment(BundleSet set) {
        return new Assignment("default", "sensors", "sensors-1", "edge-1", Kind.BUNDLE_DEPLOYMENT, "spec-1", null, set);
    }
}
