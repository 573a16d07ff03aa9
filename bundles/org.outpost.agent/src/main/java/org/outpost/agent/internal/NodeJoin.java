package org.outpost.agent.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.outpost.security.ParsedJoinToken;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Which identity an attempt to reach the server uses: the one saved under the data directory, or
 * a new one from joining with the token — when there is none yet, when the token is for another
 * cluster (its CA hash differs), or after the server refused the saved one.
 */
final class NodeJoin {
    private final URI server;
    private final Path tokenFile;
    private final Path identityDir;
    private final String node;
    private final ObjectMapper json;
    private final AgentConsole console;
    private volatile boolean refusedByServer;
    private volatile boolean joinedInThisRun;

    /** @param tokenFile null when no token is configured */
    NodeJoin(URI server, Path tokenFile, Path identityDir, String node, ObjectMapper json, AgentConsole console) {
        this.server = server;
        this.tokenFile = tokenFile;
        this.identityDir = identityDir;
        this.node = node;
        this.json = json;
        this.console = console;
    }

    NodeIdentity identity() throws JoinRefusedException, IOException {
        Optional<NodeIdentity> existing = NodeIdentity.load(identityDir);
        Optional<String> token = readToken();
        boolean tokenForSameCluster = token.flatMap(NodeJoin::caHashOf)
                .map(hash -> existing.map(id -> id.caHash().equals(hash)).orElse(false)).orElse(true);
        if (existing.isPresent() && tokenForSameCluster && !refusedByServer) {
            return existing.get();
        }
        if (token.isEmpty()) {
            throw new JoinRefusedException(existing.isPresent()
                    ? "the server no longer accepts this node's identity and no join token is configured"
                    : "no node identity yet and no join token configured (--token or --token-file)");
        }
        Files.createDirectories(identityDir);
        NodeIdentity joined = new Joiner(json).join(server, token.get(), node, identityDir,
                existing.filter(id -> !refusedByServer));
        refusedByServer = false;
        joinedInThisRun = true;
        console.joined();
        return joined;
    }

    /** The server no longer takes the saved identity: the next attempt joins again (with the token). */
    void refusedByServer() {
        refusedByServer = true;
    }

    boolean joinedInThisRun() {
        return joinedInThisRun;
    }

    private Optional<String> readToken() throws IOException {
        if (tokenFile == null || !Files.isRegularFile(tokenFile)) {
            return Optional.empty();
        }
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static Optional<String> caHashOf(String token) {
        try {
            return Optional.of(ParsedJoinToken.parse(token).caHash());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
