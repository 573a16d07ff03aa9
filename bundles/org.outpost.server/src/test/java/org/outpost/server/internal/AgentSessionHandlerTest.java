package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.outpost.workload.Assignment;
import org.outpost.workload.Container;
import org.outpost.workload.Kind;
import org.outpost.workload.PodTemplate;
import org.outpost.workload.Resources;
import org.outpost.workload.RestartPolicy;
import org.outpost.workload.WorkloadKeys;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.NodeStatus;
import org.outpost.api.NodeUsage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;

class AgentSessionHandlerTest {
    private static final String NODE = "gw-1";
    private static final String SERIAL = "1f2e3d";

    @TempDir
    Path dir;

    private ServerFixture server;
    private final List<Agent> agents = new ArrayList<>();

    /** One agent channel: the session handler behind an {@link Outbox}. */
    private final class Agent {
        final Outbox outbox = new Outbox();
        final EmbeddedChannel channel;

        Agent(String node, String serial) {
            channel = new EmbeddedChannel(outbox, new AgentSessionHandler(server.context, node, serial, "192.0.2.7"));
            agents.add(this);
        }

        void send(ObjectNode message) {
            channel.writeInbound(new TextWebSocketFrame(message.toString()));
        }

        void send(String text) {
            channel.writeInbound(new TextWebSocketFrame(text));
        }

        /** The next frame other than an assignments or rules list (the server sends both after every welcome). */
        JsonNode next(String what) throws Exception {
            while (true) {
                JsonNode message = anyNext(what);
                String type = message.path("type").asText();
                if (!"assignments".equals(type) && !"rules".equals(type)) {
                    return message;
                }
            }
        }

        JsonNode anyNext(String what) throws Exception {
            TextWebSocketFrame frame = outbox.next(TextWebSocketFrame.class, what);
            try {
                return server.json.readTree(frame.text());
            } finally {
                frame.release();
            }
        }

        /** The next assignments list, skipping other frames. */
        JsonNode assignments(String what) throws Exception {
            while (true) {
                JsonNode message = anyNext(what);
                if ("assignments".equals(message.path("type").asText())) {
                    return message;
                }
            }
        }

        /** The next frame, which must be of {@code type}. */
        JsonNode next(String type, String what) throws Exception {
            JsonNode message = next(what);
            assertEquals(type, message.path("type").asText(), message.toString());
            return message;
        }

        /** The error frame, the close frame with {@code status}, then the channel closes. */
        JsonNode refused(String code, int status) throws Exception {
            JsonNode error = next("error", "an error frame");
            assertEquals(code, error.path("code").asText(), error.toString());
            CloseWebSocketFrame close = outbox.next(CloseWebSocketFrame.class, "a close frame");
            try {
                assertEquals(status, close.statusCode());
            } finally {
                close.release();
            }
            outbox.awaitClosed(channel);
            assertFalse(channel.isOpen());
            return error;
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new ServerFixture(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (Agent agent : agents) {
            agent.channel.finishAndReleaseAll();
            agent.outbox.releaseAll();
        }
        server.close();
    }

    private ObjectNode hello(long lastRevision) {
        ObjectNode hello = server.json.createObjectNode();
        hello.put("type", "hello");
        hello.put("protocol", 1);
        hello.put("version", "1.2.3");
        hello.put("lastRevision", lastRevision);
        hello.putObject("labels");
        ObjectNode usage = hello.putObject("usage");
        usage.put("cpus", 2);
        usage.put("memoryTotal", 1024);
        return hello;
    }

    private ObjectNode heartbeat(long seq) {
        ObjectNode beat = server.json.createObjectNode();
        beat.put("type", "heartbeat");
        beat.put("seq", seq);
        ObjectNode usage = beat.putObject("usage");
        usage.put("cpus", 4);
        usage.put("cpuLoad", 0.5);
        usage.put("uptimeSeconds", 77);
        return beat;
    }

    /** A registered node whose agent has said hello and been welcomed, with nothing else pending. */
    private Agent welcomed() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        Agent agent = new Agent(NODE, SERIAL);
        agent.send(hello(server.store.revision()));
        agent.next("welcome", "the welcome");
        return agent;
    }

    @Test
    void helloIsWelcomed() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        Agent agent = new Agent(NODE, SERIAL);
        ObjectNode hello = hello(0);
        hello.putObject("labels").put("site", "plant-a");

