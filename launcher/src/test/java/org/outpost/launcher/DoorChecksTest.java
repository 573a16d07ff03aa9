package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** What the launcher refuses before anything starts, and how it says so. */
class DoorChecksTest {
    private static final String HASH = "3f2a" + "0123456789abcdef".repeat(3) + "0123456789ab";

    @Test
    void labelsFollowKubernetesRules() throws Exception {
        assertEquals("site=plant-a,zone=boiler", Labels.check("site=plant-a, zone=boiler"));
        assertEquals("example.com/zone=a,k.io/x_y=,A-b.c_d=Z.9", Labels.check("example.com/zone=a,k.io/x_y=,A-b.c_d=Z.9"));
        assertEquals("", Labels.check(""));
        assertEquals("a=" + "v".repeat(63), Labels.check("a=" + "v".repeat(63)));
        assertEquals("p".repeat(253) + "/n=1", Labels.check("p".repeat(253) + "/n=1"));

        assertRefused("site", "label 'site' is not of the form key=value");
        assertRefused("a=b c", "label 'a=b c': the value must be empty or 1 to 63 letters, digits, '-', '_' and '.',"
                + " starting and ending with a letter or digit");
        assertRefused("a=" + "v".repeat(64), "the value must be empty or 1 to 63");
        assertRefused("a=-x", "the value must be");
        assertRefused("k".repeat(64) + "=1", "the key's name '" + "k".repeat(64) + "' must be 1 to 63");
        assertRefused("-a=1", "the key's name '-a' must be");
        assertRefused("=1", "the key's name '' must be");
        assertRefused("Example.com/a=1", "the key's prefix 'Example.com' must be a DNS subdomain");
        assertRefused("p".repeat(254) + "/n=1", "must be a DNS subdomain: at most 253");
        assertRefused("a/b/c=1", "the key's prefix 'a/b' must be a DNS subdomain");
        assertRefused("/a=1", "the key's prefix '' must be");
        assertRefused("a=1,a=2", "label key 'a' is given twice");
        String many = IntStream.range(0, 65).mapToObj(i -> "k" + i + "=v").collect(Collectors.joining(","));
        assertRefused(many, "a node has at most 64 labels");
        String huge = "a=" + "v".repeat(600_000);
        String message = assertThrows(UsageException.class, () -> Labels.check(huge)).getMessage();
        assertTrue(message.length() < 400, "a huge label is named by its start: " + message.length());
    }

    private static void assertRefused(String labels, String expected) {
        String message = assertThrows(UsageException.class, () -> Labels.check(labels)).getMessage();
        assertTrue(message.contains(expected), message);
    }

    @Test
    void joinTokensAreCheckedForTheirShapeWithoutRepeatingThem() throws Exception {
        JoinTokenSyntax.check("K10" + HASH + "::server:my-Own.Token:with:colons", "--token");
        JoinTokenSyntax.check("K10" + HASH + "::abc123.0123456789abcdef0123\n", "--token");
        JoinTokenSyntax.check("K10" + HASH.toUpperCase() + "::abc123.5ecre7sq5ecre7sq5ecre7sq", "--token");
        for (String bad : List.of("hello", "K10" + HASH + "::", "K10abc::server:secret", "K10" + HASH + "::server:two words",
                "K10" + HASH + "::abc123.short", "K10" + HASH + "::ABC123.0123456789abcdef", "K10" + HASH + "::hello-secret-hello",
                "K11" + HASH + "::server:secret", "K10" + HASH + "::server:" + "x".repeat(1100))) {
            String message = assertThrows(UsageException.class, () -> JoinTokenSyntax.check(bad, "--token")).getMessage();
            assertEquals("--token is not a join token; a join token looks like K10<64 hex digits>::server:<secret> (the node"
                    + " token, in the server's DIR/server/node-token) or K10<64 hex digits>::<id>.<secret> (from edge:token create)",
                    message);
        }
        assertTrue(assertThrows(UsageException.class, () -> JoinTokenSyntax.check(" \n", "the token in /etc/t")).getMessage()
                .startsWith("the token in /etc/t is empty"));
    }

