package org.outpost.runtime.bundle.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
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
import org.outpost.api.kura.DeploymentPackages;
import org.outpost.api.kura.PackageBundle;
import org.outpost.api.kura.PackageInfo;
import org.outpost.runtime.bundle.internal.Holding.HeldPackage;
import org.outpost.runtime.bundle.internal.Features.FeatureBundle;
import org.outpost.runtime.bundle.internal.Features.FeatureInfo;
import org.outpost.workload.Assignment;
import org.outpost.workload.BundleSet;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.InstanceStatus.Phase;
import org.outpost.workload.Kind;
import org.outpost.workload.WorkloadRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs BundleDeployments in this node's own framework: installs an instance's bundles and starts
 * them, or has Karaf's FeaturesService install its feature.
 *
 * <p>Bundles and features are shared: a location already installed, by anyone, is used as it is,
 * and stays installed while any instance holds it. The runtime uninstalls only what it installed
 * itself, once no instance holds it, and remembers what that is in
 * {@code <data-dir>/agent/bundle-runtime.json}, so that after a restart of the agent or of the
 * framework it adopts its instances instead of installing them again. A new spec is installed
 * before the old one's leftovers go; when the new spec fails, the old bundles keep running and
 * what the attempt installed is uninstalled again.
 *
 * <p>Every change runs on the caller's thread, one at a time. Each instance's log is what the
 * runtime did with it plus the bundle events of its bundles and what those bundles log.
 */
@Component(service = WorkloadRuntime.class, property = WorkloadRuntime.NAME_PROPERTY + "=" + WorkloadRuntime.BUNDLE)
public class BundleRuntime implements WorkloadRuntime {
    static final String NO_FEATURES = "features need Karaf's FeaturesService, which this node does not have";
    private static final Logger LOG = LoggerFactory.getLogger(BundleRuntime.class);

    @Reference
    LocalNode node;

    /** Held by apply and remove while they change the framework: one change at a time. */
    private final ReentrantLock work = new ReentrantLock();
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    // guarded by work; what the record says this runtime installed itself
    private final Map<String, Long> installedBundles = new TreeMap<>();
    private final Set<String> installedFeatures = new TreeSet<>();
    private final Set<String> addedRepositories = new TreeSet<>();
    private final Set<String> installedPackages = new TreeSet<>();
    /** Bundle location → ids of the instances whose logs get its events; read on the framework's threads. */
    private volatile Map<String, Set<String>> watchers = Map.of();

    private final Object featuresLock = new Object();
    // guarded by featuresLock
    private ServiceReference<?> featuresReference;
    private Features features;

    private final SynchronousBundleListener events = this::bundleChanged;
    private final BundleLogRelay logRelay = new BundleLogRelay(location -> watchers.get(location), (id, line) -> {
        Instance instance = instances.get(id);
        if (instance != null) {
            instance.note(line);
        }
    });
    // set in activate, before anyone gets the service
    private BundleContext context;
    private FrameworkBundles bundles;
    private RecordFile record;

    @Activate
    void activate(BundleContext bundleContext) {
        activate(bundleContext, node);
    }

    /** Starts the runtime in {@code bundleContext}'s framework, with {@code localNode}'s data directory. */
    void activate(BundleContext bundleContext, LocalNode localNode) {
        this.node = localNode;
        this.context = bundleContext;
        this.bundles = new FrameworkBundles(bundleContext);
        this.record = new RecordFile(localNode.dataDir().resolve("agent").resolve("bundle-runtime.json"));
        work.lock();
        try {
            load();
        } finally {
            work.unlock();
        }
        bundleContext.addBundleListener(events);
        LOG.info("Bundle runtime of node {} holds {} instance(s)", localNode.name(), instances.size());
    }

    /** The log service, when the framework has one: what an instance's bundles log goes to the instance's log. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLogReader(LogReaderService reader) {
        reader.addLogListener(logRelay);
    }

    void removeLogReader(LogReaderService reader) {
        reader.removeLogListener(logRelay);
    }

    /** What this runtime installed stays: the next activation adopts it. */
    @Deactivate
    void deactivate() {
        try {
            context.removeBundleListener(events);
        } catch (IllegalStateException e) {
            LOG.debug("The framework is stopping: {}", e.getMessage());
        }
        synchronized (featuresLock) {
            forgetFeaturesService();
        }
        instances.values().forEach(instance -> instance.log().close());
    }

