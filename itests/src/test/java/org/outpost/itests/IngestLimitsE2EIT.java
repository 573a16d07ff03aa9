package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;
import org.outpost.itests.OutpostProcesses.Result;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One gateway floods the server: a server with a 96 MiB heap and a low ingest budget, an agent
 * whose devices (from etc/*.cfg, as a user drops them in) read five times faster than the budget,
 * and a second, quiet agent. The server must stay up and answer, the quiet node must stay Ready,
 * the flooding node must be paced (its throttled count grows, no one else's), its readings must
 * keep arriving, and once the flood stops every reading its outbox took must have reached the
 * server — nothing dropped silently. Device configurations beyond the node's limits are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestLimitsE2EIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** The server's budget in this test: the flood asks for 1000 readings/s. */
    private static final int BUDGET = 200;
    private static final int FLOOD_DEVICES = 5;
    private static final int FLOOD_CHANNELS = 20;

    @TempDir
    static Path work;
    private OutpostProcesses outpost;
    private ServerApi api;
    private Node server;
    private Node flood;
    private Node calm;

    @BeforeAll
    void start() throws Exception {
        outpost = new OutpostProcesses(work);
        int port = OutpostProcesses.freePort();
        outpost.environment.put("OUTPOST_JAVA_OPTS", "-Xmx96m");
        server = outpost.server("srv", port);
        outpost.environment.remove("OUTPOST_JAVA_OPTS");
        Path tokenFile = outpost.dir("srv").resolve("server/node-token");
        await("node token file", WAIT, () -> Files.isRegularFile(tokenFile));
        outpost.awaitConsole(server);
        ok(server, "config:property-set", "-p", "org.outpost.server.ingest", "readingsPerSecondPerNode", String.valueOf(BUDGET));
        api = new ServerApi(port, outpost.dir("srv"));
        flood = outpost.agent("flood", port, "--token-file", tokenFile.toString());
        calm = outpost.agent("calm", port, "--token-file", tokenFile.toString());
        outpost.awaitConsole(flood);
        outpost.awaitConsole(calm);
        awaitValue("flood Ready", WAIT, outpost.statusOf(server, "flood"), "Ready"::equals);
        awaitValue("calm Ready", WAIT, outpost.statusOf(server, "calm"), "Ready"::equals);
        ok(calm, "edge:device-add", "meter", "--driver", "simulated", "--channel", "power:sine", "--poll", "1s");
    }

    @AfterAll
    void stop() {
        if (outpost != null) outpost.close();
    }

    @Test
    @Order(1)
    void configurationsBeyondTheLimitsAreRefusedWhereverTheyEnter() throws Exception {
        String typo = refused(flood, "edge:device-add", "x1", "--driver", "simulated", "--set", "sede=7", "--channel", "a:sine");
        assertTrue(typo.contains("key sede is unknown to driver simulated (it knows seed)"), typo);

        String fast = refused(flood, "edge:device-add", "x2", "--driver", "simulated", "--channel", "a:sine", "--channel", "b:sine",
                "--channel", "c:sine", "--poll", "10ms");
        assertTrue(fast.contains("device x2 would read 300 times a second (3 polled channels, every 10 ms at the shortest),"
                + " above the limit of 200 reads/s per device (org.outpost.telemetry readsPerSecondPerDevice)"), fast);

        // the same device from a file: configured, not run, its problem naming the limit
        writeDevice(flood, "toofast", 3, 10);
        JsonNode device = awaitDevice(flood, "toofast", d -> d.path("status").asText().equals("Error"));
        assertTrue(device.path("problem").asText().contains("would read 300 times a second"), device.toString());
        assertTrue(device.path("problem").asText().contains("readsPerSecondPerDevice"), device.toString());
        Files.delete(deviceFile(flood, "toofast"));
        awaitValue("toofast gone", WAIT, () -> devicesQuietly(flood), d -> !d.contains("toofast"));
    }

    @Test
    @Order(2)
    void aFloodingNodeIsPacedWhileTheServerAndTheOtherNodeCarryOn() throws Exception {
        for (int i = 0; i < FLOOD_DEVICES; i++) writeDevice(flood, "f" + i, FLOOD_CHANNELS, 100);
        for (int i = 0; i < FLOOD_DEVICES; i++) {
            String name = "f" + i;
            awaitDevice(flood, name, d -> d.path("status").asText().equals("Connected"));
        }
        awaitValue("the flood throttled at the server", WAIT, this::figuresQuietly, f -> f.getOrDefault("throttled/flood", 0L) > 0);
        Map<String, Long> first = figures();
        long firstAt = System.nanoTime();

        // 30 s of flood: the quiet node stays Ready all along, the server answers, the budget holds
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> statuses = new ArrayList<>();
        await("30 s of flood", Duration.ofSeconds(90), () -> {
            assertTrue(server.process().isAlive(), "the server is running" + OutpostProcesses.diagnostics(server));
            statuses.add(nodeStatuses());
            return System.nanoTime() > until;
        });
        assertTrue(statuses.size() >= 20, statuses.toString());
        assertTrue(statuses.stream().allMatch("calm=Ready flood=Ready"::equals),
                "the quiet node, and the flooding node itself, stay Ready: " + statuses);
        Map<String, Long> later = figures();
        double seconds = (System.nanoTime() - firstAt) / 1e9;
        assertTrue(later.get("throttled/flood") > first.get("throttled/flood"), "throttling goes on: " + first + " -> " + later);
        assertEquals(0L, later.getOrDefault("throttled/calm", 0L), "the quiet node is not throttled: " + later);
        assertTrue(later.get("received/flood") > first.get("received/flood"), "readings keep arriving: " + first + " -> " + later);
        assertTrue(later.get("received/calm") > 0, "the quiet node's readings arrive: " + later);
        assertTrue(later.get("history") <= later.get("historyLimit"), "the server's readings stay in their bound: " + later);

        double rate = (later.get("received/flood") - first.get("received/flood")) / seconds;
        assertTrue(rate <= BUDGET * 1.5, "the flood is held near the budget of " + BUDGET + "/s: " + rate + "/s");
        JsonNode outbox = outpost.shellJson(flood, "edge:outbox", "-o", "json").path("local");
        assertTrue(outbox.path("depth").asLong() > 1_000, "the flooding node's outbox holds what waits: " + outbox);

        String table = ok(server, "edge:outbox");
        assertTrue(table.contains("THROTTLED") && table.contains("Ingest budget: " + BUDGET + " readings/s per node"), table);
    }

    @Test
    @Order(3)
    void onceTheFloodStopsEveryReadingTheOutboxTookHasReachedTheServer() throws Exception {
        for (int i = 0; i < FLOOD_DEVICES; i++) Files.delete(deviceFile(flood, "f" + i));
        awaitValue("the flood devices removed", WAIT, () -> devicesQuietly(flood), d -> !d.contains("\"f0\""));
        ok(server, "config:property-set", "-p", "org.outpost.server.ingest", "readingsPerSecondPerNode", "0");
        JsonNode[] local = new JsonNode[1];
        awaitValue("the flooding node's outbox drained", Duration.ofSeconds(240), () -> {
            try {
                local[0] = outpost.shellJson(flood, "edge:outbox", "-o", "json").path("local");
                return local[0].path("depth").asLong(-1);
            } catch (IOException | InterruptedException | AssertionError e) {
                return -1L;
            }
        }, depth -> depth == 0);
        assertEquals(0, local[0].path("droppedTotal").asLong(), "the outbox dropped nothing: " + local[0]);
        long appended = local[0].path("appended").asLong();
        awaitValue("the server's count to match the outbox's " + appended, WAIT,
                () -> figuresQuietly().getOrDefault("received/flood", -1L), received -> received == appended);
        Map<String, Long> last = figures();
        assertEquals(0L, last.getOrDefault("refused/flood", 0L), last.toString());
        assertTrue(server.process().isAlive(), "the server is still running");
    }

    // helpers

    /** "calm=S flood=S" from the admin API: quicker than the shell, so the window is sampled often. */
    private String nodeStatuses() {
        try {
            Map<String, String> statuses = new TreeMap<>();
            JsonNode nodes = api.get("/v1/nodes");
            for (JsonNode node : nodes.isArray() ? nodes : nodes.path("items")) {
                String name = node.path("name").asText();
                if (name.equals("calm") || name.equals("flood")) statuses.put(name, node.path("status").asText());
            }
            StringBuilder out = new StringBuilder();
            statuses.forEach((name, status) -> out.append(out.length() == 0 ? "" : " ").append(name).append('=').append(status));
            return out.toString();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "unanswered: " + e;
        }
    }

    private Path deviceFile(Node node, String name) {
        return node.dataDir().resolve("etc").resolve("org.outpost.device-" + name + ".cfg");
    }

    /** A simulated device as a user drops it into etc/: {@code channels} sine channels every {@code pollMillis}. */
    private void writeDevice(Node node, String name, int channels, long pollMillis) throws IOException {
        StringBuilder cfg = new StringBuilder("device.name = " + name + "\ndriver.pid = simulated\n");
        for (int i = 0; i < channels; i++) {
            cfg.append("c").append(i).append("#+name = c").append(i).append('\n')
                    .append("c").append(i).append("#+value.type = DOUBLE\n")
                    .append("c").append(i).append("#+poll.interval = ").append(pollMillis).append('\n')
                    .append("c").append(i).append("#signal = sine\n");
        }
        Path file = deviceFile(node, name);
        Path temp = file.resolveSibling(name + ".tmp");
        Files.writeString(temp, cfg, StandardCharsets.UTF_8);
        Files.move(temp, file);
    }

    private JsonNode awaitDevice(Node node, String name, java.util.function.Predicate<JsonNode> ok) throws InterruptedException {
        JsonNode[] found = new JsonNode[1];
        awaitValue(name + " on " + node.name(), WAIT, () -> {
            try {
                for (JsonNode device : outpost.shellJson(node, "edge:devices", "-o", "json").path("items")) {
                    if (device.path("name").asText().equals(name)) {
                        found[0] = device;
                        return device;
                    }
                }
            } catch (IOException | InterruptedException | AssertionError e) {
                return null;
            }
            return null;
        }, device -> device != null && ok.test(device));
        return found[0];
    }

    private String devicesQuietly(Node node) {
        try {
            return outpost.shellJson(node, "edge:devices", "-o", "json").toString();
        } catch (IOException | InterruptedException | AssertionError e) {
            return "\"f0\" \"toofast\" unreachable: " + e;
        }
    }

    /** The ingest figures of /metrics: kind/node → value (throttled, received, refused), history, historyLimit. */
    private Map<String, Long> figures() throws IOException, InterruptedException {
        Map<String, Long> figures = new TreeMap<>();
        for (String line : api.text("/metrics").lines().toList()) {
            if (line.startsWith("#")) continue;
            put(figures, line, "outpost_ingest_throttled_total{node=\"", "throttled/");
            put(figures, line, "outpost_readings_received_total{node=\"", "received/");
            put(figures, line, "outpost_outbox_refused_total{node=\"", "refused/");
            if (line.startsWith("outpost_readings_history_bytes ")) figures.put("history", value(line));
            if (line.startsWith("outpost_readings_history_bytes_limit ")) figures.put("historyLimit", value(line));
        }
        return figures;
    }

    private Map<String, Long> figuresQuietly() {
        try {
            return figures();
        } catch (IOException | InterruptedException e) {
            return Map.of();
        }
    }

    private static void put(Map<String, Long> figures, String line, String prefix, String key) {
        if (!line.startsWith(prefix)) return;
        String node = line.substring(prefix.length(), line.indexOf('"', prefix.length()));
        figures.put(key + node, value(line));
    }

    private static long value(String line) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private String ok(Node node, String... command) throws IOException, InterruptedException {
        Result result = outpost.shell(node, command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.output());
        return result.output();
    }

    private String refused(Node node, String... command) throws IOException, InterruptedException {
        Result result = outpost.shell(node, command);
        assertNotEquals(0, result.exitCode(), String.join(" ", command) + " should fail: " + result.output());
        return result.output();
    }
}
