package org.outpost.shell.internal;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.outpost.api.ErrorCode;
import org.outpost.api.LocalNode;
import org.outpost.api.NodeRegistry;
import org.outpost.api.OutpostException;
import org.outpost.api.RoleManager;

/**
 * Common ground of the {@code edge:*} commands: where output goes, what time it is, which role this
 * process has, and how failures become a one-line message.
 *
 * <p>Failures surface as Karaf's {@link CommandException}: the console prints its message (in red)
 * without a stack trace, logs it at debug level only, and the command fails.
 */
abstract class EdgeAction implements Action {

    static final String SERVER_HINT =
            "(edge:role server, or ./outpost shell --data-dir <server dir>)";

    @Reference(optional = true)
    LocalNode localNode;

    @Reference(optional = true)
    RoleManager roleManager;

    @Reference(optional = true)
    org.apache.karaf.shell.api.console.Session session;

    /** Where the command prints; null means {@code System.out} (the session's stream in Karaf). */
    PrintStream out;

    Clock clock = Clock.systemUTC();

    @Override
    public final Object execute() throws Exception {
        try {
            run();
        } catch (OutpostException | IllegalArgumentException e) {
            throw fail(e.getMessage() != null ? e.getMessage() : e.toString(), e);
        }
        return null;
    }

    /** Does the command's work, printing to {@link #out()}. */
    protected abstract void run() throws Exception;

    protected PrintStream out() {
        return out != null ? out : System.out;
    }

    /**
     * Where a command that runs until Ctrl-C ({@code --follow}) prints: the session's console, which
     * reaches the user line by line; {@code System.out} is handed over only when the command ends
     * when it runs as a single remote command.
     */
    protected PrintStream liveOut() {
        if (out != null) {
            return out;
        }
        return session != null && session.getConsole() != null ? session.getConsole() : System.out;
    }

    protected Instant now() {
        return clock.instant();
    }

    /** This process's role ({@code server}/{@code agent}), or null when nothing tells. */
    protected String role() {
        try {
            if (roleManager != null && roleManager.role() != null) {
                return roleManager.role();
            }
        } catch (RuntimeException ignored) {
            // fall back to the configured role
        }
        return localNode != null ? localNode.role() : null;
    }

    /**
     * Returns {@code service}, or fails with a sentence telling why a server-only service is absent.
     *
     * @param family the kind of command, e.g. {@code node} or {@code token}
     */
    protected <T> T requireServer(T service, String family) throws CommandException {
        if (service != null) {
            return service;
        }
        throw fail(serverOnlyMessage(role(), family));
    }

    static String serverOnlyMessage(String role, String family) {
        if ("agent".equals(role)) {
            return "this node is an agent; " + family + " commands run on the server " + SERVER_HINT;
        }
        if ("server".equals(role)) {
            return "the server is not ready yet (starting or switching roles); try " + family
                    + " commands again in a moment";
        }
        return "no server runs in this process; " + family + " commands run on the server " + SERVER_HINT;
    }

    /** Cordons or uncordons a node; an unknown node is a one-line failure. */
    static void cordon(NodeRegistry nodes, String name, boolean cordoned) throws CommandException {
        try {
            nodes.cordon(name, cordoned);
        } catch (OutpostException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw fail("node " + name + " not found", e);
            }
            throw e;
        }
    }

    static CommandException fail(String message) {
        return new CommandException(message);
    }

    static CommandException fail(String message, Throwable cause) {
        return new CommandException(message, cause);
    }
}