    @Reference(name = "featuresService", service = FeaturesService.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, unbind = "unbindFeaturesService")
    void bindFeaturesService(ServiceReference<?> reference) {
        synchronized (featuresLock) {
            forgetFeaturesService();
            featuresReference = reference;
        }
        // feature instances that failed for want of it need not wait for their next retry
        instances.values().forEach(Instance::retrySoon);
    }

    void unbindFeaturesService(ServiceReference<?> reference) {
        synchronized (featuresLock) {
            if (reference.equals(featuresReference)) {
                forgetFeaturesService();
                featuresReference = null;
            }
        }
    }

    /** For the tests: what the runtime uses instead of Karaf's FeaturesService. */
    void useFeatures(Features replacement) {
        synchronized (featuresLock) {
            features = replacement;
        }
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
            String invalid = invalid(assignment);
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
            rewatch();
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
        String packageUrl = blankToNull(set.deploymentPackage());
        instance.working((before.holdsNothing() ? "installing " : "changing to ")
                + (packageUrl != null ? "deployment package " + packageUrl : summary(locations, feature)));
        instance.note("spec " + assignment.specHash() + ": " + (packageUrl != null ? packageUrl : details(locations, feature)));
        // the old bundles stay watched until they are let go, so that their uninstalls are logged
        watch(instance, Holding.union(before.bundles(), locations));
        try {
            FeatureRef held = null;
            if (feature != null) {
                String repository = blankToNull(feature.repository());
                FeatureInfo installed = acquireFeature(instance, feature.name().trim(), blankToNull(feature.version()),
                        repository);
                held = new FeatureRef(installed.name(), installed.version(), repository);
            }
            acquireBundles(instance, locations);
            HeldPackage heldPackage = packageUrl == null ? null : acquirePackage(instance, packageUrl, before.deploymentPackage());
            instance.hold(new Holding(instance.id(), assignment.specHash(), locations, held, heldPackage));
            save();
        } finally {
            // after success: what the old spec had and the new one has not; after a failure: what this attempt added
            release(instance, before);
            watch(instance, watchedLocations(instance.holding()));
        }
    }

    /** Puts back what someone else stopped or uninstalled; does nothing when all is in place. */
    private void keep(Instance instance) throws Failure {
        Holding holding = instance.holding();
        if (holding.feature() != null) {
            FeatureRef feature = holding.feature();
            acquireFeature(instance, feature.name(), feature.version(), feature.repository());
        }
        acquireBundles(instance, holding.bundles());
        HeldPackage held = holding.deploymentPackage();
        if (held != null && packages().get(held.name()).filter(p -> p.version().equals(held.version())).isEmpty()) {
            instance.note("deployment package " + held.name() + " " + held.version() + " is gone; installing it again");
            acquirePackage(instance, held.url(), null);
        }
    }

    /**
     * Installs the package at {@code url} through Deployment Admin, unless {@code current} came from
     * the same URL and is still installed. Remembers packages that were not there before as ours.
     */
    private HeldPackage acquirePackage(Instance instance, String url, HeldPackage current) throws Failure {
        DeploymentPackages service = packages();
        if (current != null && current.url().equals(url)
                && service.get(current.name()).filter(p -> p.version().equals(current.version())).isPresent()) {
            return current;
        }
        Set<String> present = new HashSet<>();
        service.list().forEach(p -> present.add(p.name()));
        PackageInfo installed;
        try {
            installed = service.install(new URI(url));
        } catch (URISyntaxException e) {
            throw new Failure("deployment package URL " + url + " is not a URI: " + e.getMessage());
        } catch (OutpostException e) {
            throw new Failure("cannot install deployment package " + url + ": " + e.getMessage());
        }
        if (!present.contains(installed.name())) {
            installedPackages.add(installed.name());
            save();
        }
        instance.note("installed deployment package " + installed.name() + " " + installed.version() + " from " + url);
        return new HeldPackage(url, installed.name(), installed.version());
    }

    /** The node's deployment packages; a Failure when Deployment Admin is not there. */
    private DeploymentPackages packages() throws Failure {
        ServiceReference<DeploymentPackages> reference = context.getServiceReference(DeploymentPackages.class);
        DeploymentPackages service = reference == null ? null : context.getService(reference);
        if (service == null) {
            throw new Failure("deployment packages need Deployment Admin on this node (feature outpost-kura)");
        }
        context.ungetService(reference);
        return service;
    }