        agent.send(hello);

        JsonNode welcome = agent.next("welcome", "the welcome");
        assertEquals(1, welcome.path("protocol").asInt());
        assertEquals(server.store.revision(), welcome.path("revision").asLong(),
                "the revision after the start labels were written");
        JsonNode node = welcome.path("node");
        assertEquals(NODE, node.path("name").asText());
        assertEquals("Ready", node.path("status").asText());
        assertEquals("plant-a", node.path("labels").path("site").asText());
        assertEquals("192.0.2.7", node.path("address").asText());
        assertEquals("1.2.3", node.path("version").asText());
        assertEquals(2, node.path("usage").path("cpus").asInt());
        assertEquals(NodeStatus.Ready, server.registry.get(NODE).orElseThrow().status());
        assertEquals(1, server.sessions.size());
    }

    @Test
    void heartbeatIsAcknowledgedWithItsSequenceNumber() throws Exception {
        Agent agent = welcomed();

        agent.send(heartbeat(41));
        agent.send(heartbeat(42));

        JsonNode first = agent.next("ack", "the first ack");
        assertEquals(41, first.path("seq").asLong());
        assertEquals(server.store.revision(), first.path("revision").asLong());
        assertEquals(42, agent.next("ack", "the second ack").path("seq").asLong());
        assertEquals(2, server.metrics.heartbeats.sum());
        NodeUsage usage = server.registry.get(NODE).orElseThrow().usage();
        assertEquals(4, usage.cpus());
        assertEquals(0.5, usage.cpuLoad());
        assertEquals(77, usage.uptimeSeconds());
    }

    @Test
    void heartbeatBeforeHelloIsRefused() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        Agent agent = new Agent(NODE, SERIAL);

        agent.send(heartbeat(1));

