package org.outpost.itests.paxexam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Session;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.outpost.api.JoinTokens;
import org.outpost.api.NodeRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The {@code edge:} console commands, run in-container through Karaf's SessionFactory on a server. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EdgeCommandsPaxExamIT extends OutpostKarafTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCOPED_TOKEN = Pattern.compile("^K10[0-9a-f]{64}::[a-z0-9]+\\.[a-z0-9]+$");
    private static final List<String> EDGE_COMMANDS =
            List.of("status", "nodes", "node", "label", "token", "node-delete", "role", "leave", "deploy", "workloads", "workload", "scale", "delete",
                    "rollback", "logs", "cordon", "uncordon", "drain",
                    "drivers", "devices", "device", "device-add", "device-remove", "read", "write", "rules", "rule-add", "rule-remove",
                    "outbox", "cloud", "cloud-connect", "cloud-disconnect",
                    "dp-install", "dps", "dp-uninstall", "snapshot-export", "snapshot-import", "snapshots", "snapshot-rollback");

    /** Every test runs against a server that is up (services registered). */
    @Before
    public void serverUp() {
        awaitService(NodeRegistry.class, BOOT_TIMEOUT);
        awaitService(JoinTokens.class, BOOT_TIMEOUT);
    }

    @Test
    public void statusAsJson() throws Exception {
        JsonNode status = json(executeCommand("edge:status -o json"));
        assertEquals(status.toString(), "server", status.path("role").asText());
        assertEquals(status.toString(), NODE_NAME, status.path("node").asText());
        assertTrue("version in " + status, status.path("version").isTextual() && !status.path("version").asText().isBlank());
        assertEquals(status.toString(), configuredServerUrl(), status.path("server").asText());
        assertTrue("store in " + status, status.path("store").asText().startsWith("mvstore"));
    }

    @Test
    public void nodesAsJsonShowsTheLocalNodeReady() throws Exception {
        JsonNode local = await(NODE_NAME + " Ready in edge:nodes -o json", READY_TIMEOUT, () -> {
            JsonNode items = json(execute("edge:nodes -o json")).path("items");
            assertTrue("items must be an array: " + items, items.isArray());
            for (JsonNode n : items) {
                if (NODE_NAME.equals(n.path("name").asText()) && "Ready".equals(n.path("status").asText())) {
                    return n;
                }
            }
            return null;
        });
        assertTrue(local.toString(), local.path("roles").toString().contains("server"));
    }

    @Test
    public void createsAScopedToken() throws Exception {
        String out = executeCommand("edge:token create --ttl 1h --uses 1").trim();
        assertTrue("token '" + out + "' does not match " + SCOPED_TOKEN, SCOPED_TOKEN.matcher(out).matches());
        JsonNode listed = json(executeCommand("edge:token list -o json")).path("items");
        String id = out.substring(out.indexOf("::") + 2, out.indexOf('.'));
        JsonNode created = null;
        for (JsonNode t : listed) {
            if (id.equals(t.path("id").asText())) {
                created = t;
            }
        }
        assertNotNull("token " + id + " not in edge:token list: " + listed, created);
        assertEquals(1, created.path("maxUses").asInt());
        assertFalse("the listing must not carry the secret: " + listed, listed.toString().contains(out));
    }

    @Test
    public void labelsTheLocalNode() throws Exception {
        await(NODE_NAME + " known to the registry", READY_TIMEOUT, () -> json(execute("edge:nodes -o json"))
                .path("items").toString().contains("\"" + NODE_NAME + "\""));
        String out = executeCommand("edge:label " + NODE_NAME + " zone=lab");
        assertTrue(out, out.contains("node/" + NODE_NAME + " labeled"));
        JsonNode node = json(executeCommand("edge:node " + NODE_NAME + " -o json"));
        assertEquals(node.toString(), NODE_NAME, node.path("name").asText());
        assertEquals(node.toString(), "lab", node.path("labels").path("zone").asText());
    }

    @Test
    public void deploysAManifestAndListsIt() throws Exception {
        java.nio.file.Path manifest = java.nio.file.Files.createTempFile("thermo", ".yaml");
        java.nio.file.Files.writeString(manifest, String.join("\n",
                "apiVersion: apps/v1",
                "kind: Deployment",
                "metadata: {name: thermo}",
                "spec:",
                "  replicas: 3",
                "  selector: {matchLabels: {app: thermo}}",
                "  template:",
                "    metadata: {labels: {app: thermo}}",
                "    spec: {containers: [{name: thermo, image: outpost/busybox:1}]}",
                ""));
        String out = executeCommand("edge:deploy -f " + manifest);
        assertEquals(out, "deployment/thermo created (3 replicas)", out.trim());

        JsonNode thermo = null;
        for (JsonNode w : json(executeCommand("edge:workloads -o json")).path("items")) {
            if ("thermo".equals(w.path("name").asText())) {
                thermo = w;
            }
        }
        assertNotNull("thermo in edge:workloads", thermo);
        assertEquals(thermo.toString(), "Deployment", thermo.path("kind").asText());
        assertEquals(thermo.toString(), 3, thermo.path("desired").asInt());
        assertEquals("deployment/thermo scaled (2 replicas)", executeCommand("edge:scale thermo 2").trim());
        assertTrue(executeCommand("edge:workloads").contains("0/2"));
        assertTrue(executeCommand("edge:workload thermo").contains("instances: 0 running of 2 wanted"));
        // the scheduler says why: this server's own agent has no container runtime installed
        String why = await("the scheduler's verdict on thermo", READY_TIMEOUT, () -> {
            String shown = execute("edge:workload thermo");
            return shown.contains("unschedulable:") ? shown : null;
        });
        assertTrue(why, why.contains("unschedulable: 2 of 2 replicas unschedulable: 0/1 nodes are available: 1 without the docker runtime"
                + " (start the agent with --runtime docker)"));

        java.nio.file.Files.writeString(manifest, java.nio.file.Files.readString(manifest).replace("image:", "ports: [], image:"));
        try {
            String refused = executeCommand("edge:deploy -f " + manifest);
            fail("a manifest with ports should be refused, printed: " + refused);
        } catch (Exception e) {
            assertTrue("message: " + e.getMessage(), e.getMessage() != null
                    && e.getMessage().contains(":9: spec.template.spec.containers[0].ports: Outpost containers run with network mode none; remove ports"));
        }
        assertEquals("deployment/thermo deleted", executeCommand("edge:delete thermo").trim());
        assertFalse(executeCommand("edge:workloads -o json").contains("\"thermo\""));
    }

    @Test
    public void unknownNodeIsNotFound() throws Exception {
        try {
            String out = executeCommand("edge:node nosuch");
            fail("edge:node nosuch should fail, printed: " + out);
        } catch (Exception e) {
            assertTrue("message: " + e.getMessage(), e.getMessage() != null && e.getMessage().contains("not found"));
        }
    }

    @Test
    public void allEdgeCommandsAreRegistered() throws Exception {
        Set<String> names = await("all edge commands registered", BOOT_TIMEOUT, () -> {
            Set<String> found = edgeCommands();
            return found.containsAll(EDGE_COMMANDS) ? found : null;
        });
        assertEquals(new TreeSet<>(EDGE_COMMANDS), names);
        // and the console resolves them by name: the role command answers
        assertTrue(executeCommand("edge:role").startsWith("role: server"));
    }

    private Set<String> edgeCommands() {
        Set<String> found = new TreeSet<>();
        Session session = sessionFactory.create(new java.io.ByteArrayInputStream(new byte[0]), System.out, System.err);
        try {
            for (Command command : session.getRegistry().getCommands()) {
                if ("edge".equals(command.getScope())) {
                    found.add(command.getName());
                }
            }
        } finally {
            session.close();
        }
        return found;
    }

    /** {@link #executeCommand} for use inside a wait: failures become unchecked. */
    private String execute(String command) {
        try {
            return executeCommand(command);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(command + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
