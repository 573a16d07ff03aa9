package org.outpost.runtime.bundle.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.outpost.workload.FeatureRef;

/**
 * What one instance holds in the framework: the bundle locations it uses, the feature it asked
 * for (with the version Karaf chose), or the deployment package it installed, made from the
 * template {@code specHash}. Bundles, features and packages stay installed while some instance
 * holds them.
 */
record Holding(String id, String specHash, List<String> bundles, FeatureRef feature, HeldPackage deploymentPackage) {

    /** A deployment package: where it came from, and the name and version it installed as. */
    record HeldPackage(String url, String name, String version) {
    }

    Holding {
        bundles = bundles == null ? List.of() : List.copyOf(bundles);
    }

    static Holding nothing(String id) {
        return new Holding(id, null, List.of(), null, null);
    }

    boolean holdsNothing() {
        return bundles.isEmpty() && feature == null && deploymentPackage == null;
    }

    /** The package's name, or null. */
    String packageName() {
        return deploymentPackage == null ? null : deploymentPackage.name();
    }

    /** {@code name/version}, how Karaf names an installed feature; null without a feature. */
    String featureId() {
        return feature == null ? null : feature.name() + "/" + feature.version();
    }

    /** The locations in both lists, each once, in order. */
    static List<String> union(List<String> first, List<String> second) {
        Set<String> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return new ArrayList<>(all);
    }
}
