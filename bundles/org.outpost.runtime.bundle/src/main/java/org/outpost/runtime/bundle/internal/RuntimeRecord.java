package org.outpost.runtime.bundle.internal;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the runtime remembers across restarts of the agent and the framework: what each instance
 * holds, and what the runtime installed itself, so that it never uninstalls a bundle, feature or
 * features repository that was there before it.
 *
 * @param instances the holdings of the instances that hold anything
 * @param installedBundles location → bundle id of the bundles this runtime installed;
 *        {@link #CLAIMED} while the install is under way
 * @param installedFeatures {@code name/version} of the features this runtime installed
 * @param addedRepositories the features repositories this runtime added
 * @param installedPackages names of the deployment packages this runtime installed
 */
record RuntimeRecord(List<Holding> instances, Map<String, Long> installedBundles, List<String> installedFeatures,
        List<String> addedRepositories, List<String> installedPackages) {

    /** The bundle id of a location whose install has begun: whatever is found there later is ours. */
    static final long CLAIMED = -1;

    static final RuntimeRecord EMPTY = new RuntimeRecord(List.of(), Map.of(), List.of(), List.of(), List.of());

    RuntimeRecord {
        instances = instances == null ? List.of() : List.copyOf(instances);
        installedBundles = installedBundles == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(installedBundles));
        installedFeatures = installedFeatures == null ? List.of() : List.copyOf(installedFeatures);
        addedRepositories = addedRepositories == null ? List.of() : List.copyOf(addedRepositories);
        installedPackages = installedPackages == null ? List.of() : List.copyOf(installedPackages);
    }
}