    private void acquireBundles(Instance instance, List<String> locations) throws Failure {
        List<String> missing = locations.stream().filter(location -> bundles.find(location) == null).toList();
        if (!missing.isEmpty()) {
            // claimed before installing: should this JVM die half-way, the next start knows they are ours
            missing.forEach(location -> installedBundles.put(location, RuntimeRecord.CLAIMED));
            save();
        }
        List<Bundle> set = new ArrayList<>();
        try {
            for (String location : locations) {
                Bundle bundle = bundles.find(location);
                if (bundle == null) {
                    bundle = bundles.install(location);
                    installedBundles.put(location, bundle.getBundleId());
                }
                set.add(bundle);
            }
        } finally {
            if (!missing.isEmpty()) {
                save();
            }
        }
        bundles.startAll(set);
    }

    /** Makes sure the feature is installed, adding its repository first when it is new here. */
    private FeatureInfo acquireFeature(Instance instance, String name, String version, String repository) throws Failure {
        Features karaf = features();
        if (karaf == null) {
            throw new Failure(NO_FEATURES);
        }
        String asked = "feature " + name + (version == null ? "" : "/" + version);
        if (repository != null) {
            addRepository(instance, karaf, repository);
        }
        FeatureInfo feature;
        try {
            feature = karaf.find(name, version);
        } catch (Exception e) {
            throw new Failure("cannot look up " + asked + ": " + FrameworkBundles.message(e));
        }
        if (feature == null) {
            throw new Failure(asked + " is in none of the features repositories this node knows"
                    + (repository == null ? "; name its repository in the BundleDeployment" : ""));
        }
        watch(instance, Holding.union(List.copyOf(instance.watched()), locationsOf(feature)));
        if (!feature.required()) {
            installedFeatures.add(feature.id());
            save();
            instance.note("installing feature " + feature.id());
            try {
                karaf.install(feature.name(), feature.version());
            } catch (Exception e) {
                throw new Failure("cannot install feature " + feature.id() + ": " + FrameworkBundles.message(e));
            }
            instance.note("installed feature " + feature.id());
        }
        return feature;
    }

    private void addRepository(Instance instance, Features karaf, String repository) throws Failure {
        URI uri;
        try {
            uri = new URI(repository);
        } catch (URISyntaxException e) {
            throw new Failure("features repository " + repository + " is not a URI: " + e.getMessage());
        }
        try {
            if (!karaf.hasRepository(uri)) {
                karaf.addRepository(uri);
                addedRepositories.add(repository);
                save();
                instance.note("added features repository " + repository);
            }
        } catch (Exception e) {
            throw new Failure("cannot add features repository " + repository + ": " + FrameworkBundles.message(e));
        }
    }

    /**
     * Uninstalls every bundle and feature this runtime installed that no instance holds any more, and
     * removes the repositories it added that nothing needs; tells {@code releasing}, which held
     * {@code before}, why what it let go of stays.
     */
    private void release(Instance releasing, Holding before) {
        Map<String, List<String>> users = bundleUsers();
        for (String location : before.bundles()) {
            List<String> others = users.getOrDefault(location, List.of());
            if (others.contains(releasing.id())) {
                continue;
            }
            if (!others.isEmpty()) {
                releasing.note("kept " + location + ": " + String.join(", ", others) + " still use(s) it");
            } else if (!installedBundles.containsKey(location)) {
                releasing.note("left " + location + " installed: it was there before");
            }
        }
        List<Bundle> uninstalled = new ArrayList<>();
        for (Iterator<Map.Entry<String, Long>> owned = installedBundles.entrySet().iterator(); owned.hasNext();) {
            Map.Entry<String, Long> entry = owned.next();
            if (users.containsKey(entry.getKey())) {
                continue;
            }
            Bundle bundle = bundles.find(entry.getKey());
            if (bundle == null) {
                owned.remove();
                continue;
            }
            if (entry.getValue() != RuntimeRecord.CLAIMED && bundle.getBundleId() != entry.getValue()) {
                LOG.info("{} was uninstalled and installed again by someone else; leaving it", entry.getKey());
                owned.remove();
                continue;
            }
            try {
                bundle.uninstall();
                uninstalled.add(bundle);
                owned.remove();
            } catch (IllegalStateException e) {
                owned.remove(); // uninstalled meanwhile
            } catch (BundleException e) {
                LOG.warn("Cannot uninstall {} yet: {}", FrameworkBundles.describe(bundle), e.getMessage());
            }
        }
        bundles.refresh(uninstalled);
        releaseFeatures(releasing, before);
        releasePackages(releasing, before);
        save();
    }

