package org.outpost.bench;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Workload start latency: a server whose local agent has the Docker runtime (the Docker Engine at
 * DOCKER_HOST, image outpost/busybox:1 present), then RUNS times: a 1-replica Deployment applied
 * through {@code POST /v1/workloads} and {@code GET /v1/workloads/default/NAME} polled every 5 ms
 * until its instance is Running; then deleted. Prints p50/p99/max of apply → Running.
 *
 * <pre>bench/workload-latency.sh [RUNS]</pre>
 */
public final class WorkloadLatency {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path work = Files.createTempDirectory("outpost-latency");
        int port = Bench.freePort();
        Path launcher = root.resolve("outpost");
        Path dataDir = work.resolve("srv");
        try (Instance server = Instance.start(launcher, dataDir, null, List.of("server", "--data-dir", dataDir.toString(),
                "--https-port", String.valueOf(port), "--node-name", "srv", "--runtime", "docker"))) {
            URI base = URI.create("https://127.0.0.1:" + port);
            AdminClient admin = await("the server's admin API", () -> AdminClient.forDataDir(base, dataDir)
                    .filter(c -> c.healthy(TIMEOUT)).orElse(null));
            await("srv Ready with the docker runtime", () -> admin.node("srv", TIMEOUT).filter(AdminClient.Node::ready).orElse(null));
            startOnce(admin, "warmup-0");
            startOnce(admin, "warmup-1");
            long[] millis = new long[runs];
            for (int i = 0; i < runs; i++) {
                millis[i] = startOnce(admin, "lat-" + i);
            }
            Arrays.sort(millis);
            System.out.printf("| runs | p50 ms | p99 ms | max ms |%n|---|---|---|---|%n| %d | %d | %d | %d |%n", runs,
                    Stats.percentile(millis, 50), Stats.percentile(millis, 99), millis[runs - 1]);
        }
    }

    /** Applies a 1-replica Deployment, waits until it runs, deletes it; returns apply → Running in ms. */
    private static long startOnce(AdminClient admin, String name) throws Exception {
        String manifest = String.join("\n",
                "apiVersion: apps/v1",
                "kind: Deployment",
                "metadata: {name: " + name + "}",
                "spec:",
                "  replicas: 1",
                "  selector: {matchLabels: {app: " + name + "}}",
                "  template:",
                "    metadata: {labels: {app: " + name + "}}",
                "    spec: {containers: [{name: main, image: 'outpost/busybox:1', command: [sleep, '3600']}]}",
                "");
        long start = System.nanoTime();
        HttpResponse<String> applied = admin.send("POST", "/v1/workloads", manifest, TIMEOUT);
        if (applied.statusCode() != 201) {
            throw new IllegalStateException("apply failed: " + applied.statusCode() + " " + applied.body());
        }
        long deadline = start + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode workload = AdminClient.json(admin.send("GET", "/v1/workloads/default/" + name, null, TIMEOUT));
            if (workload.path("ready").asInt() == 1) {
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                admin.send("DELETE", "/v1/workloads/default/" + name, null, TIMEOUT);
                return elapsed;
            }
            JsonNode status = workload.path("instances").path(0).path("status");
            if ("Failed".equals(status.path("phase").asText())) {
                throw new IllegalStateException(name + " failed: " + status.path("reason").asText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not Running within 60 s: " + workload);
            }
            Thread.sleep(5);
        }
    }

    private interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T await(String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out waiting for " + what);
    }
}
