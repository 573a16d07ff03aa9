package org.outpost.node.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.outpost.api.ErrorCode;
import org.outpost.api.LocalNode;
import org.outpost.api.OutpostException;
import org.outpost.api.RoleManager;
import org.outpost.security.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the installed role feature in line with the configured role, and switches roles live:
 * {@code outpost-role-server} and {@code outpost-role-agent} are installed and uninstalled through
 * the FeaturesService without refreshing other bundles, so the console, logging and every bundle
 * outside the role features keep running in the same JVM.
 */
@Component(immediate = true)
public class RoleSwitcher implements RoleManager, ConfigurationListener {
    static final String SERVER_FEATURE = "outpost-role-server";
    static final String AGENT_FEATURE = "outpost-role-agent";
    private static final Logger LOG = LoggerFactory.getLogger(RoleSwitcher.class);
    private static final EnumSet<FeaturesService.Option> NO_REFRESH = EnumSet.of(
            FeaturesService.Option.NoAutoRefreshBundles, FeaturesService.Option.NoAutoRefreshManagedBundles);

    @Reference
    private FeaturesService features;
    @Reference
    private ConfigurationAdmin configAdmin;
    @Reference
    private LocalNode node;
    @Reference
    private ServiceComponentRuntime components;

    /** Registered by Karaf once its boot features are installed. */
    static final String BOOT_FINISHED = "org.apache.karaf.features.BootFinished";
    /** How long the role waits for Karaf's boot features before it is installed anyway. */
    static final Duration BOOT_TIMEOUT = Duration.ofMinutes(5);

    /** How long a switch to server may take before it is rolled back. */
    static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(12);

    /** Set while a switch is under way: configuration events it causes itself are not acted on. */
    private volatile boolean switching;