    /** Uninstalls the packages this runtime installed that no instance holds any more. */
    private void releasePackages(Instance releasing, Holding before) {
        Set<String> held = new HashSet<>();
        instances.values().forEach(instance -> {
            if (instance.holding().packageName() != null) held.add(instance.holding().packageName());
        });
        String letGo = before.packageName();
        if (letGo != null && !held.contains(letGo) && !installedPackages.contains(letGo)) {
            releasing.note("left deployment package " + letGo + " installed: it was there before");
        }
        List<String> unused = installedPackages.stream().filter(name -> !held.contains(name)).toList();
        if (unused.isEmpty()) {
            return;
        }
        DeploymentPackages service;
        try {
            service = packages();
        } catch (Failure e) {
            LOG.warn("Deployment package(s) {} wait for Deployment Admin to be removed", unused);
            return;
        }
        for (String name : unused) {
            try {
                if (service.get(name).isPresent()) {
                    service.uninstall(name);
                    releasing.note("uninstalled deployment package " + name);
                }
                installedPackages.remove(name);
            } catch (OutpostException e) {
                LOG.warn("Cannot uninstall deployment package {} yet: {}", name, e.getMessage());
            }
        }
    }

    private void releaseFeatures(Instance releasing, Holding before) {
        Map<String, List<String>> featureUsers = new HashMap<>();
        Set<String> neededRepositories = new HashSet<>();
        for (Instance instance : instances.values()) {
            Holding holding = instance.holding();
            if (holding.feature() != null) {
                featureUsers.computeIfAbsent(holding.featureId(), id -> new ArrayList<>()).add(instance.id());
                if (holding.feature().repository() != null) {
                    neededRepositories.add(holding.feature().repository());
                }
            }
        }
        String letGo = before.featureId();
        if (letGo != null && !featureUsers.getOrDefault(letGo, List.of()).contains(releasing.id())) {
            if (featureUsers.containsKey(letGo)) {
                releasing.note("kept feature " + letGo + ": " + String.join(", ", featureUsers.get(letGo)) + " still use(s) it");
            } else if (!installedFeatures.contains(letGo)) {
                releasing.note("left feature " + letGo + " installed: it was there before");
            }
        }
        List<String> unusedFeatures = installedFeatures.stream().filter(id -> !featureUsers.containsKey(id)).toList();
        List<String> unusedRepositories = addedRepositories.stream().filter(uri -> !neededRepositories.contains(uri)).toList();
        if (unusedFeatures.isEmpty() && unusedRepositories.isEmpty()) {
            return;
        }
        Features karaf = features();
        if (karaf == null) {
            LOG.warn("Feature(s) {} and repositories {} wait for Karaf's FeaturesService to be removed",
                    unusedFeatures, unusedRepositories);
            return;
        }
        for (String id : unusedFeatures) {
            int slash = id.lastIndexOf('/');
            String name = id.substring(0, slash);
            String version = id.substring(slash + 1);
            try {
                FeatureInfo feature = karaf.find(name, version);
                if (feature != null && feature.required()) {
                    karaf.uninstall(name, version);
                    releasing.note("uninstalled feature " + id);
                }
                installedFeatures.remove(id);
            } catch (Exception e) {
                LOG.warn("Cannot uninstall feature {} yet: {}", id, FrameworkBundles.message(e));
            }
        }
        for (String repository : unusedRepositories) {
            try {
                if (karaf.removeRepositoryIfUnused(new URI(repository))) {
                    addedRepositories.remove(repository);
                    releasing.note("removed features repository " + repository);
                }
            } catch (Exception e) {
                LOG.warn("Cannot remove features repository {} yet: {}", repository, FrameworkBundles.message(e));
            }
        }
    }

