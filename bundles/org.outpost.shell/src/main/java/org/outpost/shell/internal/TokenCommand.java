package org.outpost.shell.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.JoinToken;
import org.outpost.api.JoinTokens;

@Command(scope = "edge", name = "token", description = "Shows, creates, lists and revokes join tokens.",
        detailedDescription = "edge:token                 prints the node token\n"
                + "edge:token create [--ttl 1h] [--uses N] [--description D]\n"
                + "                           creates a scoped token and prints it (TTL: 30s, 15m, 1h, 2d,"
                + " or 0/none for no expiry; default " + TokenCommand.DEFAULT_TTL + ")\n"
                + "edge:token list [-o json]  lists tokens, never their secrets\n"
                + "edge:token revoke ID       revokes a token (revoking 'server' rotates the node token)\n"
                + "Runs on the server.")
@Service
public class TokenCommand extends EdgeAction {

    static final String DEFAULT_TTL = "24h";

    @Argument(index = 0, name = "ACTION", description = "create, list or revoke; none prints the node token")
    @Completion(value = StringsCompleter.class, values = {"create", "list", "revoke"})
    String action;

    @Argument(index = 1, name = "ID", description = "revoke: the token's id; options may follow the action",
            multiValued = true)
    List<String> rest;

    String id;

    @Option(name = "--ttl", description = "create: lifetime such as 30s, 15m, 1h, 2d, or 0/none for no expiry")
    String ttl;

    @Option(name = "--uses", description = "create: how many joins may use the token; 0 for unlimited")
    String uses;

    @Option(name = "--description", description = "create: what the token is for")
    String description;

    @Option(name = "-o", aliases = "--output", description = "list: output format json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference(optional = true)
    JoinTokens tokens;

    @Override
    protected void run() throws Exception {
        List<String> positional = TrailingOptions.apply(this, rest);
        if (positional.size() > 1) {
            throw new IllegalArgumentException("unexpected argument '" + positional.get(1) + "'");
        }
        if (!positional.isEmpty()) {
            id = positional.get(0);
        }
        String a = action == null ? "" : action;
        switch (a) {
            case "" -> show();
            case "create" -> create();
            case "list" -> list();
            case "revoke" -> revoke();
            default -> throw fail("unknown action \"" + action + "\"; use edge:token, edge:token create,"
                    + " edge:token list or edge:token revoke ID");
        }
    }

    private void show() throws Exception {
        only("");
        out().println(requireServer(tokens, "token").nodeToken());
    }

    private void create() throws Exception {
        only("create");
        Duration lifetime = Ttl.parse(ttl == null ? DEFAULT_TTL : ttl);
        int maxUses = parseUses(uses);
        JoinToken created = requireServer(tokens, "token")
                .create(lifetime, maxUses, description == null ? "" : description);
        if (created == null || created.token() == null) {
            throw fail("the server created a token but did not return it");
        }
        out().println(created.token());
    }

    private void list() throws Exception {
        only("list");
        boolean json = Output.isJson(output);
        List<JoinToken> all = requireServer(tokens, "token").list();
        if (json) {
            out().println(Json.write(Json.items(all.stream().map(Json::token).toList())));
            return;
        }
        if (all.isEmpty()) {
            out().println("No tokens found.");
            return;
        }
        Table table = new Table("ID", "DESCRIPTION", "EXPIRES", "USES", "REVOKED");
        for (JoinToken t : all) {
            table.row(t.id(), t.description() == null || t.description().isEmpty() ? "<none>" : t.description(),
                    expires(t.expires()), uses(t), t.revoked() ? "yes" : "no");
        }
        table.print(out());
    }

    private void revoke() throws Exception {
        only("revoke");
        requireServer(tokens, "token").revoke(id);
        out().println("token " + id + " revoked");
    }

    /** Refuses arguments and options that belong to another action. */
    private void only(String current) throws Exception {
        if (id != null && !current.equals("revoke")) {
            throw fail("unexpected argument \"" + id + "\"; only edge:token revoke takes an ID");
        }
        if (id == null && current.equals("revoke")) {
            throw fail("edge:token revoke needs the token ID (see edge:token list)");
        }
        if ((ttl != null || uses != null || description != null) && !current.equals("create")) {
            throw fail("--ttl, --uses and --description apply only to edge:token create");
        }
        if (output != null && !current.equals("list")) {
            throw fail("-o applies only to edge:token list");
        }
    }

    static int parseUses(String text) {
        if (text == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("invalid --uses \"" + text + "\": use a whole number, 0 for unlimited");
    }

    static String expires(Instant expires) {
        return expires == null ? "never" : expires.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String uses(JoinToken t) {
        return t.uses() + "/" + (t.maxUses() > 0 ? Integer.toString(t.maxUses()) : "unlimited");
    }
}