    private final ExecutorService startup = Executors.newSingleThreadExecutor(r -> new Thread(r, "outpost-role-startup"));

    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        startup.execute(() -> {
            try {
                awaitBootFeatures();
                applyRole(node.role());
                if ("server".equals(node.role())) {
                    awaitServerAtBoot();
                    pointLocalAgentAtLocalServer();
                }
                installExtraRuntimes();
            } catch (IOException | RuntimeException e) {
                LOG.error("Could not install the {} role: {}", node.role(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Karaf installs its boot features in deployments of its own; a role installed while one of
     * them still runs can be lost from the features service's record (its bundles stay, but the
     * feature counts as not installed, so a later switch would leave them running).
     */
    private void awaitBootFeatures() throws InterruptedException {
        try (ServiceArrival boot = new ServiceArrival(context, BOOT_FINISHED)) {
            if (!boot.await(BOOT_TIMEOUT)) {
                LOG.warn("Karaf's boot features are still being installed after 5 minutes; installing the {} role anyway",
                        node.role());
            }
        }
    }

    /**
     * A node started as a server that cannot serve (its port is taken, its store is damaged) ends
     * its process with the reason and a non-zero status instead of running on half started, so
     * the person or service manager that started it sees why.
     */
    private void awaitServerAtBoot() throws InterruptedException {
        ServerStartWatch watch = new ServerStartWatch(context, components);
        ServerStartWatch.Outcome outcome = watch.await(Duration.ofMinutes(5));
        if (outcome.started()) {
            return;
        }
        String reason = outcome.failure().orElse("it did not start within 5 minutes; see "
                + node.dataDir().resolve("data/log/karaf.log"));
        LOG.error("Server {} cannot start: {}", node.name(), reason);
        System.out.println("outpost: server " + node.name() + " cannot start: " + reason);
        System.out.flush();
        Thread exit = new Thread(() -> System.exit(1), "outpost-server-failed-exit");
        exit.setDaemon(false);
        exit.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        startup.shutdownNow();
        startup.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Override
    public String role() {
        return node.role();
    }

    @Override
    public void becomeServer() {
        becomeServer(null, 0);
    }

    /**
     * Becomes a server on {@code bindAddress:httpsPort} (null / 0: as configured, else
     * 127.0.0.1:6443). A switch that cannot complete within {@link #SWITCH_TIMEOUT} is rolled back:
     * role, features and configuration are as they were, and the local agent never left its server.
     */
    @Override
    public synchronized void becomeServer(String bindAddress, int httpsPort) {
        String previousRole = node.role();
        if ("server".equals(previousRole)) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "node " + node.name() + " is a server already");
        }
        switching = true;
        Dictionary<String, Object> previousServer;
        Optional<EtcConfigFile> serverFile = EtcConfigFile.of("org.outpost.server");
        Optional<byte[]> previousServerFile = Optional.empty();
        try {
            previousServer = configuration("org.outpost.server").getProperties();
            Dictionary<String, Object> server = properties("org.outpost.server");
            String bind = bindAddress != null ? bindAddress : String.valueOf(orDefault(server.get("bindAddress"), "127.0.0.1"));
            int port = httpsPort > 0 ? httpsPort : Integer.parseInt(String.valueOf(orDefault(server.get("httpsPort"), "6443")));
            PortCheck.requireFree(bind, port);
            server.put("bindAddress", bind);
            server.put("httpsPort", String.valueOf(port));
            if (serverFile.isPresent()) {
                // the address goes where an operator looks for it; Karaf's watcher reads the same values
                previousServerFile = serverFile.get().snapshot();
                serverFile.get().set(Map.of("bindAddress", bind, "httpsPort", String.valueOf(port)));
                server.put("felix.fileinstall.filename", serverFile.get().path().toUri().toString());
            }
            configuration("org.outpost.server").update(server);
        } catch (IOException e) {
            switching = false;
            throw new OutpostException(ErrorCode.INTERNAL, "could not switch to server: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            switching = false;
            throw e;
        }
        try {
            setRole("server");
            applyRole("server");
            ServerStartWatch.Outcome outcome = new ServerStartWatch(context, components).await(SWITCH_TIMEOUT);
            if (!outcome.started()) {
                String reason = outcome.failure().orElse("the server did not start within " + SWITCH_TIMEOUT.toSeconds()
                        + " s; see " + node.dataDir().resolve("data/log/karaf.log"));
                rollBack(previousRole, previousServer, serverFile, previousServerFile);
                throw new OutpostException(ErrorCode.UNAVAILABLE, reason + "; node " + node.name() + " is " + previousRole
                        + " again, as before");
            }
            pointLocalAgentAtLocalServer();
            LOG.info("Node {} is now a server", node.name());
        } catch (IOException e) {
            rollBack(previousRole, previousServer, serverFile, previousServerFile);
            throw new OutpostException(ErrorCode.INTERNAL, "could not switch to server: " + e.getMessage()
                    + "; node " + node.name() + " is " + previousRole + " again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rollBack(previousRole, previousServer, serverFile, previousServerFile);
            throw new OutpostException(ErrorCode.UNAVAILABLE, "interrupted while the server was starting; node "
                    + node.name() + " is " + previousRole + " again");
        } catch (OutpostException e) {
            if (!previousRole.equals(node.role())) {
                rollBack(previousRole, previousServer, serverFile, previousServerFile);
            }
            throw e;
        } finally {
            switching = false;
        }
    }

    /** Back to what the node was: its role and feature, and the server configuration it had. */
    private void rollBack(String previousRole, Dictionary<String, Object> previousServer, Optional<EtcConfigFile> serverFile,
            Optional<byte[]> previousServerFile) {
        try {
            applyRole(previousRole);
            setRole(previousRole);
            if (serverFile.isPresent()) {
                serverFile.get().restore(previousServerFile);
            }
            Configuration server = configuration("org.outpost.server");
            if (previousServer == null) {
                server.delete();
            } else {
                server.update(previousServer);
            }
            LOG.info("Node {} stays {}: the switch to server was rolled back", node.name(), previousRole);
        } catch (IOException | RuntimeException e) {
            LOG.error("Rolling back the switch of node {} to server failed: {}", node.name(), e.getMessage());
        }
    }

    private static Object orDefault(Object value, String fallback) {
        return value == null || String.valueOf(value).isBlank() ? fallback : value;
    }

    /**
     * A server's own agent follows the server's address: a port set in
     * {@code etc/org.outpost.server.cfg} after the switch, or one that FileInstall reads a moment
     * after it, moves the local agent along instead of leaving it knocking at the old port.
     */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() != ConfigurationEvent.CM_UPDATED || !"org.outpost.server".equals(event.getPid()) || switching) {
            return;
        }
        try {
            startup.execute(() -> {
                if (!"server".equals(node.role()) || switching) {
                    return;
                }
                try {
                    pointLocalAgentAtLocalServer();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Could not point the local agent at the server's new address: {}", e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("configuration of org.outpost.server changed while the role switcher stops");
        }
    }

    /** Like k3s, a server runs an agent too: it joins its own server with the node token. */
    private synchronized void pointLocalAgentAtLocalServer() throws IOException {
        Dictionary<String, Object> server = properties("org.outpost.server");
        String bind = String.valueOf(server.get("bindAddress") == null ? "127.0.0.1" : server.get("bindAddress"));
        String host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        String url = "https://" + host + ":" + (server.get("httpsPort") == null ? "6443" : server.get("httpsPort"));
        String tokenFile = node.dataDir().resolve("server/node-token").toString();
        Dictionary<String, Object> agent = properties("org.outpost.agent");
        if (url.equals(agent.get("serverUrl")) && tokenFile.equals(agent.get("tokenFile"))) {
            return;
        }
        agent.put("serverUrl", url);
        agent.put("tokenFile", tokenFile);
        configuration("org.outpost.agent").update(agent);
        LOG.info("The local agent of server {} connects to {}", node.name(), url);
    }

    @Override
    public synchronized void becomeAgent(String serverUrl, String token) {
        URI uri;
        try {
            uri = URI.create(serverUrl);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "server must be an https URL such as https://127.0.0.1:6443");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "server must be an https URL such as https://127.0.0.1:6443");
        }
        try {
            String tokenFile = "";
            if (token != null && !token.isBlank()) {
                Path file = node.dataDir().resolve("agent/join-token");
                Pem.writePrivate(file, token.trim() + "\n");
                tokenFile = file.toString();
            }
            Dictionary<String, Object> agent = new Hashtable<>();
            agent.put("serverUrl", serverUrl);
            agent.put("tokenFile", tokenFile);
            setRole("agent");
            applyRole("agent");
            configuration("org.outpost.agent").update(agent);
            LOG.info("Node {} is now an agent of {}", node.name(), serverUrl);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "could not switch to agent: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void leave() {
        if ("server".equals(node.role())) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                    "a server cannot leave its own cluster; switch it to an agent first (edge:role agent --server URL --token T)");
        }
        try {
            Configuration agent = configAdmin.getConfiguration("org.outpost.agent", "?");
            agent.delete();
            for (String file : new String[] {"node.crt", "ca.crt", "join-token"}) {
                Files.deleteIfExists(node.dataDir().resolve("agent").resolve(file));
            }
            LOG.info("Node {} left its cluster", node.name());
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "could not leave: " + e.getMessage(), e);
        }
    }

    private void setRole(String role) throws IOException {
        Configuration configuration = configuration("org.outpost.node");
        Dictionary<String, Object> props = properties("org.outpost.node");
        props.put("role", role);
        configuration.update(props);
    }

    /** Installs the role's feature, then removes the other role's; bundles both need stay running. */
    private void applyRole(String role) {
        String wanted = "server".equals(role) ? SERVER_FEATURE : AGENT_FEATURE;
        String unwanted = "server".equals(role) ? AGENT_FEATURE : SERVER_FEATURE;
        try {
            if (!installed(wanted)) {
                features.installFeatures(Set.of(wanted), NO_REFRESH);
            }
            if (installed(unwanted)) {
                features.uninstallFeatures(Set.of(unwanted), NO_REFRESH);
            }
        } catch (Exception e) {
            throw new OutpostException(ErrorCode.INTERNAL, "could not install feature " + wanted + ": " + e.getMessage(), e);
        }
    }

    /**
     * Workload runtimes beyond the bundle runtime every agent has, from {@code runtimes} in
     * {@code org.outpost.node} (e.g. {@code docker}, set by {@code outpost agent --runtime docker}):
     * each is the feature {@code outpost-runtime-<name>}, kept across role switches.
     */
    private void installExtraRuntimes() throws IOException {
        Object configured = properties("org.outpost.node").get("runtimes");
        if (configured == null) {
            return;
        }
        for (String name : String.valueOf(configured).split(",")) {
            String feature = "outpost-runtime-" + name.trim();
            if (name.isBlank() || name.trim().equals("bundle")) {
                continue;
            }
            try {
                if (!installed(feature)) {
                    features.installFeatures(Set.of(feature), NO_REFRESH);
                    LOG.info("Installed the {} workload runtime", name.trim());
                }
            } catch (Exception e) {
                LOG.error("Could not install the {} workload runtime (feature {}): {}", name.trim(), feature, e.getMessage());
                System.out.println("outpost: could not install the " + name.trim() + " workload runtime: " + e.getMessage());
            }
        }
    }

    private boolean installed(String featureName) throws Exception {
        for (Feature feature : features.listInstalledFeatures()) {
            if (feature.getName().equals(featureName)) {
                return true;
            }
        }
        return false;
    }

    private Configuration configuration(String pid) throws IOException {
        return configAdmin.getConfiguration(pid, "?");
    }

    private Dictionary<String, Object> properties(String pid) throws IOException {
        Dictionary<String, Object> props = configuration(pid).getProperties();
        return props == null ? new Hashtable<>() : props;
    }
}
