package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.outpost.api.NodeStatus;

class ServerMetricsTest {
    private static final String ROUTE = "GET /v1/nodes";
    private static final Pattern BUCKET = Pattern.compile(
            "(?m)^outpost_http_request_duration_seconds_bucket\\{route=\"([^\"]*)\",le=\"([^\"]+)\"\\} (\\d+)$");

    private static long ms(double millis) {
        return (long) (millis * 1_000_000);
    }

    /** The rendered buckets of one route, in order: le to cumulative count. */
    private static Map<String, Long> buckets(String text, String route) {
        Map<String, Long> buckets = new LinkedHashMap<>();
        Matcher m = BUCKET.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(route)) {
                buckets.put(m.group(2), Long.parseLong(m.group(3)));
            }
        }
        return buckets;
    }

    private static String sample(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), () -> "no sample " + series + " in\n" + text);
        return m.group(1);
    }

    private static String render(ServerMetrics metrics) {
        return render(metrics, Map.of(), 0, 0);
    }

    private static String render(ServerMetrics metrics, Map<NodeStatus, Integer> nodes, long storeRevision, int agents) {
        return PrometheusText.page(page -> metrics.write(page, nodes, storeRevision, agents));
    }

    @Test
    void histogramBucketsAreCumulative() {
        ServerMetrics metrics = new ServerMetrics();
        long[] observations = {ms(0.2), ms(1), ms(1.5), ms(7), ms(30), ms(30), ms(600), ms(2000), ms(2500), ms(9000)};
        for (long nanos : observations) {
            metrics.observeRequest(ROUTE, nanos);
        }

        String text = render(metrics);

        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("0.001", 2L); // 0.2 ms, and exactly 1 ms: le is inclusive
        expected.put("0.005", 3L);
        expected.put("0.01", 4L);
        expected.put("0.025", 4L);
        expected.put("0.05", 6L);
        expected.put("0.1", 6L);
        expected.put("0.25", 6L);
        expected.put("0.5", 6L);
        expected.put("1.0", 7L);
        expected.put("2.5", 9L);
        expected.put("+Inf", 10L);
        assertEquals(expected, buckets(text, ROUTE));
        assertEquals("10", sample(text, "outpost_http_request_duration_seconds_count{route=\"" + ROUTE + "\"}"));
        double sum = Double.parseDouble(sample(text, "outpost_http_request_duration_seconds_sum{route=\"" + ROUTE + "\"}"));
        assertEquals(java.util.Arrays.stream(observations).sum() / 1e9, sum, 1e-9);
    }

    @Test
    void routesHaveTheirOwnHistograms() {
        ServerMetrics metrics = new ServerMetrics();
        metrics.observeRequest("GET /healthz", ms(0.5));
        metrics.observeRequest("GET /healthz", ms(0.5));
        metrics.observeRequest("POST /v1/join", ms(200));

        String text = render(metrics);

        assertEquals(2L, buckets(text, "GET /healthz").get("0.001"));
        assertEquals(2L, buckets(text, "GET /healthz").get("+Inf"));
        assertEquals(0L, buckets(text, "POST /v1/join").get("0.1"));
        assertEquals(1L, buckets(text, "POST /v1/join").get("0.25"));
        assertEquals(1L, buckets(text, "POST /v1/join").get("+Inf"));
        assertEquals("2", sample(text, "outpost_http_request_duration_seconds_count{route=\"GET /healthz\"}"));
        assertEquals("1", sample(text, "outpost_http_request_duration_seconds_count{route=\"POST /v1/join\"}"));
    }

    @Test
    void concurrentObservationsAreAllCounted() throws Exception {
        ServerMetrics metrics = new ServerMetrics();
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        metrics.observeRequest(i % 2 == 0 ? "GET /healthz" : "GET /v1/nodes", ms(i % 2 == 0 ? 0.5 : 3));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        String text = render(metrics);
        long half = threads * perThread / 2;
        assertEquals(half, buckets(text, "GET /healthz").get("0.001"));
        assertEquals(half, buckets(text, "GET /healthz").get("+Inf"));
        assertEquals(0L, buckets(text, "GET /v1/nodes").get("0.001"));
        assertEquals(half, buckets(text, "GET /v1/nodes").get("0.005"));
        assertEquals(String.valueOf(half), sample(text, "outpost_http_request_duration_seconds_count{route=\"GET /v1/nodes\"}"));
    }

    @Test
    void gaugesAndCountersAreRendered() {
        ServerMetrics metrics = new ServerMetrics();
        metrics.heartbeats.add(5);
        metrics.joins.increment();
        metrics.joinsRefused.add(2);

        String text = render(metrics, Map.of(NodeStatus.Ready, 3), 42, 2);

        assertEquals("3", sample(text, "outpost_nodes{status=\"Ready\"}"));
        assertEquals("0", sample(text, "outpost_nodes{status=\"NotReady\"}"), "a missing status is 0");
        assertEquals("5", sample(text, "outpost_heartbeats_received_total"));
        assertEquals("1", sample(text, "outpost_joins_total"));
        assertEquals("2", sample(text, "outpost_joins_refused_total"));
        assertEquals("2", sample(text, "outpost_agent_connections"));
        assertEquals("42", sample(text, "outpost_store_revision"));
        assertTrue(text.contains("# TYPE outpost_heartbeats_received_total counter\n"), text);
        assertTrue(text.contains("# TYPE outpost_nodes gauge\n"), text);
        assertTrue(text.endsWith("\n"), "the exposition ends with a newline");
    }

    @Test
    void everySampleBelongsToADeclaredFamily() {
        ServerMetrics metrics = new ServerMetrics();
        metrics.observeRequest(ROUTE, ms(3));
        String text = render(metrics, Map.of(NodeStatus.Ready, 1, NodeStatus.NotReady, 1), 1, 0);

        List<String> declared = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                declared.add(line.split(" ")[2]);
            } else if (!line.startsWith("#")) {
                String name = line.split("[{ ]")[0];
                String family = name.replaceFirst("_(bucket|sum|count)$", "");
                assertTrue(declared.contains(name) || declared.contains(family), "undeclared sample " + line);
            }
        }
        assertEquals(List.of("outpost_nodes", "outpost_heartbeats_received_total", "outpost_joins_total",
                "outpost_joins_refused_total", "outpost_joins_rate_limited_total", "outpost_https_connections_refused_total",
                "outpost_https_timeouts_total", "outpost_agent_connections", "outpost_store_revision",
                "outpost_http_request_duration_seconds"), declared);
    }
}
