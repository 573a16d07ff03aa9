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
import java.util.concurrent.LinkedBlockingQueue;
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

    @Reference
    private LocalNode node;

    private final List<RestResource> resources = new CopyOnWriteArrayList<>();
    private ExecutorService workers;
    private GatewayRestServer server;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addResource(RestResource resource) {
        resources.add(resource);
    }

    void removeResource(RestResource resource) {
        resources.remove(resource);
    }

    @Activate
    void activate(Config config) throws IOException, InterruptedException {
        if (!config.enabled()) {
            LOG.info("gateway REST is switched off ({}: enabled=false)", PID);
            return;
        }
        Path dir = node.dataDir().resolve("rest");
        Files.createDirectories(dir);
        GatewayCredential credential = GatewayCredential.loadOrCreate(dir.resolve("admin-token"));
        InetAddress bindAddress = InetAddress.getByName(config.bind().trim());
        SslContext ssl = sslContext(dir, bindAddress);
        // one request at a time per worker; installs and configuration changes are serialised anyway
        workers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                new DefaultThreadFactory("outpost-kura-rest-worker"));
        try {
            server = new GatewayRestServer(new InetSocketAddress(bindAddress, config.port()), ssl,
                    config.maxRequestMiB() * 1024 * 1024, credential, this::resourceFor, workers);
        } catch (RuntimeException e) {
            workers.shutdownNow();
            LOG.error("gateway REST cannot listen on {}:{}: {} (set another port in etc/{}.cfg)",
                    config.bind(), config.port(), e.getMessage(), PID);
            throw e;
        }
        InetSocketAddress bound = server.localAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        String url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/services";
        Files.writeString(dir.resolve("url"), url + "\n", StandardCharsets.UTF_8);
        LOG.info("gateway REST listening on {} (credential in {}, CA in {})", url, dir.resolve("admin-token"), dir.resolve("ca.crt"));
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
        }
        if (workers != null) {
            workers.shutdownNow();
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
