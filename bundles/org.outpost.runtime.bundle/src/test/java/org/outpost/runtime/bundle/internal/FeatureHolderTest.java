package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.outpost.runtime.bundle.internal.Features.FeatureBundle;
import org.outpost.runtime.bundle.internal.Features.FeatureInfo;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.InstanceStatus.Phase;

class FeatureHolderTest {
    private static final String REPO = "mvn:org.example/sensors/1.0.0/xml/features";

    private final FakeKaraf karaf = new FakeKaraf();
    private final Map<String, Instance> instances = new HashMap<>();
    private final BundleEventRouter router = new BundleEventRouter(instances::values, instances::get);
    private final AtomicInteger saves = new AtomicInteger();

    @Test
    void addsTheRepositoryAndInstallsTheFeatureAsItsOwn() throws Exception {
        karaf.offer(REPO, "sensors", "1.0.0", "mvn:org.example/sensor/1.0.0");
        FeatureHolder holder = holder(List.of(), List.of());
        Instance instance = instance("default/gw-1");

        FeatureInfo feature = holder.acquire(instance, "sensors", null, REPO);

        assertEquals("sensors/1.0.0", feature.id());
        assertEquals(Set.of("sensors/1.0.0"), karaf.required);
        assertEquals(List.of("sensors/1.0.0"), holder.installed());
        assertEquals(List.of(REPO), holder.addedRepositories());
        assertTrue(saves.get() >= 2, "the record is saved before the install");
        assertEquals(Set.of("mvn:org.example/sensor/1.0.0"), instance.watched(), "the feature's bundles are watched");
        assertEquals(List.of("added features repository " + REPO, "installing feature sensors/1.0.0",
                "installed feature sensors/1.0.0"), InstanceLogs.of(instance));
    }

    @Test
    void releasesWhatItInstalledOnceNoInstanceHoldsIt() throws Exception {
        karaf.offer(REPO, "sensors", "1.0.0");
        FeatureHolder holder = holder(List.of(), List.of());
        Instance first = instance("default/gw-1");
        Instance second = instance("default/gw-2");
        holder.acquire(first, "sensors", "1.0.0", REPO);
        holder.acquire(second, "sensors", "1.0.0", REPO);
        Holding held = new Holding("x", "spec-1", List.of(), new FeatureRef("sensors", "1.0.0", REPO), null);

        holder.release(first, holding(first, held), List.of(holding(second, held)));
        assertEquals(Set.of("sensors/1.0.0"), karaf.required);
        assertTrue(InstanceLogs.of(first).contains("kept feature sensors/1.0.0: default/gw-2 still use(s) it"));

        holder.release(second, holding(second, held), List.of());

        assertEquals(Set.of(), karaf.required);
        assertEquals(Set.of(), karaf.repositories);
        assertEquals(List.of(), holder.installed());
        assertEquals(List.of(), holder.addedRepositories());
        assertTrue(InstanceLogs.of(second).containsAll(List.of("uninstalled feature sensors/1.0.0",
                "removed features repository " + REPO)), InstanceLogs.of(second).toString());
    }

    @Test
    void aFeatureThatWasThereBeforeStays() throws Exception {
        karaf.offer(REPO, "sensors", "1.0.0");
        karaf.repositories.add(REPO);
        karaf.required.add("sensors/1.0.0");
        FeatureHolder holder = holder(List.of(), List.of());
        Instance instance = instance("default/gw-1");
        holder.acquire(instance, "sensors", "1.0.0", REPO);

        holder.release(instance, holding(instance, new Holding("x", "spec-1", List.of(),
                new FeatureRef("sensors", "1.0.0", REPO), null)), List.of());

        assertEquals(Set.of("sensors/1.0.0"), karaf.required);
        assertEquals(Set.of(REPO), karaf.repositories);
        assertEquals(0, saves.get());
        assertEquals(List.of("left feature sensors/1.0.0 installed: it was there before"), InstanceLogs.of(instance));
    }

    @Test
    void anUnknownFeatureFailsWithAHint() {
        FeatureHolder holder = holder(List.of(), List.of());

        Failure failure = assertThrows(Failure.class, () -> holder.acquire(instance("default/gw-1"), "sensors", "2.0", null));

        assertEquals("feature sensors/2.0 is in none of the features repositories this node knows; "
                + "name its repository in the BundleDeployment", failure.getMessage());
    }

