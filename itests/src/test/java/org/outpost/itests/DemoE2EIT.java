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
            await("the demo's banner", Duration.ofSeconds(120), () -> demo.output().contains("Ctrl-C stops the demo."));
            String banner = demo.output();
            String token = Files.readString(dataDir.resolve("server/node-token"), StandardCharsets.UTF_8).trim();
            assertTrue(banner.contains(token), "the join token is printed: " + banner);
            assertTrue(banner.contains("https://127.0.0.1:" + port + "/v1/nodes"), "the admin API URL is printed: " + banner);
            assertTrue(banner.contains("./outpost shell --data-dir " + dataDir + " edge:nodes"), banner);

            Node shellView = new Node("demo", dataDir, demo.process(), demo.outputFile());
            String hostNode = outpost.nodes(shellView).path(0).path("name").asText();
            awaitValue("the local agent Ready", Duration.ofSeconds(60), outpost.statusOf(shellView, hostNode), "Ready"::equals);
            assertEquals("server,agent", String.join(",", List.of(outpost.nodes(shellView).path(0).path("roles").get(0).asText(),
                    outpost.nodes(shellView).path(0).path("roles").get(1).asText())));

            // the sample workload: a BundleDeployment running in the local agent's own framework
            assertTrue(banner.contains("edge:logs sample-ticker"), banner);
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

            OutpostProcesses.Result stop = outpost.run(Duration.ofSeconds(90), "stop", "--data-dir", dataDir.toString());
            assertEquals(0, stop.exitCode(), stop.output());
            assertTrue(demo.process().waitFor(30, TimeUnit.SECONDS), "the demo exits after stop");
        }
    }
}
