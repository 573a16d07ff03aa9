package org.outpost.shell.internal;

import java.util.List;

import java.net.URI;
import java.net.URISyntaxException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.RoleManager;

@Command(scope = "edge", name = "role", description = "Shows or switches this node's role (server or agent).",
        detailedDescription = "edge:role                                  prints the current role\n"
                + "edge:role server [--https-port N] [--bind ADDR]\n"
                + "                                           becomes the server of a cluster of its own\n"
                + "                                           (listening on ADDR:N, default as configured, else 127.0.0.1:6443)\n"
                + "edge:role agent --server URL [--token T]   becomes an agent of that server\n"
                + "The switch happens in this process; nothing restarts.")
@Service
public class RoleCommand extends EdgeAction {

    @Argument(index = 0, name = "ROLE", description = "server or agent; none prints the current role")
    @Completion(value = StringsCompleter.class, values = {"server", "agent"})
    String role;

    @Argument(index = 1, name = "OPTIONS", description = "options may also follow the argument", multiValued = true)
    List<String> trailing;

    @Option(name = "--server", description = "agent: the server's URL, e.g. https://10.0.0.1:6443")
    String server;

    @Option(name = "--token", description = "agent: a join token (not needed to rejoin a cluster this node"
            + " already belongs to)", censor = true)
    String token;

    @Option(name = "--https-port", description = "server: the HTTPS port to listen on (default as configured, else 6443)")
    Integer httpsPort;

    @Option(name = "--bind", description = "server: the address to listen on (default as configured, else 127.0.0.1)")
    String bind;

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + extra.get(0) + "'");
        }
        RoleManager roles = roleManager;
        if (roles == null) {
            throw fail("roles cannot be switched: the role manager is not running in this process");
        }
        if (role == null) {
            if (server != null || token != null) {
                throw fail("--server and --token need a role: edge:role agent --server URL [--token T]");
            }
            out().println(line(roles.role()));
            return;
        }
        switch (role) {
            case "server" -> {
                if (server != null || token != null) {
                    throw fail("--server and --token apply only to edge:role agent");
                }
                if (httpsPort != null && (httpsPort < 1 || httpsPort > 65535)) {
                    throw fail("--https-port must be a port from 1 to 65535, got " + httpsPort);
                }
                if (httpsPort == null && bind == null) {
                    roles.becomeServer();
                } else {
                    roles.becomeServer(bind == null || bind.isBlank() ? null : bind.trim(), httpsPort == null ? 0 : httpsPort);
                }
                out().println(line(roles.role()));
            }
            case "agent" -> {
                if (httpsPort != null || bind != null) {
                    throw fail("--https-port and --bind apply only to edge:role server (an agent listens on no cluster port)");
                }
                if (server == null || server.isBlank()) {
                    throw fail("edge:role agent needs --server URL, e.g. --server https://10.0.0.1:6443");
                }
                String url = checkUrl(server.trim());
                roles.becomeAgent(url, token == null || token.isBlank() ? null : token.trim());
                out().println(line(roles.role()));
                out().println("server: " + url);
            }
            default -> throw fail("unknown role \"" + role + "\"; use server or agent");
        }
    }

    static String line(String role) {
        return "role: " + (role == null ? "<none>" : role) + " (same process, pid " + ProcessHandle.current().pid()
                + ")";
    }

    static String checkUrl(String url) {
        try {
            URI uri = new URI(url);
            if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // fall through
        }
        throw new IllegalArgumentException("invalid --server \"" + url + "\": use https://HOST:PORT,"
                + " e.g. https://10.0.0.1:6443");
    }
}
