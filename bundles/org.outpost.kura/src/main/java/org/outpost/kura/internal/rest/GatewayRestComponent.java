package org.outpost.kura.internal.rest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.LocalNode;
import org.outpost.security.CertifiedKey;
import org.outpost.security.ClusterCa;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The gateway's own HTTPS port for Kura's REST paths ({@code /services/...}): loopback by default,
 * a certificate from a gateway-local CA ({@code <data>/rest/ca.crt} for clients to trust), and the
 * gateway's admin credential ({@code <data>/rest/admin-token}) on every request.
 */
@Component(configurationPid = GatewayRestComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = GatewayRestComponent.Config.class)
public class GatewayRestComponent {
    static final String PID = "org.outpost.kura.rest";
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRestComponent.class);

    @ObjectClassDefinition(name = "Outpost gateway REST", description = "Kura's REST paths on this gateway's own HTTPS port")
    public @interface Config {
        @AttributeDefinition(description = "Serve the REST paths at all")
        boolean enabled() default true;

        @AttributeDefinition(description = "Address to listen on; loopback unless set otherwise")
        String bind() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port; 0 picks a free one (see <data>/rest/url)", min = "0", max = "65535")
        int port() default 8443;

        @AttributeDefinition(description = "Largest request body, e.g. an uploaded deployment package, in MiB", min = "1", max = "1024")
        int maxRequestMiB() default 64;
    }

    /** A port taken by another process may be freed later: the gateway keeps trying rather than give up for good. */
    static final long BIND_RETRY_SECONDS = 5;
    /** How long deactivation waits for a request or bind attempt under way to end. */
    private static final long STOP_WAIT_SECONDS = 10;

    @Reference
    LocalNode node;

    private final List<RestResource> resources = new CopyOnWriteArrayList<>();
    private ExecutorService workers;
    private ScheduledExecutorService binder;
    private Listener listener;
    private GatewayRestServer server;
    private int failedBinds;
    private boolean stopped;

    private record Listener(Path dir, InetSocketAddress address, SslContext ssl, int maxRequestBytes, GatewayCredential credential) {
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addResource(RestResource resource) {
        resources.add(resource);
    }

    void removeResource(RestResource resource) {
        resources.remove(resource);
    }

    @Activate
    void activate(Config config) throws IOException {
        if (!config.enabled()) {
            LOG.info("gateway REST is switched off ({}: enabled=false)", PID);
            return;
        }
        Path dir = node.dataDir().resolve("rest");
        Files.createDirectories(dir);
        // the url file names only a port this activation has bound
        Files.deleteIfExists(dir.resolve("url"));
        GatewayCredential credential = GatewayCredential.loadOrCreate(dir.resolve("admin-token"));
        InetAddress bindAddress = InetAddress.getByName(config.bind().trim());
        SslContext ssl = sslContext(dir, bindAddress);
        // one request at a time per worker; installs and configuration changes are serialised anyway
        workers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                new DefaultThreadFactory("outpost-kura-rest-worker"));
        binder = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("outpost-kura-rest-bind"));
        synchronized (this) {
            listener = new Listener(dir, new InetSocketAddress(bindAddress, config.port()), ssl,
                    config.maxRequestMiB() * 1024 * 1024, credential);
            listen();
        }
    }

    /** Binds the port, or tries again in {@value #BIND_RETRY_SECONDS} s. */
    private synchronized void listen() {
        if (stopped) {
            return;
        }
        try {
            server = new GatewayRestServer(listener.address(), listener.ssl(), listener.maxRequestBytes(), listener.credential(),
                    this::resourceFor, workers);
        } catch (IOException e) {
            failedBinds++;
            // the first failure, then one line a minute
            if (failedBinds == 1 || failedBinds % (60 / BIND_RETRY_SECONDS) == 0) {
                LOG.error("gateway REST {}; trying again every {} s (or set another port in etc/{}.cfg)", e.getMessage(),
                        BIND_RETRY_SECONDS, PID);
            }
            binder.schedule(this::listen, BIND_RETRY_SECONDS, TimeUnit.SECONDS);
            return;
        }
        InetSocketAddress bound = server.localAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        String url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
        Path dir = listener.dir();
        try {
            Files.writeString(dir.resolve("url"), url + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("gateway REST: cannot write {}: {}", dir.resolve("url"), e.getMessage());
        }
        LOG.info("gateway REST listening on {} (credential in {}, CA in {}){}", url, dir.resolve("admin-token"), dir.resolve("ca.crt"),
                failedBinds == 0 ? "" : " after " + failedBinds + " failed attempts");
    }

    /** The port this gateway serves on, or 0 while it is not listening. */
    synchronized int port() {
        return server == null ? 0 : server.localAddress().getPort();
    }

    @Deactivate
    void deactivate() {
        ExecutorService stoppedWorkers;
        ScheduledExecutorService stoppedBinder;
        synchronized (this) {
            stopped = true;
            stoppedBinder = binder;
            stoppedWorkers = workers;
            if (binder != null) {
                binder.shutdownNow();
            }
            if (server != null) {
                server.close();
                server = null;
                try {
                    Files.deleteIfExists(listener.dir().resolve("url"));
                } catch (IOException e) {
                    LOG.debug("gateway REST: cannot remove {}", listener.dir().resolve("url"), e);
                }
            }
            if (workers != null) {
                workers.shutdownNow();
            }
        }
        // Outside the lock: a bind attempt may be waiting for it and must be let through to end.
        awaitEnd(stoppedBinder);
        awaitEnd(stoppedWorkers);
    }

    /** A bundle that stops leaves none of its threads running behind it. */
    private static void awaitEnd(ExecutorService executor) {
        if (executor == null) {
            return;
        }
        try {
            if (!executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("gateway REST: threads still busy {} s after stopping", STOP_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The resource whose base path is the longest prefix of {@code path} at a segment boundary. */
    RestResource resourceFor(String path) {
        RestResource best = null;
        for (RestResource resource : resources) {
            String base = resource.basePath();
            boolean matches = path.equals(base) || path.startsWith(base + "/");
            if (matches && (best == null || base.length() > best.basePath().length())) {
                best = resource;
            }
        }
        return best;
    }

    static SslContext sslContext(Path dir, InetAddress bindAddress) throws IOException {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        Set<InetAddress> addresses = new LinkedHashSet<>(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")));
        if (!bindAddress.isAnyLocalAddress()) {
            addresses.add(bindAddress);
        }
        CertifiedKey key = ca.issueServerCertificate(Set.of("localhost"), addresses, Duration.ofDays(365));
        return SslContextBuilder.forServer(key.privateKey(), key.certificate(), ca.certificate())
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
    }
}