    /** Location → ids of the instances that hold it. */
    private Map<String, List<String>> bundleUsers() {
        Map<String, List<String>> users = new HashMap<>();
        for (Instance instance : instances.values()) {
            for (String location : instance.holding().bundles()) {
                users.computeIfAbsent(location, key -> new ArrayList<>()).add(instance.id());
            }
        }
        users.values().forEach(ids -> ids.sort(null));
        return users;
    }

    /** How the instance's bundles and feature are doing in the framework now. */
    private Verdict verdict(Holding holding) {
        if (holding.holdsNothing()) {
            return Verdict.pending("nothing is installed yet");
        }
        if (holding.deploymentPackage() != null) {
            return packageVerdict(holding.deploymentPackage());
        }
        Verdict verdict = bundles.verdict(holding.bundles());
        if (!verdict.running() || holding.feature() == null) {
            return verdict;
        }
        return featureVerdict(holding.feature());
    }

    private Verdict packageVerdict(HeldPackage held) {
        Optional<PackageInfo> installed;
        try {
            installed = packages().get(held.name());
        } catch (Failure e) {
            return new Verdict(Phase.Failed, e.getMessage());
        }
        if (installed.isEmpty() || !installed.get().version().equals(held.version())) {
            return Verdict.pending("deployment package " + held.name() + " " + held.version() + " is not installed");
        }
        for (PackageBundle bundle : installed.get().bundles()) {
            Bundle framework = context.getBundle(bundle.id());
            Verdict verdict = framework == null ? Verdict.pending(bundle.symbolicName() + " is not installed")
                    : FrameworkBundles.verdict(framework);
            if (!verdict.running()) {
                return Verdict.pending(verdict.reason() + " (deployment package " + held.name() + ")");
            }
        }
        return Verdict.RUNNING;
    }