    @Test
    void aTakenHttpsPortIsReportedBeforeTheNodeStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> ListenCheck.requireFree("127.0.0.1", port));
            assertEquals("port " + port + " is in use; choose another with --https-port", e.getMessage());
            assertThrows(IOException.class, () -> ListenCheck.requireFree("0.0.0.0", port), "the wildcard address overlaps");
        }
        ListenCheck.requireFree("127.0.0.1", LoopbackPorts.pickFree());
        assertEquals("cannot listen on 192.0.2.1: it is not an address of this host; choose one with --bind",
                assertThrows(UsageException.class, () -> ListenCheck.requireFree("192.0.2.1", LoopbackPorts.pickFree())).getMessage());
    }

    @Test
    void theClosestKnownWordIsSuggested() {
        Set<String> options = Set.of("data-dir", "bind", "https-port", "node-name", "labels", "rest-port");
        assertEquals(Optional.of("https-port"), Suggestions.closest("https-prot", options));
        assertEquals(Optional.of("labels"), Suggestions.closest("lables", options));
        assertEquals(Optional.of("data-dir"), Suggestions.closest("datadir", options));
        assertEquals(Optional.of("https-port"), Suggestions.closest("https", options), "the start of exactly one option");
        assertEquals(Optional.empty(), Suggestions.closest("verbose", options));
        assertEquals(Optional.empty(), Suggestions.closest("x", options));
        assertEquals(Optional.of("edge:nodes"), Suggestions.closest("edge:nodez", List.of("edge:node", "edge:nodes")),
                "a mistyped letter beats a missing one");
        assertEquals(Optional.of("server"), Suggestions.closest("sever", List.of("agent", "demo", "server", "shell", "stop")));
    }

    @Test
    void unknownOptionsAndCommandsNameTheClosestOne() {
        UsageException option = assertThrows(UsageException.class,
                () -> Arguments.parse(List.of("--https-prot", "7443"), Set.of("https-port", "bind"), Set.of(), false));
        assertEquals("unknown option --https-prot; did you mean --https-port?", option.getMessage());
        UsageException flag = assertThrows(UsageException.class,
                () -> Arguments.parse(List.of("--retry-joins"), Set.of("server"), Set.of("retry-join"), false));
        assertEquals("unknown option --retry-joins; did you mean --retry-join?", flag.getMessage());
        Main main = new Main(java.nio.file.Path.of("."), System.out);
        assertEquals("unknown command 'sever'; did you mean server? (try: outpost --help)",
                assertThrows(UsageException.class, () -> main.run(List.of("sever"))).getMessage());
    }

    @Test
    void aMissingConsoleCommandGetsTheClosestFromTheConsolesList() {
        String list = "[\"cm:getconfiguration\" \"*:edge\" \"edge:nodes\" \"edge:node\" \"edge:logs\" \"bundle:list\"]";
        assertEquals(Optional.of("did you mean edge:nodes?"),
                Suggestions.forMissingCommand("\u001B[31mCommand not found: \u001B[0m\u001B[31;1medge:nodez\u001B[0m\n", list));
        assertEquals(Optional.of("did you mean edge:logs?"), Suggestions.forMissingCommand("Command not found: logz", list));
        assertTrue(Suggestions.forMissingCommand("Command not found: edge:frobnicate", list).orElseThrow()
                .startsWith("there is no command edge:frobnicate; type edge: and Tab"));
        assertEquals(Optional.empty(), Suggestions.forMissingCommand("Error executing command: boom", list));
        assertFalse(Suggestions.forMissingCommand("Command not found: edge:nodez", "").orElseThrow().startsWith("did you mean"));
    }
}
