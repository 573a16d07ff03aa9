package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A server restarted on its existing data directory, again and again (stopped, and killed with
 * kill -9): each time its own agent's channel comes up once and stays up, and what goes over it
 * (devices, logs) answers.
 */
class RestartE2EIT {
    /** How long each run is watched for reconnects. */
    private static final Duration WATCH = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void restartedServersOwnAgentConnectsOnceAndStays() throws Exception {
        try (OutpostProcesses outpost = new OutpostProcesses(work)) {
            int port = OutpostProcesses.freePort();
            Path dataDir = work.resolve("restarts");
            for (int run = 1; run <= 6; run++) {
                Node demo = outpost.start("restarts", List.of("demo", "--data-dir", dataDir.toString(), "--https-port",
                        String.valueOf(port)));
                try {
                    watchOneRun(outpost, demo, port, run);
                } catch (AssertionError e) {
                    throw new AssertionError("run " + run + ": " + e.getMessage() + OutpostProcesses.diagnostics(demo), e);
                }
                if (run % 2 == 0) {
                    demo.kill9();
                } else {
                    OutpostProcesses.Result stop = outpost.run(Duration.ofSeconds(90), "stop", "--data-dir", dataDir.toString());
                    assertEquals(0, stop.exitCode(), stop.output());
                    assertTrue(demo.process().waitFor(60, TimeUnit.SECONDS), "run " + run + " exits after stop");
                }
            }
        }
    }

    private void watchOneRun(OutpostProcesses outpost, Node demo, int port, int run) throws Exception {
        await("the demo's banner", Duration.ofSeconds(120), () -> demo.output().contains("Ctrl-C stops the demo."));
        outpost.awaitConsole(demo);
        String nodeName = outpost.shellJson(demo, "edge:status", "-o", "json").path("node").asText();
        await("the local agent connected", Duration.ofSeconds(60), () -> agent(outpost, demo).path("connected").asBoolean());
        if (run > 1) {
            await("a line saying the restarted agent is connected", Duration.ofSeconds(30),
                    () -> demo.output().contains("outpost: node " + nodeName + " connected to "));
        }
        long watchEnds = System.nanoTime() + WATCH.toNanos();
        JsonNode agent = agent(outpost, demo);
        while (System.nanoTime() < watchEnds) {
            agent = agent(outpost, demo);
            assertTrue(agent.path("reconnects").asLong() <= 1, "at most one reconnect in the run: " + agent);
            assertTrue(agent.path("connected").asBoolean(), "connected throughout: " + agent);
            TimeUnit.SECONDS.sleep(2);
        }
        String metrics = new ServerApi(port, demo.dataDir()).text("/metrics");
        String line = metrics.lines().filter(l -> l.startsWith("outpost_agent_reconnects_total{node=\"" + nodeName + "\"}"))
                .findFirst().orElseThrow(() -> new AssertionError("no reconnect counter for " + nodeName + ":\n" + metrics));
        assertTrue(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)) <= 1, line);

        OutpostProcesses.Result devices = outpost.shell(demo, "edge:devices");
        assertEquals(0, devices.exitCode(), devices.output());
        assertTrue(devices.output().lines().anyMatch(l -> l.matches(nodeName + "\\s+sensors\\s+simulated\\s+Connected\\s.*")),
                "devices answer: " + devices.output());
        OutpostProcesses.Result logs = outpost.shell(demo, "edge:logs", "sample-ticker");
        assertEquals(0, logs.exitCode(), "logs answer: " + logs.output());
    }

    private static JsonNode agent(OutpostProcesses outpost, Node demo) {
        try {
            return outpost.shellJson(demo, "edge:status", "-o", "json").path("agent");
        } catch (IOException | InterruptedException | AssertionError e) {
            return OutpostProcesses.JSON.createObjectNode().put("error", e.toString());
        }
    }
}
