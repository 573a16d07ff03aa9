package org.outpost.runtime.bundle.internal;

import java.io.Closeable;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LogReaderService;
import org.outpost.api.ErrorCode;
import org.outpost.api.LocalNode;
import org.outpost.api.OutpostException;
import org.outpost.runtime.bundle.internal.Features.FeatureInfo;
import org.outpost.runtime.bundle.internal.Holding.HeldPackage;
import org.outpost.workload.Assignment;
import org.outpost.workload.BundleSet;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.WorkloadRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs BundleDeployments in this node's own framework: installs an instance's bundles and starts
 * them, has Karaf's FeaturesService install its feature, or Deployment Admin its deployment package.
 *
 * <p>Bundles, features and packages are shared: what is already installed, by anyone, is used as it
 * is, and stays installed while any instance holds it. Each kind has its holder
 * ({@link BundleHolder}, {@link FeatureHolder}, {@link PackageHolder}) that uninstalls only what it
 * installed itself, once no instance holds it; the {@link OwnershipRecord} remembers that across
 * restarts, so that the runtime adopts its instances instead of installing them again. A new spec
 * is installed before the old one's leftovers go; when the new spec fails, the old bundles keep
 * running and what the attempt installed is uninstalled again.
 *
 * <p>Every change runs on the caller's thread, one at a time. Each instance's log is what the
 * runtime did with it plus the bundle events of its bundles and what those bundles log
 * ({@link BundleEventRouter}).
 */
