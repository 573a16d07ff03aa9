package org.outpost.runtime.bundle.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.outpost.runtime.bundle.internal.Features.FeatureBundle;
import org.outpost.runtime.bundle.internal.Features.FeatureInfo;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.InstanceStatus.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Karaf features of the instances: adds a feature's repository when it is new here and installs
 * the feature when nobody asked for it yet; uninstalls the features and removes the repositories
 * it added itself once no instance needs them. A feature someone else asked for is used as it is.
 *
 * <p>Used under the runtime's lock only.
 */
final class FeatureHolder {
    static final String NO_FEATURES = "features need Karaf's FeaturesService, which this node does not have";
    private static final Logger LOG = LoggerFactory.getLogger(FeatureHolder.class);

    private final Supplier<Features> karaf;
    private final FrameworkBundles framework;
    private final BundleEventRouter router;
    /** {@code name/version} of the features this holder installed. */
    private final Set<String> installed;
    private final Set<String> addedRepositories;
    private final Runnable recordChanged;

    /**
     * @param karaf Karaf's FeaturesService, or null when the node has none
     * @param router a feature's bundles are watched before it is installed, so that their events reach the log
     * @param installed {@code name/version} of the features the record says this runtime installed
     * @param addedRepositories the repositories the record says this runtime added
     * @param recordChanged saves the ownership record
     */
    FeatureHolder(Supplier<Features> karaf, FrameworkBundles framework, BundleEventRouter router,
            Collection<String> installed, Collection<String> addedRepositories, Runnable recordChanged) {
        this.karaf = karaf;
        this.framework = framework;
        this.router = router;
        this.installed = new TreeSet<>(installed);
        this.addedRepositories = new TreeSet<>(addedRepositories);
        this.recordChanged = recordChanged;
    }

    /** The features this holder installed, for the record. */
    List<String> installed() {
        return List.copyOf(installed);
    }

    /** The features repositories this holder added, for the record. */
    List<String> addedRepositories() {
        return List.copyOf(addedRepositories);
    }

    /** Makes sure the feature is installed, adding its repository first when it is new here. */
    FeatureInfo acquire(Instance instance, String name, String version, String repository) throws Failure {
        Features features = karaf.get();
        if (features == null) {
            throw new Failure(NO_FEATURES);
        }
        String asked = "feature " + name + (version == null ? "" : "/" + version);
        if (repository != null) {
            addRepository(instance, features, repository);
        }
        FeatureInfo feature;
        try {
            feature = features.find(name, version);
        } catch (Exception e) {
            throw new Failure("cannot look up " + asked + ": " + FrameworkBundles.message(e));
        }
        if (feature == null) {
            throw new Failure(asked + " is in none of the features repositories this node knows"
                    + (repository == null ? "; name its repository in the BundleDeployment" : ""));
        }
        router.watch(instance, Holding.union(List.copyOf(instance.watched()), locationsOf(feature)));
        if (!feature.required()) {
            installed.add(feature.id());
            recordChanged.run();
            instance.note("installing feature " + feature.id());
            try {
                features.install(feature.name(), feature.version());
            } catch (Exception e) {
                throw new Failure("cannot install feature " + feature.id() + ": " + FrameworkBundles.message(e));
            }
            instance.note("installed feature " + feature.id());
        }
        return feature;
    }

    private void addRepository(Instance instance, Features features, String repository) throws Failure {
        URI uri;
        try {
            uri = new URI(repository);
        } catch (URISyntaxException e) {
            throw new Failure("features repository " + repository + " is not a URI: " + e.getMessage());
        }
        try {
            if (!features.hasRepository(uri)) {
                features.addRepository(uri);
                addedRepositories.add(repository);
                recordChanged.run();
                instance.note("added features repository " + repository);
            }
        } catch (Exception e) {
            throw new Failure("cannot add features repository " + repository + ": " + FrameworkBundles.message(e));
        }
    }

