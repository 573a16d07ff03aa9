package org.outpost.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class ParsedJoinTokenTest {

    private static final String HASH = "3f2a" + "0123456789abcdef".repeat(3) + "0123456789ab";
    private static final String SECRET = "5ecre7sq5ecre7sq5ecre7sq";

    @Test
    void nodeTokenRoundTrips() {
        String token = ParsedJoinToken.formatNodeToken(HASH, SECRET);
        assertEquals("K10" + HASH + "::server:" + SECRET, token);

        ParsedJoinToken parsed = ParsedJoinToken.parse(token);
        assertEquals(HASH, parsed.caHash());
        assertEquals("server", parsed.id());
        assertEquals(SECRET, parsed.secret());
        assertTrue(parsed.isNodeToken());
        assertEquals(token, parsed.format());
    }

    @Test
    void scopedTokenRoundTrips() {
        String token = ParsedJoinToken.formatScopedToken(HASH, "abc123", SECRET);
        assertEquals("K10" + HASH + "::abc123." + SECRET, token);

        ParsedJoinToken parsed = ParsedJoinToken.parse(token);
        assertEquals(new ParsedJoinToken(HASH, "abc123", SECRET), parsed);
        assertFalse(parsed.isNodeToken());
        assertEquals(token, parsed.format());
    }

    @Test
    void generatedPartsMakeValidTokens() {
        String secret = Secrets.newSecret();
        String id = Secrets.newId();
        assertEquals(secret, ParsedJoinToken.parse(ParsedJoinToken.formatScopedToken(HASH, id, secret)).secret());
        assertEquals(secret, ParsedJoinToken.parse(ParsedJoinToken.formatNodeToken(HASH, secret)).secret());
    }

    @Test
    void acceptsUpperCaseHexAndSurroundingWhitespace() {
        String upperHashAndHexSecret = "K10" + HASH.toUpperCase() + "::abc123.0123456789ABCDEF0123\n";
        ParsedJoinToken parsed = ParsedJoinToken.parse(upperHashAndHexSecret);
        assertEquals(HASH, parsed.caHash());
        assertEquals("0123456789ABCDEF0123", parsed.secret());
    }

    @Test
    void nodeTokenSecretMayBeAnyPrintableText() {
        ParsedJoinToken parsed = ParsedJoinToken.parse("K10" + HASH + "::server:my-Own.Token:with:colons");
        assertEquals("my-Own.Token:with:colons", parsed.secret());
    }

    @Test
    void toStringRedactsTheSecret() {
        ParsedJoinToken node = ParsedJoinToken.parse(ParsedJoinToken.formatNodeToken(HASH, SECRET));
        ParsedJoinToken scoped = ParsedJoinToken.parse(ParsedJoinToken.formatScopedToken(HASH, "abc123", SECRET));
        for (ParsedJoinToken token : new ParsedJoinToken[] {node, scoped}) {
            assertFalse(token.toString().contains(SECRET), token::toString);
            assertTrue(token.toString().contains("redacted"));
            assertTrue(token.toString().contains(HASH));
        }
    }

    static Stream<Arguments> garbage() {
        String k10 = "K10" + HASH;
        return Stream.of(
                Arguments.of("", "blank"),
                Arguments.of("   \n", "blank"),
                Arguments.of("K11" + HASH + "::server:" + SECRET, "must start with K10"),
                Arguments.of(HASH + "::server:" + SECRET, "must start with K10"),
                Arguments.of(k10 + "server:" + SECRET, "'::'"),
                Arguments.of(k10 + ":server:" + SECRET, "'::'"),
                Arguments.of("K10abc::server:" + SECRET, "CA hash"),
                Arguments.of("K10" + HASH.substring(1) + "g::server:" + SECRET, "CA hash"),
                Arguments.of("K10" + HASH + "0::server:" + SECRET, "CA hash"),
                Arguments.of(k10 + "::", "empty secret"),
                Arguments.of(k10 + "::server:", "empty secret"),
                Arguments.of(k10 + "::abc123.", "empty secret"),
                Arguments.of(k10 + "::" + SECRET, "'server:<secret>' or '<id>.<secret>'"),
                Arguments.of(k10 + "::abc." + SECRET, "id"),
                Arguments.of(k10 + "::abc1234." + SECRET, "id"),
                Arguments.of(k10 + "::ABC123." + SECRET, "id"),
                Arguments.of(k10 + "::." + SECRET, "id"),
                Arguments.of(k10 + "::abc123.sh0rtsecret", "at least 16"),
                Arguments.of(k10 + "::abc123." + SECRET + "_x", "at least 16"),
                Arguments.of(k10 + "::abc123." + SECRET + ".more", "at least 16"),
                Arguments.of(k10 + "::server." + SECRET, "reserved"),
                Arguments.of(k10 + "::server:" + SECRET + " tail", "whitespace"),
                Arguments.of(k10 + "::server:" + SECRET + "\u0007", "control"),
                Arguments.of(k10 + "::server:" + SECRET + "x".repeat(ParsedJoinToken.MAX_LENGTH), "longer than"));
    }

    @ParameterizedTest
    @MethodSource("garbage")
    void rejectsGarbageWithoutRevealingTheSecret(String token, String reason) {
        OutpostException e = assertThrows(OutpostException.class, () -> ParsedJoinToken.parse(token));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' should mention " + reason);
        assertFalse(e.getMessage().contains(SECRET), e::getMessage);
        assertFalse(e.getMessage().contains("sh0rtsecret"), e::getMessage);
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @ParameterizedTest
    @NullSource
    void rejectsNull(String token) {
        OutpostException e = assertThrows(OutpostException.class, () -> ParsedJoinToken.parse(token));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    @Test
    void formatValidatesItsParts() {
        assertThrows(OutpostException.class, () -> ParsedJoinToken.formatNodeToken("nothex", SECRET));
        assertThrows(OutpostException.class, () -> ParsedJoinToken.formatNodeToken(HASH, ""));
        assertThrows(OutpostException.class, () -> ParsedJoinToken.formatScopedToken(HASH, "server", SECRET));
        assertThrows(OutpostException.class, () -> ParsedJoinToken.formatScopedToken(HASH, "abc12", SECRET));
        OutpostException e = assertThrows(OutpostException.class,
                () -> ParsedJoinToken.formatScopedToken(HASH, "abc123", "short"));
        assertFalse(e.getMessage().contains("short"));
    }
}