    @Test
    void withoutKarafFeaturesFailAndReleasingWaits() {
        FeatureHolder holder = new FeatureHolder(() -> null, null, router, List.of("sensors/1.0.0"), List.of(REPO),
                saves::incrementAndGet);
        Instance instance = instance("default/gw-1");

        Failure failure = assertThrows(Failure.class, () -> holder.acquire(instance, "sensors", null, REPO));
        holder.release(instance, Holding.nothing(instance.id()), List.of());

        assertEquals(FeatureHolder.NO_FEATURES, failure.getMessage());
        assertEquals(new Verdict(Phase.Failed, FeatureHolder.NO_FEATURES),
                holder.verdict(new FeatureRef("sensors", "1.0.0", REPO)));
        assertEquals(List.of("sensors/1.0.0"), holder.installed());
        assertEquals(List.of(REPO), holder.addedRepositories());
    }

    @Test
    void theVerdictSaysWhatIsMissing() throws Exception {
        karaf.offer(REPO, "sensors", "1.0.0");
        FeatureHolder holder = holder(List.of(), List.of());
        FeatureRef ref = new FeatureRef("sensors", "1.0.0", REPO);
        karaf.repositories.add(REPO);

        Verdict unknown = holder.verdict(new FeatureRef("other", "1.0.0", null));
        Verdict notInstalled = holder.verdict(ref);
        holder.acquire(instance("default/gw-1"), "sensors", "1.0.0", REPO);
        Verdict installed = holder.verdict(ref);

        assertEquals(Verdict.pending("feature other/1.0.0 is in none of the features repositories this node knows"), unknown);
        assertEquals(Verdict.pending("feature sensors/1.0.0 is not installed"), notInstalled);
        assertEquals(Verdict.RUNNING, installed, "a feature without bundles to start runs once installed");
    }

    private FeatureHolder holder(List<String> installed, List<String> added) {
        return new FeatureHolder(() -> karaf, null, router, installed, added, saves::incrementAndGet);
    }

    private Instance instance(String id) {
        Instance instance = new Instance(id);
        instances.put(id, instance);
        return instance;
    }

    private static Holding holding(Instance instance, Holding like) {
        return new Holding(instance.id(), like.specHash(), like.bundles(), like.feature(), like.deploymentPackage());
    }

    /** Karaf's features in memory: repositories that offer features, and the features someone asked for. */
    private static final class FakeKaraf implements Features {
        final Map<String, List<FeatureInfo>> offered = new HashMap<>();
        final Set<String> repositories = new TreeSet<>();
        final Set<String> required = new TreeSet<>();

        void offer(String repository, String name, String version, String... bundles) {
            List<FeatureBundle> featureBundles = new ArrayList<>();
            for (String location : bundles) {
                featureBundles.add(new FeatureBundle(location, false));
            }
            offered.computeIfAbsent(repository, key -> new ArrayList<>())
                    .add(new FeatureInfo(name, version, false, false, featureBundles));
        }

        @Override
        public boolean hasRepository(URI repository) {
            return repositories.contains(repository.toString());
        }

        @Override
        public void addRepository(URI repository) {
            repositories.add(repository.toString());
        }

        @Override
        public boolean removeRepositoryIfUnused(URI repository) {
            boolean used = offered.getOrDefault(repository.toString(), List.of()).stream()
                    .anyMatch(feature -> required.contains(feature.id()));
            if (!used) {
                repositories.remove(repository.toString());
            }
            return !used;
        }

        @Override
        public FeatureInfo find(String name, String version) {
            for (String repository : repositories) {
                for (FeatureInfo feature : offered.getOrDefault(repository, List.of())) {
                    if (feature.name().equals(name) && (version == null || feature.version().equals(version))) {
                        boolean asked = required.contains(feature.id());
                        return new FeatureInfo(feature.name(), feature.version(), asked, asked, feature.bundles());
                    }
                }
            }
            return null;
        }

        @Override
        public void install(String name, String version) {
            required.add(name + "/" + version);
        }

        @Override
        public void uninstall(String name, String version) {
            required.remove(name + "/" + version);
        }
    }
}
