package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.outpost.api.JoinToken;

class TokenCommandTest {

    private final Fakes.Tokens tokens = new Fakes.Tokens();

    private Fakes.Captured<TokenCommand> command(String action, String id) {
        TokenCommand c = new TokenCommand();
        c.tokens = tokens;
        c.action = action;
        c.id = id;
        return Fakes.capture(c);
    }

    private String error(Fakes.Captured<TokenCommand> c) {
        return assertThrows(CommandException.class, c.action()::execute).getMessage();
    }

    @Test
    void withoutActionPrintsTheNodeToken() throws Exception {
        assertEquals("K10abc::server:s3cret\n", command(null, null).run());
    }

    @Test
    void createPrintsTheNewTokenOnOneLine() throws Exception {
        var c = command("create", null);
        c.action().ttl = "1h";
        c.action().uses = "3";
        c.action().description = "rack 7";
        assertEquals("K10abc::tok1.secretpart\n", c.run());
        assertEquals(Duration.ofHours(1), tokens.lastTtl);
        assertEquals(3, tokens.lastMaxUses);
        assertEquals("rack 7", tokens.lastDescription);
    }

    @Test
    void createDefaultsToADayUnlimitedAndNoneMeansNoExpiry() throws Exception {
        command("create", null).run();
        assertEquals(Duration.ofHours(24), tokens.lastTtl);
        assertEquals(0, tokens.lastMaxUses);
        assertEquals("", tokens.lastDescription);

        var c = command("create", null);
        c.action().ttl = "none";
        c.run();
        assertNull(tokens.lastTtl);
    }

    @Test
    void createRefusesABadTtlOrUseCount() {
        var c = command("create", null);
        c.action().ttl = "1 hour";
        assertEquals("invalid TTL \"1 hour\": use a number with a unit s, m, h or d (e.g. 30s, 15m, 1h, 2d),"
                + " or 0/none for no expiry", error(c));
        c = command("create", null);
        c.action().uses = "-2";
        assertEquals("invalid --uses \"-2\": use a whole number, 0 for unlimited", error(c));
        c = command("create", null);
        c.action().uses = "many";
        assertEquals("invalid --uses \"many\": use a whole number, 0 for unlimited", error(c));
        assertEquals(0, tokens.created);
    }

    @Test
    void listShowsATableWithoutSecrets() throws Exception {
        var c = command("create", null);
        c.action().ttl = "2d";
        c.action().uses = "5";
        c.action().description = "ci";
        c.run();
        c = command("create", null);
        c.action().ttl = "0";
        c.run();
        command("revoke", "tok2").run();
        String out = command("list", null).run();
        assertEquals(String.join("\n",
                "ID    DESCRIPTION  EXPIRES               USES         REVOKED",
                "tok1  ci           2025-06-03T12:00:00Z  0/5          no",
                "tok2  <none>       never                 0/unlimited  yes",
                ""), out);
        assertFalse(out.contains("secret"));
    }

    @Test
    void listPrintsJsonItems() throws Exception {
        command("create", null).run();
        var c = command("list", null);
        c.action().output = "json";
        String out = c.run();
        assertFalse(out.contains("secret"));
        JsonNode items = Json.MAPPER.readTree(out).get("items");
        assertEquals(1, items.size());
        assertEquals(JsonTest.keys(Json.token(new JoinToken("x", "", null, null, 0, 0, false, null))),
                JsonTest.keys(items.get(0)));
        assertEquals("tok1", items.get(0).get("id").asText());
        assertEquals("2025-06-02T12:00:00Z", items.get(0).get("expires").asText());
    }

    @Test
    void listWithNoTokens() throws Exception {
        assertEquals("No tokens found.\n", command("list", null).run());
    }

    @Test
    void revokePrintsAndUnknownIdsFail() throws Exception {
        command("create", null).run();
        assertEquals("token tok1 revoked\n", command("revoke", "tok1").run());
        assertTrue(tokens.tokens.get("tok1").revoked());
        assertEquals("no token with id zzz", error(command("revoke", "zzz")));
        assertEquals("edge:token revoke needs the token ID (see edge:token list)", error(command("revoke", null)));
    }

    @Test
    void refusesMisplacedArgumentsAndOptions() {
        assertTrue(error(command("frobnicate", null)).startsWith("unknown action \"frobnicate\""));
        assertEquals("unexpected argument \"x\"; only edge:token revoke takes an ID", error(command("list", "x")));
        var c = command("list", null);
        c.action().ttl = "1h";
        assertEquals("--ttl, --uses and --description apply only to edge:token create", error(c));
        c = command("create", null);
        c.action().output = "json";
        assertEquals("-o applies only to edge:token list", error(c));
        c = command("list", null);
        c.action().output = "xml";
        assertEquals("unsupported output format \"xml\"; use -o json", error(c));
        assertEquals(0, tokens.created);
    }

    @Test
    void onAnAgentSaysWhereTokenCommandsRun() {
        TokenCommand c = new TokenCommand();
        c.roleManager = new Fakes.Roles("agent");
        assertEquals("this node is an agent; token commands run on the server (edge:role server, or ./outpost"
                + " shell --data-dir <server dir>)", assertThrows(CommandException.class, c::execute).getMessage());
    }
}
