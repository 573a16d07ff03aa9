package org.outpost.runtime.bundle.internal;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.Repository;

/** {@link Features} through Karaf's FeaturesService. */
final class KarafFeatures implements Features {
    /** Like the role switch: bundles outside the feature keep running. */
    private static final EnumSet<FeaturesService.Option> NO_REFRESH = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);

    private final FeaturesService service;

    private KarafFeatures(FeaturesService service) {
        this.service = service;
    }

    /** Takes the service as an Object, so that callers never name Karaf's types. */
    static Features over(Object featuresService) {
        return new KarafFeatures((FeaturesService) featuresService);
    }

    @Override
    public boolean hasRepository(URI repository) throws Exception {
        return service.getRepository(repository) != null;
    }

    @Override
    public void addRepository(URI repository) throws Exception {
        service.addRepository(repository, false);
    }

    @Override
    public boolean removeRepositoryIfUnused(URI repository) throws Exception {
        Repository known = service.getRepository(repository);
        if (known == null) {
            return true;
        }
        for (Feature feature : known.getFeatures()) {
            if (service.isRequired(feature) || service.isInstalled(feature)) {
                return false;
            }
        }
        service.removeRepository(repository, false);
        return true;
    }

    /** Karaf reads the name as a regular expression; only a feature of exactly that name counts. */
    @Override
    public FeatureInfo find(String name, String version) throws Exception {
        for (Feature feature : service.getFeatures(name, version)) {
            if (feature != null && name.equals(feature.getName())) {
                List<FeatureBundle> bundles = feature.getBundles().stream()
                        .map(bundle -> new FeatureBundle(bundle.getLocation(), bundle.isStart())).toList();
                return new FeatureInfo(feature.getName(), feature.getVersion(), service.isRequired(feature),
                        service.isInstalled(feature), bundles);
            }
        }
        return null;
    }

    @Override
    public void install(String name, String version) throws Exception {
        service.installFeature(name, version, NO_REFRESH);
    }

    @Override
    public void uninstall(String name, String version) throws Exception {
        service.uninstallFeature(name, version, NO_REFRESH);
    }
}
