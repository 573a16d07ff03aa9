package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;

/** {@code ./outpost demo} as a new user runs it: from their own working directory, with nothing prepared. */
class DemoE2EIT {
    @TempDir
    Path work;

    @Test
    void demoStartsAServerWithItsLocalAgentAndSaysWhatToTry() throws Exception {
        try (OutpostProcesses outpost = new OutpostProcesses(work)) {
            int port = OutpostProcesses.freePort();
            Node demo = outpost.start("demo", List.of("demo", "--https-port", String.valueOf(port)));
            Path dataDir = work.resolve("outpost-demo");
            try {
                tryTheDemo(outpost, demo, dataDir, port);
            } catch (AssertionError e) {
                // the work folder is gone by the time anyone looks: the failure carries the demo's own account
                throw new AssertionError(e.getMessage() + OutpostProcesses.diagnostics(new Node("demo", dataDir, demo.process(),
                        demo.outputFile())), e);
            }
        }
    }

    private void tryTheDemo(OutpostProcesses outpost, Node demo, Path dataDir, int port) throws Exception {
        await("the demo's banner", Duration.ofSeconds(120), () -> demo.output().contains("Ctrl-C stops the demo."));
        String banner = demo.output();
        String token = Files.readString(dataDir.resolve("server/node-token"), StandardCharsets.UTF_8).trim();
        assertTrue(banner.contains(token), "the join token is printed: " + banner);
        assertTrue(banner.contains("https://127.0.0.1:" + port + "/v1/nodes"), "the admin API URL is printed: " + banner);
        assertTrue(banner.contains("./outpost shell --data-dir " + dataDir + " edge:nodes"), banner);
        String tryLines = banner.substring(banner.indexOf("Try:"), banner.indexOf("Ctrl-C stops the demo."));
        for (String line : tryLines.lines().skip(1).toList()) {
            String command = line.contains(" # ") ? line.substring(0, line.indexOf(" # ")) : line;
            assertTrue(line.startsWith("  ./outpost ") || line.startsWith("  curl "), "a command to paste: " + line);
            assertTrue(!command.contains("(") || command.contains("$("), "notes are # comments, not in parentheses: " + line);
        }

        Node shellView = new Node("demo", dataDir, demo.process(), demo.outputFile());
        String hostNode = outpost.nodes(shellView).path(0).path("name").asText();
        awaitValue("the local agent Ready", Duration.ofSeconds(60), outpost.statusOf(shellView, hostNode), "Ready"::equals);
        assertEquals("server,agent", String.join(",", List.of(outpost.nodes(shellView).path(0).path("roles").get(0).asText(),
                outpost.nodes(shellView).path(0).path("roles").get(1).asText())));

        // the sample workload: a BundleDeployment running in the local agent's own framework
        assertTrue(banner.contains("edge:logs sample-ticker"), banner);
        assertTrue(banner.contains("Kura REST: the URL in " + dataDir + "/rest/url"), banner);
        await("the Kura REST url", Duration.ofSeconds(60), () -> Files.isRegularFile(dataDir.resolve("rest/url")));
        awaitValue("sample-ticker running on the local agent", Duration.ofSeconds(60), () -> {
            try {
                return outpost.shellJson(shellView, "edge:workload", "sample-ticker", "-o", "json").path("ready").asInt();
            } catch (IOException | InterruptedException | AssertionError e) {
                return -1;
            }
        }, ready -> ready == 1);
        OutpostProcesses.Result bundles = outpost.shell(shellView, "bundle:list", "-s");
        assertTrue(bundles.output().contains("org.outpost.sample.ticker") && bundles.output().contains("Active"), bundles.output());
        OutpostProcesses.Result logs = outpost.shell(shellView, "edge:logs", "sample-ticker");
        assertEquals(0, logs.exitCode(), logs.output());
        assertTrue(logs.output().contains("org.outpost.sample.ticker"), logs.output());
        awaitValue("the sample workload's own output in its log", Duration.ofSeconds(30), () -> {
            try {
                return outpost.shell(shellView, "edge:logs", "sample-ticker").output();
            } catch (IOException | InterruptedException e) {
                return e.toString();
            }
        }, out -> out.contains("INFO Sample workload: load average "));

        // the demo's devices: simulated sensors and this host, read by the local agent, seen by the server
        assertTrue(banner.contains("edge:read sensors"), banner);
        awaitValue("both demo devices Connected", Duration.ofSeconds(60), () -> {
            try {
                return outpost.shell(shellView, "edge:devices").output();
            } catch (IOException | InterruptedException e) {
                return e.toString();
            }
        }, out -> out.lines().filter(l -> l.matches(hostNode + "\\s+(sensors\\s+simulated|host\\s+linux)\\s+Connected\\s+4\\s+.*")).count() == 2);
        OutpostProcesses.Result sensors = outpost.shell(shellView, "edge:read", "sensors");
        assertEquals(0, sensors.exitCode(), sensors.output());
        for (String channel : List.of("temperature", "humidity", "pressure", "door")) {
            assertTrue(sensors.output().lines().anyMatch(l -> l.startsWith(channel + " ") && l.contains(" GOOD ")), sensors.output());
        }
        OutpostProcesses.Result host = outpost.shell(shellView, "edge:read", hostNode + "/host", "load");
        assertEquals(0, host.exitCode(), host.output());
        String loadLine = host.output().lines().filter(l -> l.startsWith("load ")).findFirst().orElseThrow();
        double load = Double.parseDouble(loadLine.trim().split("\\s+")[1]);
        double actual = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        assertTrue(Math.abs(load - actual) < 2.0, "the host's real 1-minute load " + actual + " ~ read " + load);
        OutpostProcesses.Result rules = outpost.shell(shellView, "edge:rules");
        assertTrue(rules.output().contains("warm") && rules.output().contains("temperature > 25 for 5s"), rules.output());

        // the Kura REST port the banner points at serves the demo's devices as assets
        String restUrl = Files.readString(dataDir.resolve("rest/url"), StandardCharsets.UTF_8).trim();
        String credential = Files.readString(dataDir.resolve("rest/admin-token"), StandardCharsets.UTF_8).trim();
        Process curl = new ProcessBuilder("curl", "-sS", "--fail-with-body", "--cacert", dataDir.resolve("rest/ca.crt").toString(),
                "-u", "admin:" + credential, restUrl + "/services/assets").redirectErrorStream(true).start();
        curl.getOutputStream().close();
        String assets = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(60, TimeUnit.SECONDS), "curl finished");
        assertEquals(0, curl.exitValue(), assets);
        assertTrue(OutpostProcesses.JSON.readTree(assets).toString().contains("\"sensors\""), assets);

        OutpostProcesses.Result stop = outpost.run(Duration.ofSeconds(90), "stop", "--data-dir", dataDir.toString());
        assertEquals(0, stop.exitCode(), stop.output());
        assertTrue(demo.process().waitFor(30, TimeUnit.SECONDS), "the demo exits after stop");
    }
}
