package org.outpost.kura.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.LocalNode;

/** The component behind the gateway's REST port: a port another process holds is tried again until it is free. */
class GatewayRestComponentTest {
    @TempDir
    Path dataDir;

    @Test
    void aTakenPortIsTriedAgainAndServedOnceFreed() throws Exception {
        GatewayRestComponent component = new GatewayRestComponent();
        component.node = node(dataDir);
        Path url = dataDir.resolve("rest/url");
        Files.createDirectories(url.getParent());
        Files.writeString(url, "https://127.0.0.1:1/services\n");
        int port;
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = holder.getLocalPort();
            component.activate(config(Map.of("port", port)));
            try {
                assertEquals(0, component.port(), "nothing listens while the port is taken");
                assertFalse(Files.exists(url), "no url names a port this gateway has not bound");
                Thread.sleep(GatewayRestComponent.BIND_RETRY_SECONDS * 1000 + 500);
                assertEquals(0, component.port(), "a retry while the port is still taken fails quietly");
            } catch (Throwable e) {
                component.deactivate();
                throw e;
            }
        }
        try {
            Instant deadline = Instant.now().plusSeconds(3 * GatewayRestComponent.BIND_RETRY_SECONDS);
            while (component.port() == 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertEquals(port, component.port(), "the freed port is taken up by a retry");
            assertEquals("https://127.0.0.1:" + port, Files.readString(url, StandardCharsets.UTF_8).trim());

            String token = Files.readString(dataDir.resolve("rest/admin-token"), StandardCharsets.UTF_8).trim();
            HttpClient client = HttpClient.newBuilder().sslContext(GatewayRestServerTest.trusting(dataDir.resolve("rest/ca.crt")))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/services/none"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"not_found\""), answer.body());
        } finally {
            component.deactivate();
        }
        assertFalse(Files.exists(url), "a stopped gateway leaves no url behind");
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "deactivation released the port");
        }
    }

    @Test
    void aPortTakenForGoodLeavesNoThreadsBehindOnceDeactivated() throws Exception {
        GatewayRestComponent component = new GatewayRestComponent();
        component.node = node(dataDir);
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // threads of other tests' components may still be ending; only this component's count
            Set<Thread> before = restThreads();
            component.activate(config(Map.of("port", holder.getLocalPort())));
            component.deactivate();

            // a thread's executor reports it ended a moment before the thread itself is gone
            Instant deadline = Instant.now().plusSeconds(5);
            Set<Thread> left = restThreads();
            left.removeAll(before);
            while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
                left.retainAll(restThreads());
            }
            assertEquals(Set.of(), left, "the event loop of the failed bind and the retry thread are gone");
        }
    }

    private static Set<Thread> restThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("outpost-kura-rest"))
                .collect(Collectors.toCollection(HashSet::new));
    }

    /** The component's configuration as SCR would make it: the given values, else the annotation's defaults. */
    private static GatewayRestComponent.Config config(Map<String, Object> values) {
        return (GatewayRestComponent.Config) Proxy.newProxyInstance(GatewayRestComponentTest.class.getClassLoader(),
                new Class<?>[] { GatewayRestComponent.Config.class },
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private static LocalNode node(Path dataDir) {
        return new TestNode("gw-test", "agent", dataDir, Map.of(), "0.1.0", Instant.now());
    }

    private record TestNode(String name, String role, Path dataDir, Map<String, String> labels, String version, Instant started)
            implements LocalNode {
    }
}
