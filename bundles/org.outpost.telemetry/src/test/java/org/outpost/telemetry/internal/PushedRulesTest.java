package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.Rule;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The server's rules: replaced by each push, kept on disk across restarts, bad items left out. */
class PushedRulesTest {

    private final ObjectMapper json = new ObjectMapper();
    @TempDir
    Path dir;

    private PushedRules rules() {
        return new PushedRules(new ServerRulesFile(dir.resolve("telemetry").resolve("server-rules.json"), json), json);
    }

    private boolean push(PushedRules rules, String items) throws Exception {
        return rules.received(json.readTree(items));
    }

    @Test
    void aPushReplacesTheSetAndHoldsAcrossARestart() throws Exception {
        PushedRules rules = rules();
        assertEquals(List.of(), rules.rules());
        assertTrue(push(rules, "[{\"rule.name\":\"hot\",\"device\":\"b\",\"channel\":\"t\",\"kind\":\"THRESHOLD\",\"above\":90,\"for\":5000},"
                + "{\"rule.name\":\"broken\",\"device\":\"b\"}]"));
        assertEquals(List.of("hot"), rules.rules().stream().map(Rule::name).toList(), "the unreadable item is left out");
        assertEquals(Rule.ORIGIN_SERVER, rules.rules().get(0).origin());
        assertFalse(push(rules, "[{\"rule.name\":\"hot\",\"device\":\"b\",\"channel\":\"t\",\"above\":\"90\",\"for\":\"5s\"}]"),
                "the same rules again are no change");

        assertEquals(rules.rules(), rules().rules(), "a restarted node starts with the last push");

        assertTrue(push(rules, "[]"));
        assertEquals(List.of(), rules().rules());
    }

    @Test
    void aDamagedFileMeansWaitingForTheServer() throws Exception {
        Path file = dir.resolve("telemetry").resolve("server-rules.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[{\"rule.name\":");
        assertEquals(List.of(), rules().rules());
    }
}
