package org.outpost.server.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.ClusterStore;
import org.outpost.api.JoinTokens;
import org.outpost.api.LocalNode;
import org.outpost.api.NodeRegistry;
import org.outpost.api.ServerState;
import org.outpost.security.CertifiedKey;
import org.outpost.security.ClusterCa;
import org.outpost.workload.WorkloadLimits;
import org.outpost.workload.WorkloadLogs;
import org.outpost.workload.WorkloadRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.ssl.SslContext;

/**
 * The server role: cluster CA, join tokens, node registry with leases, and the HTTPS endpoint for
 * agents and the admin API. The registry and token services are registered only while the
 * endpoint is up.
 */
@Component(configurationPid = ServerComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
@Designate(ocd = ServerComponent.Config.class)
public class ServerComponent {
    static final String PID = "org.outpost.server";
    private static final Logger LOG = LoggerFactory.getLogger(ServerComponent.class);

    @ObjectClassDefinition(name = "Outpost server", description = "HTTPS endpoint, join tokens and node leases")
    public @interface Config {
        @AttributeDefinition(description = "Address the HTTPS endpoint listens on")
        String bindAddress() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port for agents and the admin API", min = "0", max = "65535")
        int httpsPort() default 6443;

        @AttributeDefinition(description = "Seconds without heartbeats before a node is NotReady", min = "1")
        int nodeTimeoutSeconds() default 10;

        @AttributeDefinition(description = "Readings kept per device channel for edge:read and /v1/readings", min = "1")
        int readingHistory() default 1000;

        @AttributeDefinition(description = "Days a node certificate is valid", min = "1")
        int nodeCertificateDays() default 365;

        @AttributeDefinition(description = "Print the join token and next steps at start (outpost demo)")
        boolean demo() default false;

        @AttributeDefinition(description = "Joins allowed per source address and minute (HTTP 429 beyond)", min = "1")
        int joinsPerMinute() default 10;

        @AttributeDefinition(description = "Joins a source address may make at once before the per-minute rate applies", min = "1")
        int joinBurst() default 10;

        @AttributeDefinition(description = "Connections that have not authenticated (no client certificate or admin "
                + "credential yet) served at once; more get HTTP 503", min = "1")
        int maxUnauthenticatedConnections() default 64;

        @AttributeDefinition(description = "Seconds a connection that has not authenticated gets for its TLS handshake and "
                + "each request (head and join body), and may stay idle", min = "1")
        int headerTimeoutSeconds() default 10;

        @AttributeDefinition(description = "Seconds an admin API connection may stay idle between requests", min = "1")
        int idleTimeoutSeconds() default 60;

        @AttributeDefinition(description = "Replicas one workload may ask for; more is refused", min = "1")
        int maxReplicasPerWorkload() default WorkloadLimits.DEFAULT_MAX_REPLICAS_PER_WORKLOAD;

        @AttributeDefinition(description = "Workloads the cluster may hold, all namespaces together; more is refused", min = "1")
        int maxWorkloads() default WorkloadLimits.DEFAULT_MAX_WORKLOADS;
    }

    @Reference
    private ClusterStore store;
    @Reference
    private LocalNode node;
    @Reference
    private IngestLimits ingest;

    private HttpsServer https;
    private ExecutorService workers;
    private ScheduledExecutorService leaseMonitor;
    private org.outpost.api.Watch nodeDeletions;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    void activate(Config config, BundleContext context) throws Exception {
        Path dir = node.dataDir().resolve("server");
        ClusterCa ca = ClusterCa.loadOrCreate(dir.resolve("tls"));
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        Clock clock = Clock.systemUTC();
        Duration nodeTimeout = Duration.ofSeconds(config.nodeTimeoutSeconds());
        JoinTokenService tokens = new JoinTokenService(store, json, clock, ca.certificateHash(), dir.resolve("node-token"));
        tokens.ensureNodeToken();
        AdminCredential admin = AdminCredential.loadOrCreate(dir.resolve("admin-token"));
        NodeRegistryService registry = new NodeRegistryService(store, json, clock, System::nanoTime, node.name(), nodeTimeout);
        workers = Executors.newFixedThreadPool(4, named("outpost-server-worker"));
        AgentSessions sessions = new AgentSessions();
        LogStreams logs = new LogStreams(sessions, json);
        WorkloadRegistryService workloads = new WorkloadRegistryService(store, json, clock,
                new WorkloadLimits(config.maxReplicasPerWorkload(), config.maxWorkloads()));
        DeviceHub devices = new DeviceHub(store, sessions, json, config.readingHistory(), ingest::current, System::nanoTime);
        nodeDeletions = devices.forgetDeletedNodes();
        ServerContext server = new ServerContext(node, store, ca, registry, tokens, admin, new ServerMetrics(),
                sessions, logs, workloads, devices, json, workers, Duration.ofDays(config.nodeCertificateDays()),
                Math.max(30, 3 * config.nodeTimeoutSeconds()));

        InetAddress bind = InetAddress.getByName(config.bindAddress());
        CertifiedKey serverKey = ca.issueServerCertificate(dnsNames(), ipAddresses(bind), Duration.ofDays(365));
        SslContext ssl = HttpsServer.tls(serverKey, ca.certificate());
        try {
            https = new HttpsServer(new InetSocketAddress(bind, config.httpsPort()), ssl, server, limits(config), clock);
        } catch (Exception e) {
            String cause = e.getMessage() == null ? e.toString() : e.getMessage();
            String reason = "cannot listen on " + config.bindAddress() + ":" + config.httpsPort() + ": "
                    + (cause.toLowerCase(java.util.Locale.ROOT).contains("in use") ? "address in use; choose one with --https-port" : cause);
            LOG.error("Server not started: {}", reason);
            deactivate();
            throw new org.outpost.api.OutpostException(org.outpost.api.ErrorCode.UNAVAILABLE, reason, e);
        }
        leaseMonitor = Executors.newSingleThreadScheduledExecutor(named("outpost-lease-monitor"));
        leaseMonitor.scheduleWithFixedDelay(() -> {
            try {
                registry.tick();
            } catch (RuntimeException e) {
                LOG.warn("Lease check failed: {}", e.getMessage());
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Error e) {
                // a periodic task that throws is never run again: the leases would stop expiring
                LOG.error("Lease check failed; it runs again in a second", e);
            }
        }, 1, 1, TimeUnit.SECONDS);

        String url = "https://" + hostForUrl(bind) + ":" + https.localAddress().getPort();
        Path adminFile = dir.resolve("admin-token");
        Path tokenFile = dir.resolve("node-token");
        registrations.add(context.registerService(NodeRegistry.class, registry, null));
        registrations.add(context.registerService(JoinTokens.class, tokens, null));
        registrations.add(context.registerService(WorkloadRegistry.class, workloads, null));
        registrations.add(context.registerService(WorkloadLogs.class, logs, null));
        registrations.add(context.registerService(org.outpost.api.device.FleetDevices.class, devices, null));
        registrations.add(context.registerService(ServerState.class, new ServerState() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public Path adminTokenFile() {
                return adminFile;
            }

            @Override
            public Path nodeTokenFile() {
                return tokenFile;
            }
        }, null));
        LOG.info("Outpost server {} listening on {} (store {}, revision {})", node.name(), url, store.describe(), store.revision());
        if (config.demo()) {
            deployDemoWorkload(workloads, node.version());
        }
        announce(config, url, tokenFile, adminFile, tokens);
    }

    /** The demo's sample workload, applied once (later starts find it unchanged). */
    private static void deployDemoWorkload(WorkloadRegistryService workloads, String version) {
        try (java.io.InputStream in = ServerComponent.class.getResourceAsStream("demo-workload.yaml")) {
            String manifest = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("${outpost.version}", version);
            workloads.apply(new org.outpost.workload.ManifestParser().parse(manifest, "demo-workload.yaml"))
                    .forEach(applied -> LOG.info("Demo: {}", applied));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("Demo: the sample workload was not deployed: {}", e.toString());
        }
    }

    private void announce(Config config, String url, Path tokenFile, Path adminFile, JoinTokenService tokens) {
        Path dir = node.dataDir().resolve("server");
        StringBuilder banner = new StringBuilder()
                .append("Outpost server ").append(node.name()).append(" (").append(node.version()).append(") listening on ")
                .append(url).append('\n')
                .append("  node token:       ").append(tokenFile).append('\n')
                .append("  admin credential: ").append(adminFile).append('\n')
                .append("  logs:             ").append(node.dataDir().resolve("data/log/karaf.log")).append('\n');
        if (config.demo()) {
            String dataDir = node.dataDir().toString();
            banner.append('\n')
                    .append("Join token (give it to agents):\n  ").append(tokens.nodeToken()).append("\n\n")
                    .append("Admin API: ").append(url).append("/v1/nodes  (Authorization: Bearer $(cat ").append(adminFile).append("))\n")
                    .append("Kura REST: the URL in ").append(node.dataDir().resolve("rest/url")).append(" (/services/deploy/v2, /configuration/v2,"
                            + " /assets; user admin, password in ").append(node.dataDir().resolve("rest/admin-token"))
                    .append(", CA ").append(node.dataDir().resolve("rest/ca.crt")).append(")\n\n")
                    .append("Try:\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:nodes\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:status\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:workloads      # the sample workload sample-ticker\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:logs sample-ticker\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:devices        # simulated sensors and this host\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:read sensors\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:read host --follow\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:dps            # deployment packages; edge:dp-install FILE.dp\n")
                    .append("  ./outpost shell --data-dir ").append(dataDir).append(" edge:snapshots      # configuration snapshots, Kura's XML\n")
                    .append("  ./outpost agent --server ").append(url).append(" --token-file ").append(tokenFile)
                    .append(" --data-dir ./outpost-agent1 --node-name gw-1 --labels site=plant-a\n")
                    .append("  curl -s --cacert ").append(dir.resolve("tls/ca.crt")).append(" -H \"Authorization: Bearer $(cat ")
                    .append(adminFile).append(")\" ").append(url).append("/v1/nodes\n")
                    .append("Ctrl-C stops the demo.\n");
        }
        System.out.print(banner);
        System.out.flush();
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
        if (nodeDeletions != null) {
            nodeDeletions.close();
            nodeDeletions = null;
        }
        if (leaseMonitor != null) {
            leaseMonitor.shutdownNow();
        }
        if (https != null) {
            https.close();
            https = null;
        }
        if (workers != null) {
            workers.shutdown();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static HttpsLimits limits(Config config) {
        return new HttpsLimits(Math.max(1, config.maxUnauthenticatedConnections()),
                Duration.ofSeconds(Math.max(1, config.headerTimeoutSeconds())), Duration.ofSeconds(Math.max(1, config.idleTimeoutSeconds())),
                Math.max(1, config.joinsPerMinute()), Math.max(1, config.joinBurst()));
    }

    private static String hostForUrl(InetAddress bind) {
        if (bind.isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        String host = bind.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static Set<String> dnsNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (host.matches("[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?")) {
                names.add(host.toLowerCase(java.util.Locale.ROOT));
            }
        } catch (UnknownHostException e) {
            // no host name: localhost and addresses are enough
        }
        return names;
    }

    /** Loopback always; the bind address, or every interface address when bound to all. */
    private static Set<InetAddress> ipAddresses(InetAddress bind) throws UnknownHostException, SocketException {
        Set<InetAddress> ips = new LinkedHashSet<>();
        ips.add(InetAddress.getByName("127.0.0.1"));
        ips.add(InetAddress.getByName("::1"));
        if (bind.isAnyLocalAddress()) {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLinkLocalAddress()) {
                        ips.add(address);
                    }
                }
            }
        } else {
            ips.add(bind);
        }
        return ips;
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            // an Error that ends a task (see SerialExecutor) is logged once, with its stack
            thread.setUncaughtExceptionHandler((failed, e) -> LOG.error("Uncaught error in {}", failed.getName(), e));
            return thread;
        };
    }

}
