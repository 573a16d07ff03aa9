package org.outpost.runtime.bundle.internal;

import java.util.ArrayList;
import java.util.List;

import org.outpost.workload.Assignment;
import org.outpost.workload.BundleSet;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.Kind;

/** What a BundleDeployment asks for: checked before anything is installed, and put in words for status and log. */
final class BundleSets {

    private BundleSets() {
    }

    /** Why the runtime cannot run the assignment at all, or null when it can try. */
    static String invalid(Assignment assignment) {
        if (assignment.kind() != Kind.BUNDLE_DEPLOYMENT) {
            return "the bundle runtime runs BundleDeployments, not " + assignment.kind();
        }
        BundleSet set = assignment.bundles();
        if (set == null) {
            return "the BundleDeployment has no bundles section";
        }
        if (set.bundles().isEmpty() && set.feature() == null && blankToNull(set.deploymentPackage()) == null) {
            return "the BundleDeployment names no bundles, no feature and no deployment package";
        }
        if (set.bundles().stream().anyMatch(location -> location == null || location.isBlank())) {
            return "the BundleDeployment has an empty bundle location";
        }
        if (set.feature() != null && blankToNull(set.feature().name()) == null) {
            return "the BundleDeployment's feature has no name";
        }
        return null;
    }

    /** {@code 2 bundles and feature x/1.0}: for the status while installing. */
    static String summary(List<String> locations, FeatureRef feature) {
        List<String> parts = new ArrayList<>();
        if (!locations.isEmpty()) {
            parts.add(locations.size() == 1 ? "1 bundle" : locations.size() + " bundles");
        }
        if (feature != null) {
            parts.add(featureName(feature));
        }
        return String.join(" and ", parts);
    }

    /** Every location, and the feature: for the log. */
    static String details(List<String> locations, FeatureRef feature) {
        List<String> parts = new ArrayList<>(locations);
        if (feature != null) {
            parts.add(featureName(feature) + (feature.repository() == null ? "" : " from " + feature.repository()));
        }
        return String.join(", ", parts);
    }

    static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static String featureName(FeatureRef feature) {
        return "feature " + feature.name() + (blankToNull(feature.version()) == null ? "" : "/" + feature.version());
    }
}
