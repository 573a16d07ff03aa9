package org.outpost.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.outpost.security.ClusterCa;
import org.outpost.store.mvstore.internal.MVStoreKv;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A server's shared state wired the way {@link ServerComponent} wires it, on the real store in a
 * temporary directory, with a clock and a nanosecond counter the test moves.
 */
final class ServerFixture implements AutoCloseable {
    static final String SERVER_NODE = "server-1";
    static final Duration NODE_TIMEOUT = Duration.ofSeconds(10);
    static final Instant START = Instant.parse("2025-06-01T12:00:00Z");

    final Path dir;
    final MVStoreKv store;
    final ClusterCa ca;
    final ObjectMapper json = newJson();
    final MutableClock clock = new MutableClock(START);
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final JoinTokenService tokens;
    final NodeRegistryService registry;
    final String adminToken;
    final ServerMetrics metrics = new ServerMetrics();
    final AgentSessions sessions = new AgentSessions();
    final ExecutorService workers = Executors.newFixedThreadPool(4);
    final ServerContext context;

    ServerFixture(Path dataDir) throws IOException {
        this.dir = dataDir.resolve("server");
        this.store = MVStoreKv.open(dataDir.resolve("db").resolve("cluster.mv"), MVStoreKv.Options.defaults());
        this.ca = ClusterCa.loadOrCreate(dir.resolve("tls"));
        this.tokens = new JoinTokenService(store, json, clock, ca.certificateHash(), dir.resolve("node-token"));
        tokens.ensureNodeToken();
        AdminCredential admin = AdminCredential.loadOrCreate(dir.resolve("admin-token"));
        this.adminToken = Files.readString(dir.resolve("admin-token"), StandardCharsets.UTF_8).trim();
        this.registry = new NodeRegistryService(store, json, clock, nanos::get, SERVER_NODE, NODE_TIMEOUT);
        this.context = new ServerContext(new TestNode(SERVER_NODE, dataDir, START), store, ca, registry, tokens, admin,
                metrics, sessions, new LogStreams(sessions, json),
                new WorkloadRegistryService(store, json, clock), new DeviceHub(store, sessions, json, 100), json, workers,
                Duration.ofDays(30), 30);
    }

    static ObjectMapper newJson() {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    @Override
    public void close() throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
        store.close();
    }
}
