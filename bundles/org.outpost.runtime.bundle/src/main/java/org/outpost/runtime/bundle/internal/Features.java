package org.outpost.runtime.bundle.internal;

import java.net.URI;
import java.util.List;

/**
 * What the runtime asks of Karaf's FeaturesService. Only {@link KarafFeatures} names Karaf's types,
 * and it is loaded only once a FeaturesService is bound, so this bundle also runs in a framework
 * without Karaf.
 */
interface Features {

    boolean hasRepository(URI repository) throws Exception;

    void addRepository(URI repository) throws Exception;

    /**
     * Removes the repository unless one of its features is installed or required.
     *
     * @return whether it is gone
     */
    boolean removeRepositoryIfUnused(URI repository) throws Exception;

    /** The feature, its version chosen by Karaf when {@code version} is null; null when no repository has it. */
    FeatureInfo find(String name, String version) throws Exception;

    /** Installs the feature without refreshing bundles outside it. */
    void install(String name, String version) throws Exception;

    void uninstall(String name, String version) throws Exception;

    /** A feature as Karaf knows it; {@code required} when someone asked for it, {@code installed} when it is in place. */
    record FeatureInfo(String name, String version, boolean required, boolean installed, List<FeatureBundle> bundles) {
        public FeatureInfo {
            bundles = List.copyOf(bundles);
        }

        public String id() {
            return name + "/" + version;
        }
    }

    /** One bundle of a feature; {@code start} when Karaf starts it. */
    record FeatureBundle(String location, boolean start) {
    }
}
