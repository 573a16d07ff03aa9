package org.outpost.runtime.bundle.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.outpost.api.OutpostException;
import org.outpost.api.kura.DeploymentPackages;
import org.outpost.api.kura.PackageBundle;
import org.outpost.api.kura.PackageInfo;
import org.outpost.runtime.bundle.internal.Holding.HeldPackage;
import org.outpost.workload.InstanceStatus.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment packages of the instances, through the node's {@link DeploymentPackages} (Deployment
 * Admin): installs the package an instance names, installs it again when someone removed it, and
 * uninstalls the packages it installed itself once no instance holds them.
 *
 * <p>The service is got for each use and ungot after it, never called once ungot. Used under the
 * runtime's lock only.
 */
final class PackageHolder {
    static final String NO_DEPLOYMENT_ADMIN = "deployment packages need Deployment Admin on this node (feature outpost-kura)";
    private static final Logger LOG = LoggerFactory.getLogger(PackageHolder.class);

    private final BundleContext context;
    /** Names of the packages this holder installed. */
    private final Set<String> installed;
    private final Runnable recordChanged;

    /** What is done with the service while it is held. */
    @FunctionalInterface
    private interface Use<T> {
        T with(DeploymentPackages service) throws Failure;
    }

    /**
     * @param installed names of the packages the record says this runtime installed
     * @param recordChanged saves the ownership record
     */
    PackageHolder(BundleContext context, Collection<String> installed, Runnable recordChanged) {
        this.context = context;
        this.installed = new TreeSet<>(installed);
        this.recordChanged = recordChanged;
    }

    /** The packages this holder installed, for the record. */
    List<String> installed() {
        return List.copyOf(installed);
    }

    /**
     * Installs the package at {@code url}, unless {@code current} came from the same URL and is
     * still installed. Remembers a package that was not there before as ours.
     */
    HeldPackage acquire(Instance instance, String url, HeldPackage current) throws Failure {
        return using(service -> {
            if (current != null && current.url().equals(url) && isInstalled(service, current)) {
                return current;
            }
            Set<String> present = new HashSet<>();
            service.list().forEach(p -> present.add(p.name()));
            PackageInfo info;
            try {
                info = service.install(new URI(url));
            } catch (URISyntaxException e) {
                throw new Failure("deployment package URL " + url + " is not a URI: " + e.getMessage());
            } catch (OutpostException e) {
                throw new Failure("cannot install deployment package " + url + ": " + e.getMessage());
            }
            if (!present.contains(info.name())) {
                installed.add(info.name());
                recordChanged.run();
            }
            instance.note("installed deployment package " + info.name() + " " + info.version() + " from " + url);
            return new HeldPackage(url, info.name(), info.version());
        });
    }

    /** Puts the held package back when someone removed it or installed another version. */
    void keep(Instance instance, HeldPackage held) throws Failure {
        if (using(service -> isInstalled(service, held))) {
            return;
        }
        instance.note("deployment package " + held.name() + " " + held.version() + " is gone; installing it again");
        acquire(instance, held.url(), null);
    }

    /**
     * Uninstalls the packages this holder installed that none of {@code holdings} holds; tells
     * {@code releasing}, which held {@code before}, when the package it let go of stays.
     */
    void release(Instance releasing, Holding before, Collection<Holding> holdings) {
        Set<String> held = new HashSet<>();
        holdings.forEach(holding -> {
            if (holding.packageName() != null) {
                held.add(holding.packageName());
            }
        });
        String letGo = before.packageName();
        if (letGo != null && !held.contains(letGo) && !installed.contains(letGo)) {
            releasing.note("left deployment package " + letGo + " installed: it was there before");
        }
        List<String> unused = installed.stream().filter(name -> !held.contains(name)).toList();
        if (unused.isEmpty()) {
            return;
        }
        try {
            using(service -> {
                for (String name : unused) {
                    try {
                        if (service.get(name).isPresent()) {
                            service.uninstall(name);
                            releasing.note("uninstalled deployment package " + name);
                        }
                        installed.remove(name);
                    } catch (OutpostException e) {
                        LOG.warn("Cannot uninstall deployment package {} yet: {}", name, e.getMessage());
                    }
                }
                return null;
            });
        } catch (Failure e) {
            LOG.warn("Deployment package(s) {} wait for Deployment Admin to be removed", unused);
        }
    }

    /** Running when the package is installed in the held version and its bundles are active; else why not. */
    Verdict verdict(HeldPackage held) {
        Optional<PackageInfo> info;
        try {
            info = using(service -> service.get(held.name()));
        } catch (Failure e) {
            return new Verdict(Phase.Failed, e.getMessage());
        }
        if (info.isEmpty() || !info.get().version().equals(held.version())) {
            return Verdict.pending("deployment package " + held.name() + " " + held.version() + " is not installed");
        }
        for (PackageBundle bundle : info.get().bundles()) {
            Bundle framework = context.getBundle(bundle.id());
            Verdict verdict = framework == null ? Verdict.pending(bundle.symbolicName() + " is not installed")
                    : FrameworkBundles.verdict(framework);
            if (!verdict.running()) {
                return Verdict.pending(verdict.reason() + " (deployment package " + held.name() + ")");
            }
        }
        return Verdict.RUNNING;
    }

    private static boolean isInstalled(DeploymentPackages service, HeldPackage held) {
        return service.get(held.name()).filter(p -> p.version().equals(held.version())).isPresent();
    }

    /** Gets the service, does {@code use} with it and ungets it; a Failure when Deployment Admin is not there. */
    private <T> T using(Use<T> use) throws Failure {
        ServiceReference<DeploymentPackages> reference = context.getServiceReference(DeploymentPackages.class);
        DeploymentPackages service = reference == null ? null : context.getService(reference);
        if (service == null) {
            throw new Failure(NO_DEPLOYMENT_ADMIN);
        }
        try {
            return use.with(service);
        } finally {
            try {
                context.ungetService(reference);
            } catch (IllegalStateException e) {
                LOG.debug("The framework is stopping: {}", e.getMessage());
            }
        }
    }
}
