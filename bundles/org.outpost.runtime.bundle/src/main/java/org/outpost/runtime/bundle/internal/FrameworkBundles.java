package org.outpost.runtime.bundle.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework as the runtime uses it: installs, resolves and starts bundles, says what is wrong
 * with one in words for an instance's status, and refreshes after uninstalls.
 */
final class FrameworkBundles {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkBundles.class);
    private static final long REFRESH_TIMEOUT_SECONDS = 30;

    private final BundleContext context;

    FrameworkBundles(BundleContext context) {
        this.context = context;
    }

    /** The bundle installed from {@code location}, or null. */
    Bundle find(String location) {
        return context.getBundle(location);
    }

    Bundle install(String location) throws Failure {
        try {
            return context.installBundle(location);
        } catch (BundleException | RuntimeException e) {
            throw new Failure("cannot install " + location + ": " + message(e));
        }
    }

    /**
     * Resolves the bundles together, then starts every one that is not a fragment; a fragment only
     * has to be attached to its host.
     */
    void startAll(List<Bundle> bundles) throws Failure {
        List<Bundle> unresolved = bundles.stream().filter(bundle -> bundle.getState() == Bundle.INSTALLED).toList();
        if (!unresolved.isEmpty()) {
            wiring().resolveBundles(unresolved);
            attachFragments(bundles);
        }
        for (Bundle bundle : bundles) {
            if (isFragment(bundle)) {
                if (bundle.getState() == Bundle.INSTALLED) {
                    throw new Failure("fragment " + describe(bundle) + " is not attached to its host "
                            + bundle.getHeaders("").get(Constants.FRAGMENT_HOST));
                }
            } else if (bundle.getState() != Bundle.ACTIVE) {
                start(bundle);
            }
        }
    }

    /**
     * A fragment attaches to a host only when the host resolves; hosts that were resolved before the
     * fragment came are refreshed so that they pick it up.
     */
    private void attachFragments(List<Bundle> bundles) {
        List<Bundle> loose = bundles.stream()
                .filter(bundle -> isFragment(bundle) && bundle.getState() == Bundle.INSTALLED).toList();
        if (loose.isEmpty()) {
            return;
        }
        Set<Bundle> refresh = new LinkedHashSet<>(loose);
        for (Bundle fragment : loose) {
            String host = hostName(fragment);
            for (Bundle candidate : context.getBundles()) {
                if (host.equals(candidate.getSymbolicName()) && !isFragment(candidate)
                        && candidate.getState() != Bundle.INSTALLED) {
                    refresh.add(candidate);
                }
            }
        }
        refresh(refresh);
        wiring().resolveBundles(loose);
    }

    private void start(Bundle bundle) throws Failure {
        try {
            bundle.start();
        } catch (BundleException e) {
            throw new Failure(startFailure(bundle, e));
        } catch (IllegalStateException e) {
            throw new Failure("bundle " + describe(bundle) + " was uninstalled while it was being started");
        }
    }

    /** Refreshes the bundles (uninstalled ones included) and what depends on them, and waits until that is done. */
    void refresh(Collection<Bundle> bundles) {
        if (bundles.isEmpty()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        wiring().refreshBundles(new ArrayList<>(bundles), event -> done.countDown());
        try {
            if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Refreshing {} bundle(s) took more than {} s; going on", bundles.size(), REFRESH_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Running when every bundle is installed and active, fragments attached; else why not. */
    Verdict verdict(List<String> locations) {
        for (String location : locations) {
            Bundle bundle = find(location);
            if (bundle == null) {
                return Verdict.pending("bundle " + location + " is not installed");
            }
            Verdict verdict = verdict(bundle);
            if (!verdict.running()) {
                return verdict;
            }
        }
        return Verdict.RUNNING;
    }

    static Verdict verdict(Bundle bundle) {
        int state = bundle.getState();
        if (isFragment(bundle)) {
            return state == Bundle.RESOLVED ? Verdict.RUNNING
                    : Verdict.pending("fragment " + describe(bundle) + " is not attached to its host");
        }
        return state == Bundle.ACTIVE ? Verdict.RUNNING
                : Verdict.pending("bundle " + describe(bundle) + " is " + stateName(state) + ", not ACTIVE");
    }

    /** {@code symbolic.name version}, or the location of a bundle without a symbolic name. */
    static String describe(Bundle bundle) {
        String name = bundle.getSymbolicName();
        return name == null ? bundle.getLocation() : name + " " + bundle.getVersion();
    }

    static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision != null) {
            return (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
        }
        return bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    static String startFailure(Bundle bundle, BundleException e) {
        String what = "bundle " + describe(bundle);
        if (e.getType() == BundleException.RESOLVE_ERROR) {
            return what + " does not resolve: " + unresolved(oneLine(e.getMessage()));
        }
        if (e.getType() == BundleException.ACTIVATOR_ERROR && e.getCause() != null) {
            return what + " does not start: its activator threw " + oneLine(e.getCause().toString());
        }
        return what + " does not start: " + message(e);
    }

    /**
     * The useful part of a framework's resolve error. Felix says
     * {@code Unable to resolve x [7](R 7.0): missing requirement [...] ... Unresolved requirements: [...]},
     * the last part repeating the first.
     */
    private static String unresolved(String message) {
        int missing = message.indexOf("missing requirement");
        String reason = missing >= 0 ? message.substring(missing) : message;
        int repeat = reason.indexOf(" Unresolved requirements:");
        return (repeat > 0 ? reason.substring(0, repeat) : reason).trim();
    }

    /** The exception's message and, when it adds something, its cause's: pax-url puts the download error there. */
    static String message(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            String because = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            if (!message.contains(because)) {
                message = message + ": " + because;
            }
        }
        return oneLine(message);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }

    private static String hostName(Bundle fragment) {
        String header = fragment.getHeaders("").get(Constants.FRAGMENT_HOST);
        int parameters = header == null ? -1 : header.indexOf(';');
        return header == null ? "" : (parameters < 0 ? header : header.substring(0, parameters)).trim();
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    private FrameworkWiring wiring() {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
    }
}
