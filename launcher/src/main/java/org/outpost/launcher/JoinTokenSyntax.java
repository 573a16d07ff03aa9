package org.outpost.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The shape of a join token, checked before a node starts so that a mistyped token stops at the
 * command line instead of in a join that can only fail. The launcher runs outside the OSGi
 * framework and cannot use the security bundle's parser; this is the same grammar, kept small:
 * {@code K10<ca-hash>::server:<secret>} (the node token) or {@code K10<ca-hash>::<id>.<secret>}
 * (a scoped token from {@code edge:token create}). Messages never repeat the token.
 */
final class JoinTokenSyntax {
    static final int MAX_LENGTH = 1024;
    static final String SHAPE = "K10<64 hex digits>::server:<secret> (the node token, in the server's DIR/server/node-token)"
            + " or K10<64 hex digits>::<id>.<secret> (from edge:token create)";

    private static final Pattern NODE_TOKEN = Pattern.compile("K10[0-9a-fA-F]{64}::server:[\\x21-\\x7e\\x{a1}-\\x{10ffff}]+");
    private static final Pattern SCOPED_TOKEN = Pattern.compile("K10[0-9a-fA-F]{64}::[a-z0-9]{6}\\.([a-z0-9]{16,}|[0-9a-fA-F]{16,})");

    private JoinTokenSyntax() {
    }

    /**
     * Checks a token given on the command line or read from a file.
     *
     * @param source how the user gave it, e.g. {@code --token}
     */
    static void check(String token, String source) throws UsageException {
        String text = token.strip();
        if (text.isEmpty()) {
            throw new UsageException(source + " is empty; a join token looks like " + SHAPE);
        }
        if (text.length() > MAX_LENGTH || !(NODE_TOKEN.matcher(text).matches() || SCOPED_TOKEN.matcher(text).matches())) {
            throw new UsageException(source + " is not a join token; a join token looks like " + SHAPE);
        }
    }

    /** A token file's text, read no further than a token can be long. */
    static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_LENGTH + 2), StandardCharsets.UTF_8);
        }
    }
}