        JsonNode error = agent.refused("invalid_argument", 4400);
        assertTrue(error.path("message").asText().contains("hello"), error.toString());
        assertEquals(0, server.metrics.heartbeats.sum());
        assertEquals(NodeStatus.NotReady, server.registry.get(NODE).orElseThrow().status());
    }

    @Test
    void unsupportedProtocolIsRefused() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        Agent agent = new Agent(NODE, SERIAL);
        ObjectNode hello = hello(0);
        hello.put("protocol", 2);

        agent.send(hello);

        JsonNode error = agent.refused("invalid_argument", 4400);
        assertTrue(error.path("message").asText().contains("protocol 2"), error.toString());
        assertEquals(NodeStatus.NotReady, server.registry.get(NODE).orElseThrow().status());
        assertEquals(0, server.sessions.size());
    }

    @Test
    void messagesThatAreNotJsonOrOfUnknownTypeAreRefused() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        Agent notJson = new Agent(NODE, SERIAL);
        notJson.send("{not json");
        notJson.refused("invalid_argument", 4400);

        Agent unknown = new Agent(NODE, SERIAL);
        unknown.send("{\"type\":\"shutdown\"}");
        JsonNode error = unknown.refused("invalid_argument", 4400);
        assertTrue(error.path("message").asText().contains("shutdown"), error.toString());
    }

    @Test
    void helloFromAnUnregisteredNodeIsForbidden() throws Exception {
        Agent agent = new Agent(NODE, SERIAL);

        agent.send(hello(0));

        agent.refused("forbidden", 4403);
        assertEquals(0, server.sessions.size());
    }

    @Test
    void helloWithAReplacedCertificateIsForbidden() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        server.registry.registerJoin(NODE, "newer");
        Agent agent = new Agent(NODE, SERIAL);

        agent.send(hello(0));

        agent.refused("forbidden", 4403);
    }

    @Test
    void labelChangeAfterHelloIsPushedAsAnUpdate() throws Exception {
        Agent agent = welcomed();

        server.registry.label(NODE, Map.of("tier", "edge"), Set.of());

        JsonNode update = agent.next("update", "the update for the label change");
        assertEquals(server.store.get(StoreKeys.NODES + NODE).orElseThrow().modRevision(),
                update.path("revision").asLong());
        assertEquals(NODE, update.path("node").path("name").asText());
        assertEquals("edge", update.path("node").path("labels").path("tier").asText());

        server.registry.label(NODE, Map.of(), Set.of("tier"));
        JsonNode second = agent.next("update", "the update for the label removal");
        assertTrue(second.path("revision").asLong() > update.path("revision").asLong());
        assertTrue(second.path("node").path("labels").isEmpty(), second.toString());
    }

    @Test
    void changesToOtherNodesAreNotPushed() throws Exception {
        server.registry.registerJoin("gw-10", "aa");
        Agent agent = welcomed();

        server.registry.label("gw-10", Map.of("other", "yes"), Set.of());
        server.registry.label(NODE, Map.of("mine", "yes"), Set.of());

        JsonNode update = agent.next("update", "the update for this node");
        assertEquals("yes", update.path("node").path("labels").path("mine").asText(), update.toString());
        assertTrue(update.path("node").path("labels").path("other").isMissingNode(), update.toString());
    }

    @Test
    void helloReplaysChangesSinceTheAgentsLastRevision() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        long seen = server.store.revision();
        server.registry.label(NODE, Map.of("while", "away"), Set.of());
        long missed = server.store.revision();
        Agent agent = new Agent(NODE, SERIAL);

        agent.send(hello(seen));

        agent.next("welcome", "the welcome");
        JsonNode update = agent.next("update", "the replayed change");
        assertEquals(missed, update.path("revision").asLong());
        assertEquals("away", update.path("node").path("labels").path("while").asText());
    }

    @Test
    void rejoinedNodeIsNotRefusedForItsEarlierDeletion() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        long seenBeforeDeletion = server.store.revision();
        server.registry.delete(NODE);
        server.registry.registerJoin(NODE, "0a0b0c");
        Agent agent = new Agent(NODE, "0a0b0c");

        agent.send(hello(seenBeforeDeletion));
        agent.next("welcome", "the welcome");
        server.registry.label(NODE, Map.of("after", "rejoin"), Set.of());

        while (true) {
            JsonNode message = agent.next("the update for the label set after the re-join");
            assertEquals("update", message.path("type").asText(), message.toString());
            if (message.path("node").path("labels").has("after")) {
                break;
            }
        }
        assertTrue(agent.channel.isOpen());
    }

    @Test
    void deletedNodeIsToldAndDisconnected() throws Exception {
        Agent agent = welcomed();

        server.registry.delete(NODE);

        JsonNode error = agent.refused("forbidden", 4403);
        assertTrue(error.path("message").asText().contains("deleted"), error.toString());
        Await.until("the session is gone", () -> server.sessions.size() == 0);
    }

    @Test
    void closingTheChannelEndsTheSession() throws Exception {
        Agent agent = welcomed();
        assertEquals(1, server.sessions.size());

        agent.channel.close();

        Await.until("the session is gone", () -> server.sessions.size() == 0);
    }

    @Test
    void silentAgentIsDisconnected() throws Exception {
        Agent agent = welcomed();

        agent.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);

        agent.outbox.awaitClosed(agent.channel);
        assertFalse(agent.channel.isOpen());
        Await.until("the session is gone", () -> server.sessions.size() == 0);
    }

    @Test
    void newConnectionOfTheSameNodeReplacesTheOldOne() throws Exception {
        Agent first = welcomed();

        Agent second = new Agent(NODE, SERIAL);
        second.send(hello(server.store.revision()));
        second.next("welcome", "the second welcome");

        first.outbox.awaitClosed(first.channel);
        assertFalse(first.channel.isOpen());
        assertTrue(second.channel.isOpen());
        assertEquals(1, server.sessions.size());
    }

    private byte[] assignmentJson(String node, String instance) throws Exception {
        Assignment a = new Assignment("default", "thermo", instance, node, Kind.DEPLOYMENT, "abc1234567",
                new PodTemplate(1, Map.of(), Map.of(), List.of(new Container("main", "outpost/busybox:1", List.of(), List.of(),
                        Map.of(), Resources.NONE)), RestartPolicy.ALWAYS, Map.of(), List.of()), null);
        return server.json.writeValueAsBytes(a);
    }

    @Test
    void helloIsFollowedByTheNodesAssignmentsAndChangesResendTheWholeList() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        server.store.put(WorkloadKeys.ASSIGNMENTS + NODE + "/default/thermo-aaaaa", assignmentJson(NODE, "thermo-aaaaa"));
        server.store.put(WorkloadKeys.ASSIGNMENTS + "other/default/thermo-bbbbb", assignmentJson("other", "thermo-bbbbb"));
        Agent agent = new Agent(NODE, SERIAL);
        ObjectNode hello = hello(server.store.revision());
        hello.putArray("runtimes").add("docker").add("bundle");
        agent.send(hello);

        JsonNode first = agent.assignments("the assignments after the welcome");
        assertEquals(1, first.path("items").size(), first.toString());
        assertEquals("thermo-aaaaa", first.path("items").get(0).path("instance").asText());
        assertEquals(List.of("docker", "bundle"), server.registry.get(NODE).orElseThrow().runtimes());

        server.store.put(WorkloadKeys.ASSIGNMENTS + NODE + "/default/thermo-ccccc", assignmentJson(NODE, "thermo-ccccc"));
        JsonNode second = agent.assignments("the assignments after a new one");
        assertEquals(2, second.path("items").size(), second.toString());

        server.store.put(WorkloadKeys.ASSIGNMENTS + "other/default/thermo-ddddd", assignmentJson("other", "thermo-ddddd"));
        server.store.delete(WorkloadKeys.ASSIGNMENTS + NODE + "/default/thermo-aaaaa");
        JsonNode third = agent.assignments("the assignments after a removal");
        assertEquals(1, third.path("items").size(), third.toString());
        assertEquals("thermo-ccccc", third.path("items").get(0).path("instance").asText());
    }

    private ObjectNode status(String... idAndPhase) {
        ObjectNode status = server.json.createObjectNode();
        status.put("type", "status");
        status.putArray("runtimes").add("docker");
        var instances = status.putArray("instances");
        for (int i = 0; i < idAndPhase.length; i += 2) {
            ObjectNode item = instances.addObject();
            item.put("id", idAndPhase[i]);
            item.put("specHash", "abc1234567");
            item.put("phase", idAndPhase[i + 1]);
            item.put("restarts", 0);
            item.put("since", "2026-11-25T12:00:00Z");
        }
        return status;
    }

    @Test
    void statusIsStoredUnderTheNodeAndInstancesItNoLongerHasAreRemoved() throws Exception {
        Agent agent = welcomed();

        agent.send(status("default/thermo-aaaaa", "Running", "default/thermo-bbbbb", "Pending"));
        agent.send(heartbeat(1));
        agent.next("ack", "the ack after the status");

        assertEquals("Running", server.json.readTree(server.store.get(WorkloadKeys.instance(NODE, "default/thermo-aaaaa"))
                .orElseThrow().value()).path("phase").asText());
        long written = server.store.get(WorkloadKeys.instance(NODE, "default/thermo-aaaaa")).orElseThrow().modRevision();

        agent.send(status("default/thermo-aaaaa", "Running"));
        agent.send(heartbeat(2));
        agent.next("ack", "the ack after the second status");

        assertEquals(written, server.store.get(WorkloadKeys.instance(NODE, "default/thermo-aaaaa")).orElseThrow().modRevision(),
                "an unchanged status is not written again");
        assertTrue(server.store.get(WorkloadKeys.instance(NODE, "default/thermo-bbbbb")).isEmpty());
        assertEquals(1, server.store.list(WorkloadKeys.INSTANCES).size());
    }

    @Test
    void statusWithABadInstanceIsRefusedAndNothingIsStored() throws Exception {
        Agent agent = welcomed();

        agent.send(status("../../registry/nodes/x", "Running"));

        agent.refused("invalid_argument", 4400);
        assertTrue(server.store.list(WorkloadKeys.INSTANCES).isEmpty());
    }

    @Test
    void logStreamsAreRelayedFromTheNodeThatWasAsked() throws Exception {
        Agent agent = welcomed();
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.io.Closeable handle = server.context.logs().stream(NODE, "default/thermo-aaaaa", 5, true,
                new org.outpost.workload.WorkloadLogs.Listener() {
                    @Override
                    public void line(String line) {
                        got.add(line);
                    }

                    @Override
                    public void ended(String error) {
                        got.add("ended: " + error);
                    }
                });
        JsonNode request = agent.next("logs", "the log request");
        assertEquals("default/thermo-aaaaa", request.path("id").asText());
        assertEquals(5, request.path("tail").asInt());
        assertTrue(request.path("follow").asBoolean());
        long stream = request.path("stream").asLong();

        ObjectNode lines = server.json.createObjectNode();
        lines.put("type", "log");
        lines.put("stream", stream);
        lines.putArray("lines").add("one").add("two");
        agent.send(lines);
        server.context.logs().lines("someone-else", stream, List.of("forged"));
        ObjectNode end = server.json.createObjectNode();
        end.put("type", "log-end");
        end.put("stream", stream);
        end.put("error", "container exited");
        agent.send(end);
        agent.send(heartbeat(1));
        agent.next("ack", "the ack after the log frames");

        assertEquals(List.of("one", "two", "ended: container exited"), got);
        handle.close();
        org.junit.jupiter.api.Assertions.assertThrows(org.outpost.api.OutpostException.class, () -> server.context.logs().stream("gw-absent", "default/x-aaaaa", -1,
                false, null));
    }

    @Test
    void invalidStartLabelsAreDroppedWithAWarningAndTheChannelStays() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        Agent agent = new Agent(NODE, SERIAL);
        ObjectNode hello = hello(0);
        String huge = "x".repeat(600 * 1024);
        hello.putObject("labels").put("site", "plant-a").put("notes", huge).put("Bad Key", "v");

        agent.send(hello);

        JsonNode welcome = agent.next("welcome", "the welcome");
        assertEquals("{\"site\":\"plant-a\"}", welcome.path("node").path("labels").toString());
        JsonNode warning = agent.next("warning", "the warning about the dropped labels");
        String message = warning.path("message").asText();
        assertTrue(message.startsWith("2 start labels were not applied (correct --labels at the agent's next start; labels follow"
                + " Kubernetes' rules, see docs/limits.md): invalid label key \"Bad Key\": the name must start and end"),
                message);
        assertTrue(message.contains("invalid value \"xxxxxxxxxxxxxxxxxxxx…\" (614400 characters) for label notes: must be at most 63"
                + " characters"), message);
        assertTrue(message.length() < 1000, "the value is not repeated: " + message.length());
        assertEquals(Map.of("site", "plant-a"), server.registry.get(NODE).orElseThrow().labels());

        agent.send(heartbeat(1));
        JsonNode ack = agent.anyNext("the ack: the channel stays");
        for (int skipped = 0; !ack.path("type").asText().equals("ack") && skipped < 10; skipped++) {
            assertTrue(!ack.path("type").asText().equals("error"), "not refused: " + ack);
            ack = agent.anyNext("the ack after what follows a welcome (updates, assignments, rules)");
        }
        assertEquals("ack", ack.path("type").asText(), ack.toString());
        assertEquals(1, ack.path("seq").asLong());
        assertTrue(agent.channel.isOpen());
    }

    @Test
    void aLongAssignmentListGoesInChunksUnderHalfAMebibyte() throws Exception {
        server.registry.registerJoin(NODE, SERIAL);
        Set<String> instances = new java.util.TreeSet<>();
        for (int i = 0; i < 40; i++) {
            String instance = "thermo-" + (10000 + i);
            instances.add(instance);
            server.store.put(WorkloadKeys.ASSIGNMENTS + NODE + "/default/" + instance, largeAssignmentJson(instance, 20 * 1024));
        }
        Agent agent = new Agent(NODE, SERIAL);
        agent.send(hello(server.store.revision()));
        agent.next("welcome", "the welcome");

        JsonNode first = agent.assignments("the first chunk");
        long revision = first.path("revision").asLong();
        int chunks = first.path("chunks").asInt();
        assertEquals(2, chunks, "40 × 20 KiB in frames of at most 512 KiB");
        Set<String> received = new java.util.TreeSet<>();
        JsonNode chunk = first;
        for (int i = 0; i < chunks; i++) {
            if (i > 0) {
                chunk = agent.assignments("chunk " + i);
            }
            assertEquals(i, chunk.path("chunk").asInt(), "chunks in order");
            assertEquals(chunks, chunk.path("chunks").asInt());
            assertEquals(revision, chunk.path("revision").asLong(), "one revision for all chunks");
            assertTrue(server.json.writeValueAsBytes(chunk).length <= AssignmentFrames.MAX_FRAME_BYTES, "under 512 KiB");
            chunk.path("items").forEach(item -> received.add(item.path("instance").asText()));
        }
        assertEquals(instances, received, "every assignment, once");
    }

    private byte[] largeAssignmentJson(String instance, int envBytes) throws Exception {
        Assignment a = new Assignment("default", "thermo", instance, NODE, Kind.DEPLOYMENT, "abc1234567",
                new PodTemplate(1, Map.of(), Map.of(), List.of(new Container("main", "outpost/busybox:1", List.of(), List.of(),
                        Map.of("PAYLOAD", "p".repeat(envBytes)), Resources.NONE)), RestartPolicy.ALWAYS, Map.of(), List.of()), null);
        return server.json.writeValueAsBytes(a);
    }

    /** One chunk of a devices report holding {@code names}; chunk 0 also carries the outbox figures. */
    private ObjectNode devicesChunk(long report, int chunk, int chunks, String... names) {
        ObjectNode message = server.json.createObjectNode();
        message.put("type", "devices");
        message.put("report", report);
        message.put("chunk", chunk);
        message.put("chunks", chunks);
        if (chunk == 0) {
            message.putObject("outbox").put("depth", 7).put("droppedTotal", 2);
            message.put("outboxRefused", 3);
        }
        var items = message.putArray("items");
        for (String name : names) {
            ObjectNode device = items.addObject();
            device.putObject("device").put("name", name).put("driver", "simulated").putObject("config");
            device.withObject("/device").putArray("channels");
            device.put("status", "Connected");
            device.put("problem", "");
        }
        return message;
    }

    /** The devices the server holds for the node, once what was sent before is handled (a heartbeat's ack follows it). */
    private List<String> devicesHeld(Agent agent, long seq) throws Exception {
        agent.send(heartbeat(seq));
        JsonNode ack = agent.next("the ack after the devices frames");
        assertEquals("ack", ack.path("type").asText(), "not refused: " + ack);
        return server.context.devices().devices().stream().filter(d -> d.node().equals(NODE)).map(d -> d.state().name()).toList();
    }

    @Test
    void aDevicesReportInChunksIsAppliedOnceWholeAndAnUnfinishedOneGivesWayToANewerOne() throws Exception {
        Agent agent = welcomed();

        agent.send(devicesChunk(5, 0, 3, "boiler", "chiller"));
        agent.send(devicesChunk(5, 1, 3, "fan"));
        assertEquals(List.of(), devicesHeld(agent, 1), "part of a report is not applied");
        agent.send(devicesChunk(5, 2, 3, "pump", "valve"));
        assertEquals(List.of("boiler", "chiller", "fan", "pump", "valve"), devicesHeld(agent, 2), "the whole report, once");
        assertEquals(7, server.context.devices().telemetry().stream().filter(t -> t.node().equals(NODE)).findFirst().orElseThrow()
                .depth(), "chunk 0's fields are applied with it");

        agent.send(devicesChunk(6, 0, 2, "old-a"));
        assertEquals(List.of("boiler", "chiller", "fan", "pump", "valve"), devicesHeld(agent, 3), "nothing whole yet");
        agent.send(devicesChunk(7, 0, 2, "new-a"));
        agent.send(devicesChunk(7, 1, 2, "new-b"));
        assertEquals(List.of("new-a", "new-b"), devicesHeld(agent, 4), "the newer report, with none of the older one's");
        agent.send(devicesChunk(6, 1, 2, "old-b"));
        assertEquals(List.of("new-a", "new-b"), devicesHeld(agent, 5), "the rest of the discarded report completes nothing");

        agent.send(devicesChunk(8, 0, 2, "gone"));
        ObjectNode whole = server.json.createObjectNode();
        whole.put("type", "devices");
        whole.putArray("items").add(devicesChunk(0, 1, 2, "single").path("items").get(0));
        agent.send(whole);
        assertEquals(List.of("single"), devicesHeld(agent, 6), "a report in one frame, as agents before chunks send it");
        assertTrue(agent.channel.isOpen());
    }

    @Test
    void aDevicesReportInMoreChunksThanTheLimitIsRefusedNamingIt() throws Exception {
        Agent agent = welcomed();

        agent.send(devicesChunk(1, 0, DeviceReportChunks.MAX_CHUNKS + 1, "boiler"));

        JsonNode error = agent.refused("invalid_argument", 4400);
        assertTrue(error.path("message").asText().startsWith("a devices report in 65 chunks is more than the 64 this server takes"),
                error.toString());
    }
}