    /**
     * Uninstalls the features this holder installed that none of {@code holdings} holds, and removes
     * the repositories it added that none of them needs; tells {@code releasing}, which held
     * {@code before}, why a feature it let go of stays.
     */
    void release(Instance releasing, Holding before, Collection<Holding> holdings) {
        Map<String, List<String>> featureUsers = new HashMap<>();
        Set<String> neededRepositories = new HashSet<>();
        for (Holding holding : holdings) {
            if (holding.feature() != null) {
                featureUsers.computeIfAbsent(holding.featureId(), id -> new ArrayList<>()).add(holding.id());
                if (holding.feature().repository() != null) {
                    neededRepositories.add(holding.feature().repository());
                }
            }
        }
        String letGo = before.featureId();
        if (letGo != null && !featureUsers.getOrDefault(letGo, List.of()).contains(releasing.id())) {
            if (featureUsers.containsKey(letGo)) {
                releasing.note("kept feature " + letGo + ": " + String.join(", ", featureUsers.get(letGo)) + " still use(s) it");
            } else if (!installed.contains(letGo)) {
                releasing.note("left feature " + letGo + " installed: it was there before");
            }
        }
        List<String> unusedFeatures = installed.stream().filter(id -> !featureUsers.containsKey(id)).toList();
        List<String> unusedRepositories = addedRepositories.stream().filter(uri -> !neededRepositories.contains(uri)).toList();
        if (unusedFeatures.isEmpty() && unusedRepositories.isEmpty()) {
            return;
        }
        Features features = karaf.get();
        if (features == null) {
            LOG.warn("Feature(s) {} and repositories {} wait for Karaf's FeaturesService to be removed",
                    unusedFeatures, unusedRepositories);
            return;
        }
        for (String id : unusedFeatures) {
            int slash = id.lastIndexOf('/');
            String name = id.substring(0, slash);
            String version = id.substring(slash + 1);
            try {
                FeatureInfo feature = features.find(name, version);
                if (feature != null && feature.required()) {
                    features.uninstall(name, version);
                    releasing.note("uninstalled feature " + id);
                }
                installed.remove(id);
            } catch (Exception e) {
                LOG.warn("Cannot uninstall feature {} yet: {}", id, FrameworkBundles.message(e));
            }
        }
        for (String repository : unusedRepositories) {
            try {
                if (features.removeRepositoryIfUnused(new URI(repository))) {
                    addedRepositories.remove(repository);
                    releasing.note("removed features repository " + repository);
                }
            } catch (Exception e) {
                LOG.warn("Cannot remove features repository {} yet: {}", repository, FrameworkBundles.message(e));
            }
        }
    }

    /** Running when the feature is installed and the bundles Karaf starts are active; else why not. */
    Verdict verdict(FeatureRef held) {
        Features features = karaf.get();
        if (features == null) {
            return new Verdict(Phase.Failed, NO_FEATURES);
        }
        String id = held.name() + "/" + held.version();
        try {
            FeatureInfo feature = features.find(held.name(), held.version());
            if (feature == null) {
                return Verdict.pending("feature " + id + " is in none of the features repositories this node knows");
            }
            if (!feature.installed()) {
                return Verdict.pending("feature " + id + " is not installed");
            }
            for (FeatureBundle featureBundle : feature.bundles()) {
                Bundle bundle = featureBundle.start() ? framework.find(featureBundle.location()) : null;
                Verdict verdict = bundle == null ? Verdict.RUNNING : FrameworkBundles.verdict(bundle);
                if (!verdict.running()) {
                    return Verdict.pending(verdict.reason() + " (feature " + id + ")");
                }
            }
            return Verdict.RUNNING;
        } catch (Exception e) {
            return Verdict.pending("cannot ask Karaf about feature " + id + ": " + FrameworkBundles.message(e));
        }
    }

    /** The holding's bundle locations and its feature's: what the instance's log follows. */
    List<String> watchedLocations(Holding holding) {
        if (holding.feature() == null) {
            return holding.bundles();
        }
        Features features = karaf.get();
        try {
            FeatureInfo feature = features == null ? null : features.find(holding.feature().name(), holding.feature().version());
            return feature == null ? holding.bundles() : Holding.union(holding.bundles(), locationsOf(feature));
        } catch (Exception e) {
            return holding.bundles();
        }
    }

    private static List<String> locationsOf(FeatureInfo feature) {
        return feature.bundles().stream().map(FeatureBundle::location).toList();
    }
}
