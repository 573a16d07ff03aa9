package org.outpost.runtime.bundle.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.log.LogListener;

/**
 * Routes what happens to the bundles of the instances to the instances' logs: the framework's
 * bundle events, and (through {@link BundleLogRelay}) what those bundles log. Each instance watches
 * a set of locations; an event of a watched location becomes a line of every instance that watches it.
 *
 * <p>Events arrive on the threads that caused them, possibly holding framework locks: routing only
 * reads an immutable map and appends log lines.
 */
final class BundleEventRouter implements SynchronousBundleListener {
    private final Supplier<Collection<Instance>> instances;
    private final Function<String, Instance> instance;
    /** Bundle location → ids of the instances whose logs get its events; read on the framework's threads. */
    private volatile Map<String, Set<String>> watchers = Map.of();
    private final BundleLogRelay logRelay;

    /**
     * @param instances every instance the runtime has
     * @param instance the instance of an id, or null when it is gone
     */
    BundleEventRouter(Supplier<Collection<Instance>> instances, Function<String, Instance> instance) {
        this.instances = instances;
        this.instance = instance;
        this.logRelay = new BundleLogRelay(location -> watchers.get(location), this::append);
    }

    /** What the instances' bundles log, for the framework's LogReaderServices. */
    LogListener logRelay() {
        return logRelay;
    }

    /** The bundle events of these locations go to the instance's log, and no others. */
    void watch(Instance watching, Collection<String> locations) {
        Set<String> next = Set.copyOf(locations);
        if (!next.equals(watching.watched())) {
            watching.watch(next);
            rewatch();
        }
    }

    /** Reads again what every instance watches: after an instance came or went. */
    void rewatch() {
        Map<String, Set<String>> next = new HashMap<>();
        for (Instance watching : instances.get()) {
            for (String location : watching.watched()) {
                next.computeIfAbsent(location, key -> new TreeSet<>()).add(watching.id());
            }
        }
        Map<String, Set<String>> frozen = new HashMap<>();
        next.forEach((location, ids) -> frozen.put(location, Set.copyOf(ids)));
        watchers = Map.copyOf(frozen);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Set<String> ids = watchers.get(event.getBundle().getLocation());
        String happened = happened(event);
        if (ids == null || happened == null) {
            return;
        }
        String line = "bundle " + FrameworkBundles.describe(event.getBundle()) + " " + happened;
        for (String id : ids) {
            append(id, line);
        }
    }

    private void append(String id, String line) {
        Instance watching = instance.apply(id);
        if (watching != null) {
            watching.note(line);
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
}
