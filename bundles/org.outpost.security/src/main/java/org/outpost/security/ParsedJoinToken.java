package org.outpost.security;

import java.util.Locale;
import java.util.regex.Pattern;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * A join token in k3s format, split into its parts.
 * <ul>
 * <li>node token: {@code K10<ca-hash>::server:<secret>}, with {@link #id()} {@code server};</li>
 * <li>scoped token: {@code K10<ca-hash>::<id>.<secret>}, id six of {@code [a-z0-9]}, secret at
 * least 16 of {@code [a-z0-9]} or hex digits.</li>
 * </ul>
 * The CA hash is the SHA-256 of the cluster CA certificate's DER encoding, 64 lowercase hex digits.
 * {@link #toString()} redacts the secret; {@link #format()} gives the whole token back.
 *
 * @param caHash SHA-256 of the cluster CA certificate, lowercase hex
 * @param id     {@code server} for the node token, else the scoped token's id
 * @param secret the secret; never logged by this class
 */
public record ParsedJoinToken(String caHash, String id, String secret) {

    /** The {@link #id()} of the node token. */
    public static final String NODE_TOKEN_ID = "server";

    /** Longest token {@link #parse(String)} accepts. */
    public static final int MAX_LENGTH = 1024;

    private static final String PREFIX = "K10";
    private static final String SEPARATOR = "::";
    private static final Pattern CA_HASH = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern SCOPED_ID = Pattern.compile("[a-z0-9]{6}");
    private static final Pattern SCOPED_SECRET = Pattern.compile("[a-z0-9]{16,}|[0-9a-fA-F]{16,}");

    /** Checks every part; the CA hash is normalised to lower case. */
    public ParsedJoinToken {
        if (caHash == null || !CA_HASH.matcher(caHash).matches()) {
            throw invalid("join token's CA hash must be 64 hexadecimal digits");
        }
        caHash = caHash.toLowerCase(Locale.ROOT);
        if (id == null) {
            throw invalid("join token has no id");
        }
        if (secret == null || secret.isEmpty()) {
            throw invalid("join token has an empty secret");
        }
        if (id.equals(NODE_TOKEN_ID)) {
            if (!secret.codePoints().allMatch(ParsedJoinToken::isNodeSecretChar)) {
                throw invalid("join token's secret must not contain whitespace or control characters");
            }
        } else {
            if (!SCOPED_ID.matcher(id).matches()) {
                throw invalid("join token's id must be 6 characters from [a-z0-9]");
            }
            if (!SCOPED_SECRET.matcher(secret).matches()) {
                throw invalid("join token's secret must be at least 16 characters from [a-z0-9] or hex digits");
            }
        }
    }

    /**
     * Parses a node or scoped token; surrounding whitespace (a trailing newline from a file) is
     * ignored.
     *
     * @throws OutpostException {@link ErrorCode#INVALID_ARGUMENT} with a one-line reason that never
     *                          contains the secret
     */
    public static ParsedJoinToken parse(String token) {
        if (token == null || token.isBlank()) {
            throw invalid("join token is blank");
        }
        String text = token.strip();
        if (text.length() > MAX_LENGTH) {
            throw invalid("join token is longer than " + MAX_LENGTH + " characters");
        }
        if (!text.startsWith(PREFIX)) {
            throw invalid("join token must start with " + PREFIX);
        }
        int separator = text.indexOf(SEPARATOR, PREFIX.length());
        if (separator < 0) {
            throw invalid("join token has no '" + SEPARATOR + "' after the CA hash");
        }
        String caHash = text.substring(PREFIX.length(), separator);
        String credentials = text.substring(separator + SEPARATOR.length());
        if (!CA_HASH.matcher(caHash).matches()) {
            throw invalid("join token's CA hash must be 64 hexadecimal digits");
        }
        if (credentials.startsWith(NODE_TOKEN_ID + ":")) {
            return new ParsedJoinToken(caHash, NODE_TOKEN_ID, credentials.substring(NODE_TOKEN_ID.length() + 1));
        }
        if (credentials.isEmpty()) {
            throw invalid("join token has an empty secret");
        }
        int dot = credentials.indexOf('.');
        if (dot < 0) {
            throw invalid("join token must end in 'server:<secret>' or '<id>.<secret>'");
        }
        String id = credentials.substring(0, dot);
        if (id.equals(NODE_TOKEN_ID)) {
            throw invalid("join token's id 'server' is reserved for the node token ('server:<secret>')");
        }
        return new ParsedJoinToken(caHash, id, credentials.substring(dot + 1));
    }

    /** The node token {@code K10<caHash>::server:<secret>}. */
    public static String formatNodeToken(String caHash, String secret) {
        return new ParsedJoinToken(caHash, NODE_TOKEN_ID, secret).format();
    }

    /** The scoped token {@code K10<caHash>::<id>.<secret>}. */
    public static String formatScopedToken(String caHash, String id, String secret) {
        if (NODE_TOKEN_ID.equals(id)) {
            throw invalid("join token's id 'server' is reserved for the node token");
        }
        return new ParsedJoinToken(caHash, id, secret).format();
    }

    /** Whether this is the cluster's node token rather than a scoped token. */
    public boolean isNodeToken() {
        return id.equals(NODE_TOKEN_ID);
    }

    /** The whole token, secret included. */
    public String format() {
        return PREFIX + caHash + SEPARATOR + (isNodeToken() ? id + ":" : id + ".") + secret;
    }

    /** The parts with the secret redacted, safe to log. */
    @Override
    public String toString() {
        return "ParsedJoinToken[caHash=" + caHash + ", id=" + id + ", secret=<redacted>]";
    }

    private static boolean isNodeSecretChar(int codePoint) {
        return !Character.isWhitespace(codePoint) && !Character.isISOControl(codePoint)
                && !Character.isSpaceChar(codePoint);
    }

    private static OutpostException invalid(String reason) {
        return new OutpostException(ErrorCode.INVALID_ARGUMENT, reason);
    }
}
