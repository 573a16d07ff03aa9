package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

class RoleCommandTest {

    private static final long PID = ProcessHandle.current().pid();

    private final Fakes.Roles roles = new Fakes.Roles("agent");

    private Fakes.Captured<RoleCommand> command(String role, String server, String token) {
        RoleCommand c = new RoleCommand();
        c.roleManager = roles;
        c.role = role;
        c.server = server;
        c.token = token;
        return Fakes.capture(c);
    }

    private String error(Fakes.Captured<RoleCommand> c) {
        return assertThrows(CommandException.class, c.action()::execute).getMessage();
    }

    @Test
    void becomesServer() throws Exception {
        assertEquals("role: server (same process, pid " + PID + ")\n", command("server", null, null).run());
        assertEquals(List.of("server"), roles.calls);
    }

    @Test
    void becomesAgent() throws Exception {
        assertEquals("role: agent (same process, pid " + PID + ")\nserver: https://10.0.0.1:6443\n",
                command("agent", "https://10.0.0.1:6443", "K10x::abc.def").run());
        command("agent", "https://edge.example:6443", null).run();
        assertEquals(List.of("agent https://10.0.0.1:6443 K10x::abc.def", "agent https://edge.example:6443 null"),
                roles.calls);
    }

    @Test
    void withoutArgumentShowsTheRole() throws Exception {
        assertEquals("role: agent (same process, pid " + PID + ")\n", command(null, null, null).run());
    }

    @Test
    void refusesIncompleteOrWrongArguments() {
        assertEquals("edge:role agent needs --server URL, e.g. --server https://10.0.0.1:6443",
                error(command("agent", null, "t")));
        assertEquals("invalid --server \"10.0.0.1:6443\": use https://HOST:PORT, e.g. https://10.0.0.1:6443",
                error(command("agent", "10.0.0.1:6443", null)));
        assertEquals("--server and --token apply only to edge:role agent", error(command("server", "https://a", null)));
        assertEquals("unknown role \"master\"; use server or agent", error(command("master", null, null)));
        assertEquals(List.of(), roles.calls);
    }

    @Test
    void withoutRoleManager() {
        RoleCommand c = new RoleCommand();
        c.role = "server";
        assertEquals("roles cannot be switched: the role manager is not running in this process",
                assertThrows(CommandException.class, c::execute).getMessage());
    }
}