@Component(service = WorkloadRuntime.class, property = WorkloadRuntime.NAME_PROPERTY + "=" + WorkloadRuntime.BUNDLE)
public class BundleRuntime implements WorkloadRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(BundleRuntime.class);

    @Reference
    LocalNode node;

    /** Held by apply and remove while they change the framework: one change at a time. */
    private final ReentrantLock work = new ReentrantLock();
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final BundleEventRouter router = new BundleEventRouter(instances::values, instances::get);
    /** Bound by DS possibly before activation. */
    private final FeaturesServiceSlot featuresService = new FeaturesServiceSlot();
    // set in activate, before anyone gets the service
    private BundleContext context;
    private OwnershipRecord record;
    private BundleHolder bundles;
    private FeatureHolder features;
    private PackageHolder packages;

    @Activate
    void activate(BundleContext bundleContext) {
        activate(bundleContext, node);
    }

    /** Starts the runtime in {@code bundleContext}'s framework, with {@code localNode}'s data directory. */
    void activate(BundleContext bundleContext, LocalNode localNode) {
        this.node = localNode;
        this.context = bundleContext;
        featuresService.open(bundleContext);
        record = new OwnershipRecord(localNode.dataDir().resolve("agent").resolve("bundle-runtime.json"));
        work.lock();
        try {
            RuntimeRecord saved = record.load();
            FrameworkBundles framework = new FrameworkBundles(bundleContext);
            bundles = new BundleHolder(framework, saved.installedBundles(), this::save);
            features = new FeatureHolder(featuresService::get, framework, router, saved.installedFeatures(),
                    saved.addedRepositories(), this::save);
            packages = new PackageHolder(bundleContext, saved.installedPackages(), this::save);
            adopt(saved);
        } finally {
            work.unlock();
        }
        bundleContext.addBundleListener(router);
        LOG.info("Bundle runtime of node {} holds {} instance(s)", localNode.name(), instances.size());
    }

    /** The log service, when the framework has one: what an instance's bundles log goes to the instance's log. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLogReader(LogReaderService reader) {
        reader.addLogListener(router.logRelay());
    }

    void removeLogReader(LogReaderService reader) {
        reader.removeLogListener(router.logRelay());
    }

    /** What this runtime installed stays: the next activation adopts it. */
    @Deactivate
    void deactivate() {
        try {
            context.removeBundleListener(router);
        } catch (IllegalStateException e) {
            LOG.debug("The framework is stopping: {}", e.getMessage());
        }
        featuresService.close();
        instances.values().forEach(instance -> instance.log().close());
    }

    @Reference(name = "featuresService", service = FeaturesService.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, unbind = "unbindFeaturesService")
    void bindFeaturesService(ServiceReference<?> reference) {
        featuresService.bind(reference);
        // feature instances that failed for want of it need not wait for their next retry
        instances.values().forEach(Instance::retrySoon);
    }

    void unbindFeaturesService(ServiceReference<?> reference) {
        featuresService.unbind(reference);
    }

    @Override
    public String name() {
        return BUNDLE;
    }

    /** The framework is always there. */
    @Override
    public boolean available() {
        return true;
    }

    @Override
    public String problem() {
        return null;
    }

    @Override
    public InstanceStatus apply(Assignment assignment) {
        work.lock();
        try {
            Instance instance = instances.computeIfAbsent(assignment.id(), Instance::new);
            if (!instance.dueFor(assignment.specHash(), Instant.now())) {
                return instance.lastStatus();
            }
            String invalid = BundleSets.invalid(assignment);
            if (invalid != null) {
                return instance.failed(invalid);
            }
            try {
                Holding holding = instance.holding();
                if (!holding.holdsNothing() && Objects.equals(assignment.specHash(), holding.specHash())) {
                    keep(instance);
                } else {
                    change(instance, assignment);
                }
                return instance.succeeded(verdict(instance.holding()));
            } catch (Failure failure) {
                LOG.warn("Bundle workload instance {} failed: {}", assignment.id(), failure.getMessage());
                return instance.failed(failure.getMessage());
            } catch (RuntimeException e) {
                LOG.error("The bundle runtime failed on {}", assignment.id(), e);
                return instance.failed("the bundle runtime failed: " + e);
            }
        } finally {
            work.unlock();
        }
    }

    @Override
    public void remove(String id) {
        work.lock();
        try {
            Instance instance = instances.get(id);
            if (instance == null) {
                return;
            }
            Holding before = instance.holding();
            instance.note("removing");
            instance.hold(Holding.nothing(id));
            release(instance, before);
            instances.remove(id);
            router.rewatch();
            save();
            instance.log().close();
            LOG.info("Removed bundle workload instance {}", id);
        } finally {
            work.unlock();
        }
    }

    @Override
    public List<InstanceStatus> instances() {
        return instances.values().stream()
                .sorted(Comparator.comparing(Instance::id))
                .map(instance -> instance.settle(verdict(instance.holding())))
                .toList();
    }

    @Override
    public Closeable logs(String id, int tailLines, boolean follow, Consumer<String> lines) {
        Instance instance = instances.get(id);
        if (instance == null) {
            throw new OutpostException(ErrorCode.NOT_FOUND,
                    "there is no bundle workload instance " + id + " on node " + node.name());
        }
        return instance.log().send(tailLines, follow, lines);
    }

    /** Installs what the new spec needs, then lets go of what only the old one needed. */
    private void change(Instance instance, Assignment assignment) throws Failure {
        Holding before = instance.holding();
        BundleSet set = assignment.bundles();
        List<String> locations = set.bundles().stream().map(String::trim).distinct().toList();
        FeatureRef feature = set.feature();
        String packageUrl = BundleSets.blankToNull(set.deploymentPackage());
        instance.working((before.holdsNothing() ? "installing " : "changing to ")
                + (packageUrl != null ? "deployment package " + packageUrl : BundleSets.summary(locations, feature)));
        instance.note("spec " + assignment.specHash() + ": "
                + (packageUrl != null ? packageUrl : BundleSets.details(locations, feature)));
        // the old bundles stay watched until they are let go, so that their uninstalls are logged
        router.watch(instance, Holding.union(before.bundles(), locations));
        try {
            FeatureRef held = null;
            if (feature != null) {
                String repository = BundleSets.blankToNull(feature.repository());
                FeatureInfo installed = features.acquire(instance, feature.name().trim(),
                        BundleSets.blankToNull(feature.version()), repository);
                held = new FeatureRef(installed.name(), installed.version(), repository);
            }
            bundles.acquire(locations);
            HeldPackage heldPackage = packageUrl == null ? null
                    : packages.acquire(instance, packageUrl, before.deploymentPackage());
            instance.hold(new Holding(instance.id(), assignment.specHash(), locations, held, heldPackage));
            save();
        } finally {
            // after success: what the old spec had and the new one has not; after a failure: what this attempt added
            release(instance, before);
            router.watch(instance, features.watchedLocations(instance.holding()));
        }
    }

    /** Puts back what someone else stopped or uninstalled; does nothing when all is in place. */
    private void keep(Instance instance) throws Failure {
        Holding holding = instance.holding();
        if (holding.feature() != null) {
            FeatureRef feature = holding.feature();
            features.acquire(instance, feature.name(), feature.version(), feature.repository());
        }
        bundles.acquire(holding.bundles());
        if (holding.deploymentPackage() != null) {
            packages.keep(instance, holding.deploymentPackage());
        }
    }

    /**
     * Each holder uninstalls what it installed and no instance holds any more; {@code releasing},
     * which held {@code before}, is told why what it let go of stays.
     */
    private void release(Instance releasing, Holding before) {
        List<Holding> holdings = holdings();
        bundles.release(releasing, before, holdings);
        features.release(releasing, before, holdings);
        packages.release(releasing, before, holdings);
        save();
    }

    /** How the instance's bundles, feature or package are doing in the framework now. */
    private Verdict verdict(Holding holding) {
        if (holding.holdsNothing()) {
            return Verdict.pending("nothing is installed yet");
        }
        if (holding.deploymentPackage() != null) {
            return packages.verdict(holding.deploymentPackage());
        }
        Verdict verdict = bundles.verdict(holding.bundles());
        if (!verdict.running() || holding.feature() == null) {
            return verdict;
        }
        return features.verdict(holding.feature());
    }

    /** Instances in the record are adopted as they are, without touching the framework. */
    private void adopt(RuntimeRecord saved) {
        boolean settled = bundles.settleClaims();
        for (Holding holding : saved.instances()) {
            Instance instance = new Instance(holding);
            instance.note("adopted from " + record.path() + ": spec " + holding.specHash() + ", "
                    + BundleSets.details(holding.bundles(), holding.feature()));
            instance.watch(Set.copyOf(holding.bundles()));
            instances.put(holding.id(), instance);
        }
        router.rewatch();
        if (settled) {
            save();
        }
    }

    private List<Holding> holdings() {
        return instances.values().stream().map(Instance::holding).toList();
    }

    private void save() {
        record.save(holdings(), bundles, features, packages);
    }
}