    private Verdict featureVerdict(FeatureRef held) {
        Features karaf = features();
        if (karaf == null) {
            return new Verdict(Phase.Failed, NO_FEATURES);
        }
        String id = held.name() + "/" + held.version();
        try {
            FeatureInfo feature = karaf.find(held.name(), held.version());
            if (feature == null) {
                return Verdict.pending("feature " + id + " is in none of the features repositories this node knows");
            }
            if (!feature.installed()) {
                return Verdict.pending("feature " + id + " is not installed");
            }
            for (FeatureBundle featureBundle : feature.bundles()) {
                Bundle bundle = featureBundle.start() ? bundles.find(featureBundle.location()) : null;
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

    /** The bundle events of these locations go to the instance's log. */
    private void watch(Instance instance, Collection<String> locations) {
        Set<String> next = Set.copyOf(locations);
        if (!next.equals(instance.watched())) {
            instance.watch(next);
            rewatch();
        }
    }

    private void rewatch() {
        Map<String, Set<String>> next = new HashMap<>();
        for (Instance instance : instances.values()) {
            for (String location : instance.watched()) {
                next.computeIfAbsent(location, key -> new TreeSet<>()).add(instance.id());
            }
        }
        Map<String, Set<String>> frozen = new HashMap<>();
        next.forEach((location, ids) -> frozen.put(location, Set.copyOf(ids)));
        watchers = Map.copyOf(frozen);
    }

    private List<String> watchedLocations(Holding holding) {
        if (holding.feature() == null) {
            return holding.bundles();
        }
        Features karaf = features();
        try {
            FeatureInfo feature = karaf == null ? null : karaf.find(holding.feature().name(), holding.feature().version());
            return feature == null ? holding.bundles() : Holding.union(holding.bundles(), locationsOf(feature));
        } catch (Exception e) {
            return holding.bundles();
        }
    }

    private static List<String> locationsOf(FeatureInfo feature) {
        return feature.bundles().stream().map(FeatureBundle::location).toList();
    }

    /** Runs on the thread that changed the bundle, possibly holding framework locks: only appends log lines. */
    private void bundleChanged(BundleEvent event) {
        Set<String> ids = watchers.get(event.getBundle().getLocation());
        String happened = happened(event);
        if (ids == null || happened == null) {
            return;
        }
        String line = "bundle " + FrameworkBundles.describe(event.getBundle()) + " " + happened;
        for (String id : ids) {
            Instance instance = instances.get(id);
            if (instance != null) {
                instance.note(line);
            }
        }
    }

    private static String happened(BundleEvent event) {
        return switch (event.getType()) {
            case BundleEvent.INSTALLED -> "installed from " + event.getBundle().getLocation();
            case BundleEvent.RESOLVED -> "resolved";
            case BundleEvent.STARTED -> "started";
            case BundleEvent.STOPPED -> "stopped";
            case BundleEvent.UPDATED -> "updated";
            case BundleEvent.UNRESOLVED -> "unresolved";
            case BundleEvent.UNINSTALLED -> "uninstalled";
            default -> null; // starting, stopping, lazy activation: the next event says how that ended
        };
    }

    /** Reads the record; instances in it are adopted as they are, without touching the framework. */
    private void load() {
        RuntimeRecord saved;
        try {
            saved = record.read();
        } catch (IOException e) {
            saved = RuntimeRecord.EMPTY;
            setAsideUnreadableRecord(e);
        }
        installedBundles.putAll(saved.installedBundles());
        installedFeatures.addAll(saved.installedFeatures());
        addedRepositories.addAll(saved.addedRepositories());
        installedPackages.addAll(saved.installedPackages());
        boolean settled = settleClaims();
        for (Holding holding : saved.instances()) {
            Instance instance = new Instance(holding);
            instance.note("adopted from " + record.path() + ": spec " + holding.specHash() + ", "
                    + details(holding.bundles(), holding.feature()));
            instance.watch(Set.copyOf(holding.bundles()));
            instances.put(holding.id(), instance);
        }
        rewatch();
        if (settled) {
            save();
        }
    }

    /**
     * Installs cut short by a crash: what is at a claimed location was installed by this runtime;
     * a claimed location with nothing there is no longer claimed.
     *
     * @return whether there were any
     */
    private boolean settleClaims() {
        boolean any = false;
        for (Iterator<Map.Entry<String, Long>> owned = installedBundles.entrySet().iterator(); owned.hasNext();) {
            Map.Entry<String, Long> entry = owned.next();
            if (entry.getValue() == RuntimeRecord.CLAIMED) {
                any = true;
                Bundle bundle = bundles.find(entry.getKey());
                if (bundle == null) {
                    owned.remove();
                } else {
                    entry.setValue(bundle.getBundleId());
                }
            }
        }
        return any;
    }

    private void setAsideUnreadableRecord(IOException e) {
        LOG.error("Cannot read {} ({}); bundles installed before are used as they are but never uninstalled",
                record.path(), e.getMessage());
        try {
            Path aside = record.setAside();
            LOG.error("The unreadable record is kept as {}", aside);
        } catch (IOException moving) {
            LOG.error("Cannot move the unreadable record {} aside: {}", record.path(), moving.getMessage());
        }
    }

    private void save() {
        List<Holding> held = instances.values().stream()
                .map(Instance::holding)
                .filter(holding -> !holding.holdsNothing())
                .sorted(Comparator.comparing(Holding::id))
                .toList();
        try {
            record.write(new RuntimeRecord(held, installedBundles, List.copyOf(installedFeatures),
                    List.copyOf(addedRepositories), List.copyOf(installedPackages)));
        } catch (IOException e) {
            LOG.error("Cannot write {}: {}; after a restart this runtime may not know what it installed",
                    record.path(), e.getMessage());
        }
    }

    /** Karaf's FeaturesService, taken on first use after it is bound; null without one. */
    private Features features() {
        synchronized (featuresLock) {
            if (features == null && featuresReference != null && context != null) {
                Object service = context.getService(featuresReference);
                if (service != null) {
                    features = KarafFeatures.over(service);
                }
            }
            return features;
        }
    }

    // guarded by featuresLock
    private void forgetFeaturesService() {
        if (features != null && featuresReference != null && context != null) {
            try {
                context.ungetService(featuresReference);
            } catch (IllegalStateException e) {
                LOG.debug("The framework is stopping: {}", e.getMessage());
            }
        }
        features = null;
    }

    private static String invalid(Assignment assignment) {
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
    private static String summary(List<String> locations, FeatureRef feature) {
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
    private static String details(List<String> locations, FeatureRef feature) {
        List<String> parts = new ArrayList<>(locations);
        if (feature != null) {
            parts.add(featureName(feature) + (feature.repository() == null ? "" : " from " + feature.repository()));
        }
        return String.join(", ", parts);
    }

    private static String featureName(FeatureRef feature) {
        return "feature " + feature.name() + (blankToNull(feature.version()) == null ? "" : "/" + feature.version());
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
