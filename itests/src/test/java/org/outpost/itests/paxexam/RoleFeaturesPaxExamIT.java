package org.outpost.itests.paxexam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;

import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.util.tracker.ServiceTracker;
import org.outpost.api.AgentState;
import org.outpost.api.ClusterStore;
import org.outpost.api.JoinTokens;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;
import org.outpost.api.RoleManager;

/**
 * Role features in the real distribution: the server role at boot, then a live switch to agent and
 * back, checking that only the role features' own bundles move.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RoleFeaturesPaxExamIT extends OutpostKarafTestSupport {

    private static final String SERVER_BUNDLE = "org.outpost.server";
    private static final String STORE_BUNDLE = "org.outpost.store.mvstore";
    private static final String AGENT_BUNDLE = "org.outpost.agent";
    private static final String SHELL_BUNDLE = "org.outpost.shell";
    private static final String NODE_BUNDLE = "org.outpost.node";

    @Inject
    private RoleManager roleManager;

    @Test
    public void switchesRolesLiveWithoutRestartingOtherBundles() throws Exception {
        ServiceTracker<NodeRegistry, NodeRegistry> registries = tracker(NodeRegistry.class);
        ServiceTracker<AgentState, AgentState> agents = tracker(AgentState.class);
        String serverUrl = configuredServerUrl();

        // ---- the configured role (server) at boot
        await(SERVER_FEATURE + " installed", BOOT_TIMEOUT, () -> featureInstalled(SERVER_FEATURE));
        assertFalse(AGENT_FEATURE + " must not be installed on a server", featureInstalled(AGENT_FEATURE));
        for (String bsn : List.of(SERVER_BUNDLE, STORE_BUNDLE, AGENT_BUNDLE)) {
            awaitBundleActive(bsn, BOOT_TIMEOUT);
        }
        awaitService(NodeRegistry.class, BOOT_TIMEOUT);
        awaitService(JoinTokens.class, BOOT_TIMEOUT);
        awaitService(ClusterStore.class, BOOT_TIMEOUT);
        awaitService(AgentState.class, BOOT_TIMEOUT);
        assertEquals("server", roleManager.role());
        NodeInfo ready = awaitLocalNodeReady(registries, null, READY_TIMEOUT);
        assertTrue("the server's own node has both roles: " + ready.roles(),
                ready.roles().containsAll(List.of("server", "agent")));
        AgentState local = await("local agent connected to " + serverUrl, READY_TIMEOUT, () -> {
            AgentState a = agents.getService();
            return a != null && a.connected() && serverUrl.equals(a.serverUrl()) ? a : null;
        });
        assertEquals(serverUrl, local.serverUrl());

        // ---- switch to agent: only the server role's own bundles may move
        Set<String> roleOnly = roleOnlyBundles();
        Set<String> mayMove = new HashSet<>(roleOnly);
        mayMove.addAll(List.of(SERVER_BUNDLE, STORE_BUNDLE, AGENT_BUNDLE));
        Map<String, long[]> before = snapshotOtherBundles(mayMove);
        Bundle shell = bundle(SHELL_BUNDLE).orElseThrow();
        Bundle node = bundle(NODE_BUNDLE).orElseThrow();
        long shellId = shell.getBundleId();
        long nodeId = node.getBundleId();

        List<String> moves = Collections.synchronizedList(new ArrayList<>());
        SynchronousBundleListener listener = event -> {
            int type = event.getType();
            if (type == BundleEvent.STOPPING || type == BundleEvent.STOPPED || type == BundleEvent.UNRESOLVED) {
                moves.add(event.getBundle().getSymbolicName() + " [" + event.getBundle().getBundleId() + "] "
                        + eventName(type));
            }
        };
        String unreachable = "https://127.0.0.1:" + freePort();
        bundleContext.addBundleListener(listener);
        try {
            roleManager.becomeAgent(unreachable, null);
        } finally {
            bundleContext.removeBundleListener(listener);
        }

        assertEquals("agent", roleManager.role());
        assertFalse(SERVER_FEATURE + " still installed after becomeAgent", featureInstalled(SERVER_FEATURE));
        assertTrue(AGENT_FEATURE + " not installed after becomeAgent", featureInstalled(AGENT_FEATURE));
        for (String bsn : List.of(SERVER_BUNDLE, STORE_BUNDLE)) {
            assertTrue(bsn + " should be gone or stopped, is " + bundle(bsn).map(b -> stateName(b.getState())),
                    bundle(bsn).map(b -> b.getState() != Bundle.ACTIVE).orElse(true));
        }
        assertEquals(AGENT_BUNDLE + " state", "ACTIVE", stateName(bundle(AGENT_BUNDLE).orElseThrow().getState()));
        awaitNoService(NodeRegistry.class, Duration.ofSeconds(10));
        awaitNoService(JoinTokens.class, Duration.ofSeconds(10));
        AgentState remote = await("agent reconfigured for " + unreachable, Duration.ofSeconds(10), () -> {
            AgentState a = agents.getService();
            return a != null && unreachable.equals(a.serverUrl()) ? a : null;
        });
        assertFalse("nothing listens on " + unreachable, remote.connected());

        List<String> unexpected = new ArrayList<>();
        synchronized (moves) {
            for (String move : moves) {
                String bsn = move.substring(0, move.indexOf(' '));
                if (!mayMove.contains(bsn)) {
                    unexpected.add(move);
                }
            }
        }
        assertTrue("the listener saw the server bundle stop: " + moves,
                moves.stream().anyMatch(m -> m.startsWith(SERVER_BUNDLE + " ") && m.endsWith("STOPPED")));
        assertEquals("bundles outside the role features were stopped or unresolved by the switch "
                + "(role-only bundles: " + new TreeSet<>(mayMove) + "; all moves: " + moves + ")", List.of(), unexpected);
        assertEquals(SHELL_BUNDLE + " id", shellId, bundle(SHELL_BUNDLE).orElseThrow().getBundleId());
        assertEquals(NODE_BUNDLE + " id", nodeId, bundle(NODE_BUNDLE).orElseThrow().getBundleId());
        assertEquals(SHELL_BUNDLE + " state", "ACTIVE", stateName(shell.getState()));
        assertEquals(NODE_BUNDLE + " state", "ACTIVE", stateName(node.getState()));
        assertEquals("bundles outside the role features, as [id, state]", render(before),
                render(snapshotOtherBundles(mayMove, before.keySet())));
        // the console still works and sees the new role
        assertTrue(executeCommand("edge:role").startsWith("role: agent"));

        // ---- and back to server
        Instant switchedBack = Instant.now();
        roleManager.becomeServer();
        assertEquals("server", roleManager.role());
        assertTrue(SERVER_FEATURE + " not installed after becomeServer", featureInstalled(SERVER_FEATURE));
        assertFalse(AGENT_FEATURE + " still installed after becomeServer", featureInstalled(AGENT_FEATURE));
        for (String bsn : List.of(SERVER_BUNDLE, STORE_BUNDLE, AGENT_BUNDLE)) {
            awaitBundleActive(bsn, BOOT_TIMEOUT);
        }
        if (registries.waitForService(BOOT_TIMEOUT.toMillis()) == null) {
            // the server bundle is ACTIVE but its component did not come up: say what the JVM looks like
            throw new AssertionError("the server did not come back after becomeServer(): no NodeRegistry within "
                    + BOOT_TIMEOUT.toSeconds() + " s (ServerComponent activation failed? see data/log/karaf.log);"
                    + " JCA providers: " + Arrays.stream(Security.getProviders()).map(Provider::getName).toList());
        }
        awaitService(JoinTokens.class, BOOT_TIMEOUT);
        NodeInfo again = awaitLocalNodeReady(registries, switchedBack, READY_TIMEOUT);
        assertEquals(NODE_NAME, again.name());
        await("local agent connected to " + serverUrl + " again", READY_TIMEOUT, () -> {
            AgentState a = agents.getService();
            return a != null && a.connected() && serverUrl.equals(a.serverUrl());
        });
        assertEquals(SHELL_BUNDLE + " id after both switches", shellId, bundle(SHELL_BUNDLE).orElseThrow().getBundleId());
        assertEquals(NODE_BUNDLE + " id after both switches", nodeId, bundle(NODE_BUNDLE).orElseThrow().getBundleId());
    }

    /**
     * Symbolic names of the bundles that belong to the server role feature but not to
     * {@code outpost-base} (which every role shares): these are the ones a switch may stop.
     */
    private Set<String> roleOnlyBundles() throws Exception {
        Set<String> locations = featureBundleLocations(SERVER_FEATURE, new HashSet<>());
        locations.removeAll(featureBundleLocations("outpost-base", new HashSet<>()));
        Set<String> names = new TreeSet<>();
        for (Bundle b : bundleContext.getBundles()) {
            if (locations.contains(b.getLocation())) {
                names.add(b.getSymbolicName());
            }
        }
        return names;
    }

    private Set<String> featureBundleLocations(String featureName, Set<String> seen) throws Exception {
        Set<String> locations = new HashSet<>();
        if (!seen.add(featureName)) {
            return locations;
        }
        Feature feature = featuresService.getFeature(featureName);
        if (feature == null) {
            return locations;
        }
        for (BundleInfo info : feature.getBundles()) {
            locations.add(info.getLocation().trim());
        }
        for (Dependency dependency : feature.getDependencies()) {
            locations.addAll(featureBundleLocations(dependency.getName(), seen));
        }
        return locations;
    }

    /** id and state of every installed bundle not in {@code exclude}, by symbolic name. */
    private Map<String, long[]> snapshotOtherBundles(Set<String> exclude) {
        Map<String, long[]> snapshot = new LinkedHashMap<>();
        for (Bundle b : bundleContext.getBundles()) {
            if (!exclude.contains(b.getSymbolicName())) {
                snapshot.put(b.getSymbolicName() + "/" + b.getVersion(), new long[] {b.getBundleId(), b.getState()});
            }
        }
        return snapshot;
    }

    /** The same for the bundles named in {@code keys} (missing ones show as absent). */
    private Map<String, long[]> snapshotOtherBundles(Set<String> exclude, Set<String> keys) {
        Map<String, long[]> now = snapshotOtherBundles(exclude);
        Map<String, long[]> result = new LinkedHashMap<>();
        for (String key : keys) {
            result.put(key, now.get(key));
        }
        now.keySet().stream().filter(k -> !keys.contains(k)).forEach(k -> result.put(k, now.get(k)));
        return result;
    }

    private static String render(Map<String, long[]> snapshot) {
        StringBuilder s = new StringBuilder();
        snapshot.forEach((k, v) -> s.append(k).append('=')
                .append(v == null ? "absent" : "[" + v[0] + ", " + stateName((int) v[1]) + "]").append('\n'));
        return s.toString();
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> Integer.toString(state);
        };
    }

    private static String eventName(int type) {
        return switch (type) {
            case BundleEvent.STOPPING -> "STOPPING";
            case BundleEvent.STOPPED -> "STOPPED";
            case BundleEvent.UNRESOLVED -> "UNRESOLVED";
            default -> Integer.toString(type);
        };
    }
}
