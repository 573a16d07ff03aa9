package org.outpost.runtime.bundle.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain bundles of the instances: installs and starts the locations an instance holds, and
 * uninstalls those it installed itself once no instance holds them. A location that was installed
 * before, by anyone, is used as it is and never uninstalled.
 *
 * <p>Used under the runtime's lock only.
 */
final class BundleHolder {
    private static final Logger LOG = LoggerFactory.getLogger(BundleHolder.class);

    private final FrameworkBundles framework;
    /** Location → bundle id of what this holder installed; {@link RuntimeRecord#CLAIMED} while installing. */
    private final Map<String, Long> installed;
    private final Runnable recordChanged;

    /**
     * @param installed what the record says this runtime installed
     * @param recordChanged saves the ownership record; called before and after installs
     */
    BundleHolder(FrameworkBundles framework, Map<String, Long> installed, Runnable recordChanged) {
        this.framework = framework;
        this.installed = new TreeMap<>(installed);
        this.recordChanged = recordChanged;
    }

    /** What this holder installed, for the record. */
    Map<String, Long> installed() {
        return Map.copyOf(installed);
    }

    /**
     * Installs cut short by a crash: what is at a claimed location was installed by this runtime;
     * a claimed location with nothing there is no longer claimed.
     *
     * @return whether there were any
     */
    boolean settleClaims() {
        boolean any = false;
        for (Iterator<Map.Entry<String, Long>> owned = installed.entrySet().iterator(); owned.hasNext();) {
            Map.Entry<String, Long> entry = owned.next();
            if (entry.getValue() == RuntimeRecord.CLAIMED) {
                any = true;
                Bundle bundle = framework.find(entry.getKey());
                if (bundle == null) {
                    owned.remove();
                } else {
                    entry.setValue(bundle.getBundleId());
                }
            }
        }
        return any;
    }

    /** Installs the locations not installed yet, then resolves and starts them all. */
    void acquire(List<String> locations) throws Failure {
        List<String> missing = locations.stream().filter(location -> framework.find(location) == null).toList();
        if (!missing.isEmpty()) {
            // claimed before installing: should this JVM die half-way, the next start knows they are ours
            missing.forEach(location -> installed.put(location, RuntimeRecord.CLAIMED));
            recordChanged.run();
        }
        List<Bundle> set = new ArrayList<>();
        try {
            for (String location : locations) {
                Bundle bundle = framework.find(location);
                if (bundle == null) {
                    bundle = framework.install(location);
                    installed.put(location, bundle.getBundleId());
                }
                set.add(bundle);
            }
        } finally {
            if (!missing.isEmpty()) {
                recordChanged.run();
            }
        }
        framework.startAll(set);
    }

    /**
     * Uninstalls every bundle this holder installed that none of {@code holdings} holds any more;
     * tells {@code releasing}, which held {@code before}, why a location it let go of stays.
     */
    void release(Instance releasing, Holding before, Collection<Holding> holdings) {
        Map<String, List<String>> users = users(holdings);
        for (String location : before.bundles()) {
            List<String> others = users.getOrDefault(location, List.of());
            if (others.contains(releasing.id())) {
                continue;
            }
            if (!others.isEmpty()) {
                releasing.note("kept " + location + ": " + String.join(", ", others) + " still use(s) it");
            } else if (!installed.containsKey(location)) {
                releasing.note("left " + location + " installed: it was there before");
            }
        }
        List<Bundle> uninstalled = new ArrayList<>();
        for (Iterator<Map.Entry<String, Long>> owned = installed.entrySet().iterator(); owned.hasNext();) {
            Map.Entry<String, Long> entry = owned.next();
            if (users.containsKey(entry.getKey())) {
                continue;
            }
            Bundle bundle = framework.find(entry.getKey());
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
        framework.refresh(uninstalled);
    }

    /** Running when every location is installed and active, fragments attached; else why not. */
    Verdict verdict(List<String> locations) {
        return framework.verdict(locations);
    }

    /** Location → ids of the instances that hold it, sorted. */
    private static Map<String, List<String>> users(Collection<Holding> holdings) {
        Map<String, List<String>> users = new HashMap<>();
        for (Holding holding : holdings) {
            for (String location : holding.bundles()) {
                users.computeIfAbsent(location, key -> new ArrayList<>()).add(holding.id());
            }
        }
        users.values().forEach(ids -> ids.sort(null));
        return users;
    }
}
