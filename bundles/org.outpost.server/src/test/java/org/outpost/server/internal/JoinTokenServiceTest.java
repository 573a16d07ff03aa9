package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.JoinToken;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.security.ParsedJoinToken;
import org.outpost.security.ClusterCa;
import org.outpost.store.mvstore.internal.MVStoreKv;

import com.fasterxml.jackson.databind.ObjectMapper;

class JoinTokenServiceTest {
    private static final Pattern NODE_TOKEN = Pattern.compile("K10([0-9a-f]{64})::server:([0-9a-f]{32})");
    private static final Pattern SCOPED_TOKEN = Pattern.compile("K10([0-9a-f]{64})::([a-z0-9]{6})\\.([0-9a-f]{32})");

    @TempDir
    Path dir;

    private final ObjectMapper json = ServerFixture.newJson();
    private final MutableClock clock = new MutableClock(ServerFixture.START);
    private MVStoreKv store;
    private ClusterCa ca;
    private Path tokenFile;

    @BeforeEach
    void open() {
        store = MVStoreKv.open(dir.resolve("db").resolve("cluster.mv"), MVStoreKv.Options.defaults());
        ca = ClusterCa.loadOrCreate(dir.resolve("server").resolve("tls"));
        tokenFile = dir.resolve("server").resolve("node-token");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private JoinTokenService newService() {
        return new JoinTokenService(store, json, clock, ca.certificateHash(), tokenFile);
    }

    private JoinTokenService started() {
        JoinTokenService service = newService();
        service.ensureNodeToken();
        return service;
    }

    private String fileContent() throws Exception {
        return Files.readString(tokenFile, StandardCharsets.UTF_8);
    }

    private static Matcher matching(Pattern pattern, String token) {
        Matcher m = pattern.matcher(token);
        assertTrue(m.matches(), () -> token.replaceAll("[0-9a-f]{32}$", "<secret>") + " does not match " + pattern);
        return m;
    }

    /** Redeeming must fail with {@code code}, and the message must not give the secret away. */
    private static OutpostException assertRefused(JoinTokenService service, String presented, ErrorCode code,
            String secret) {
        OutpostException e = assertThrows(OutpostException.class, () -> service.redeem(presented));
        assertEquals(code, e.code(), e.getMessage());
        assertFalse(e.getMessage().contains(secret), "the message gives the secret away: " + e.getMessage());
        if (!presented.isBlank()) {
            assertFalse(e.getMessage().contains(presented.strip()), "the message echoes the token: " + e.getMessage());
        }
        return e;
    }

    private JoinToken listed(JoinTokenService service, String id) {
        return service.list().stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("token " + id + " not listed"));
    }

    @Test
    void nodeTokenFileIsPrivateAndInK3sFormat() throws Exception {
        JoinTokenService service = started();

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(tokenFile));
        String content = fileContent();
        assertTrue(content.endsWith("\n"), "the file ends with a newline");
        Matcher m = matching(NODE_TOKEN, content.trim());
        assertEquals(ca.certificateHash(), m.group(1), "the token carries the CA certificate's hash");
        assertEquals(content.trim(), service.nodeToken());
        assertEquals("server", service.redeem(service.nodeToken()));
    }

    @Test
    void storeKeepsOnlyAHashOfTheNodeSecret() throws Exception {
        started();
        String secret = matching(NODE_TOKEN, fileContent().trim()).group(2);

        KeyValue stored = store.get(StoreKeys.TOKENS + "server").orElseThrow();
        assertFalse(stored.valueAsString().contains(secret), stored.valueAsString());
        assertTrue(stored.valueAsString().contains("\"sha256$"), "a generated secret gets the fast salted hash: " + stored.valueAsString());
    }

    @Test
    void aNodeTokenTheUserWroteIsAPassphraseAndGetsTheSlowHash() throws Exception {
        Files.createDirectories(tokenFile.getParent());
        Files.writeString(tokenFile, ParsedJoinToken.formatNodeToken(ca.certificateHash(), "correct-horse-battery") + "\n");
        JoinTokenService service = started();

        String stored = store.get(StoreKeys.TOKENS + "server").orElseThrow().valueAsString();
        assertFalse(stored.contains("correct-horse-battery"), stored);
        assertTrue(stored.contains("\"pbkdf2-sha256$"), stored);
        assertEquals("server", service.redeem(ParsedJoinToken.formatNodeToken(ca.certificateHash(), "correct-horse-battery")));
        assertThrows(OutpostException.class,
                () -> service.redeem(ParsedJoinToken.formatNodeToken(ca.certificateHash(), "correct-horse-battery!")));
    }

    @Test
    void nodeTokenSurvivesANewServiceOnTheSameStoreAndFile() throws Exception {
        String first = started().nodeToken();

        JoinTokenService restarted = started();

        assertEquals(first, restarted.nodeToken());
        assertEquals(first, fileContent().trim());
        assertEquals("server", restarted.redeem(first));
    }

    @Test
    void nodeTokenSurvivesReopeningTheStore() throws Exception {
        String first = started().nodeToken();
        store.close();
        store = MVStoreKv.open(dir.resolve("db").resolve("cluster.mv"), MVStoreKv.Options.defaults());

        JoinTokenService restarted = started();

        assertEquals(first, restarted.nodeToken());
        assertEquals("server", restarted.redeem(first));
    }

    @Test
    void nodeTokenFileIsAdoptedByAnEmptyStore() throws Exception {
        String first = started().nodeToken();
        store.close();
        Files.delete(dir.resolve("db").resolve("cluster.mv"));
        store = MVStoreKv.open(dir.resolve("db").resolve("cluster.mv"), MVStoreKv.Options.defaults());

        JoinTokenService restarted = started();

        assertEquals(first, restarted.nodeToken(), "the token agents were given stays valid");
        assertEquals("server", restarted.redeem(first));
    }

    @Test
    void lostNodeTokenFileMeansANewToken() throws Exception {
        String first = started().nodeToken();
        Files.delete(tokenFile);

        JoinTokenService restarted = started();

        String second = restarted.nodeToken();
        assertNotEquals(first, second);
        matching(NODE_TOKEN, second);
        assertRefused(restarted, first, ErrorCode.UNAUTHORIZED, matching(NODE_TOKEN, first).group(2));
        assertEquals("server", restarted.redeem(second));
    }

    @Test
    void nodeTokenOfAnotherCaIsReplaced() throws Exception {
        String otherHash = "ab".repeat(32);
        Files.createDirectories(tokenFile.getParent());
        Files.writeString(tokenFile, "K10" + otherHash + "::server:" + "0123456789abcdef".repeat(2) + "\n");

        JoinTokenService service = started();

        Matcher m = matching(NODE_TOKEN, service.nodeToken());
        assertEquals(ca.certificateHash(), m.group(1));
        assertNotEquals("0123456789abcdef".repeat(2), m.group(2));
    }

    @Test
    void redeemingTheNodeTokenNeedsNoCounting() {
        JoinTokenService service = started();

        assertEquals("server", service.redeem(service.nodeToken()));
        assertEquals("server", service.redeem(service.nodeToken() + "\n"), "a trailing newline from a file is fine");

        JoinToken node = listed(service, "server");
        assertEquals(0, node.uses(), "unlimited tokens are not counted, so a fleet joining at once does not contend");
        assertEquals(0, node.maxUses(), "the node token is not limited");
        assertNull(node.expires());
    }

    @Test
    void createdScopedTokenIsRedeemed() {
        JoinTokenService service = started();

        JoinToken created = service.create(Duration.ofHours(1), 3, "line 4");

        Matcher m = matching(SCOPED_TOKEN, created.token());
        assertEquals(ca.certificateHash(), m.group(1));
        assertEquals(created.id(), m.group(2));
        assertEquals("line 4", created.description());
        assertEquals(ServerFixture.START, created.created());
        assertEquals(ServerFixture.START.plus(Duration.ofHours(1)), created.expires());
        assertEquals(3, created.maxUses());
        assertEquals(0, created.uses());
        assertFalse(created.revoked());

        assertEquals(created.id(), service.redeem(created.token()));
        assertEquals(1, listed(service, created.id()).uses());
    }

    @Test
    void garbageIsUnauthorized() {
        JoinTokenService service = started();
        String secret = "5ecre7" + "0".repeat(26);

        assertRefused(service, "garbage", ErrorCode.UNAUTHORIZED, "garbage-secret-that-is-not-there");
        assertRefused(service, "", ErrorCode.UNAUTHORIZED, secret);
        assertRefused(service, "K10" + ca.certificateHash() + "::" + secret, ErrorCode.UNAUTHORIZED, secret);
        assertRefused(service, "K10" + ca.certificateHash() + "::abcdef." + "XYZ" + secret, ErrorCode.UNAUTHORIZED,
                secret);
        assertRefused(service, "K10" + ca.certificateHash() + "::server:" + secret + " " + secret,
                ErrorCode.UNAUTHORIZED, secret);
        OutpostException e = assertRefused(service, "K10nothex::server:" + secret, ErrorCode.UNAUTHORIZED, secret);
        assertTrue(e.getMessage().startsWith("malformed token"), e.getMessage());
    }

    @Test
    void tokenOfAnotherClusterIsUnauthorized() {
        JoinTokenService service = started();
        String secret = matching(NODE_TOKEN, service.nodeToken()).group(2);
        String otherCa = ClusterCa.loadOrCreate(dir.resolve("other-ca")).certificateHash();

        OutpostException e = assertRefused(service, "K10" + otherCa + "::server:" + secret, ErrorCode.UNAUTHORIZED,
                secret);
        assertTrue(e.getMessage().contains("CA hash"), e.getMessage());
    }

    @Test
    void wrongSecretAndUnknownIdAreUnauthorizedAlike() {
        JoinTokenService service = started();
        JoinToken created = service.create(null, 0, "");
        Matcher m = matching(SCOPED_TOKEN, created.token());
        String wrongSecret = "f".repeat(32);
        String unknownId = created.id().equals("zzzzzz") ? "yyyyyy" : "zzzzzz";

        OutpostException wrongScoped = assertRefused(service,
                "K10" + m.group(1) + "::" + created.id() + "." + wrongSecret, ErrorCode.UNAUTHORIZED, wrongSecret);
        OutpostException wrongNode = assertRefused(service, "K10" + m.group(1) + "::server:" + wrongSecret,
                ErrorCode.UNAUTHORIZED, wrongSecret);
        OutpostException unknown = assertRefused(service, "K10" + m.group(1) + "::" + unknownId + "." + m.group(3),
                ErrorCode.UNAUTHORIZED, m.group(3));

        assertEquals(unknown.getMessage(), wrongScoped.getMessage(), "ids cannot be probed");
        assertEquals(unknown.getMessage(), wrongNode.getMessage());
        assertEquals(0, listed(service, created.id()).uses(), "refused attempts use nothing");
    }

    @Test
    void expiredTokenIsForbidden() {
        JoinTokenService service = started();
        JoinToken created = service.create(Duration.ofMinutes(10), 0, "short-lived");
        String secret = matching(SCOPED_TOKEN, created.token()).group(3);

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertEquals(created.id(), service.redeem(created.token()), "still valid one second before expiry");

        clock.advance(Duration.ofSeconds(1));
        OutpostException e = assertRefused(service, created.token(), ErrorCode.FORBIDDEN, secret);
        assertTrue(e.getMessage().contains("expired"), e.getMessage());

        clock.advance(Duration.ofDays(1));
        assertRefused(service, created.token(), ErrorCode.FORBIDDEN, secret);
    }

    @Test
    void revokedTokenIsForbidden() {
        JoinTokenService service = started();
        JoinToken created = service.create(null, 5, "revoke me");
        String secret = matching(SCOPED_TOKEN, created.token()).group(3);
        assertEquals(created.id(), service.redeem(created.token()));

        service.revoke(created.id());

        OutpostException e = assertRefused(service, created.token(), ErrorCode.FORBIDDEN, secret);
        assertTrue(e.getMessage().contains("revoked"), e.getMessage());
        JoinToken listed = listed(service, created.id());
        assertTrue(listed.revoked());
        assertEquals(1, listed.uses());
    }

    @Test
    void revokingAnUnknownTokenIsNotFound() {
        JoinTokenService service = started();

        OutpostException e = assertThrows(OutpostException.class, () -> service.revoke("nosuch"));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(OutpostException.class, () -> service.revoke("../x")).code());
    }

    @Test
    void singleUseTokenIsForbiddenTheSecondTime() {
        JoinTokenService service = started();
        JoinToken created = service.create(Duration.ofHours(1), 1, "once");
        String secret = matching(SCOPED_TOKEN, created.token()).group(3);

        assertEquals(created.id(), service.redeem(created.token()));
        OutpostException e = assertRefused(service, created.token(), ErrorCode.FORBIDDEN, secret);
        assertTrue(e.getMessage().contains("used up"), e.getMessage());
        assertEquals(1, listed(service, created.id()).uses());
    }

    @Test
    void singleUseTokenRedeemedConcurrentlySucceedsExactlyOnce() throws Exception {
        JoinTokenService service = started();
        JoinToken created = service.create(null, 1, "race");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return service.redeem(created.token());
                }));
            }
            Await.latch(ready, "all redeemers are ready");
            go.countDown();

            int succeeded = 0;
            List<ErrorCode> refusals = new ArrayList<>();
            for (Future<String> result : results) {
                try {
                    assertEquals(created.id(), result.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
                    succeeded++;
                } catch (ExecutionException e) {
                    OutpostException refusal = (OutpostException) e.getCause();
                    refusals.add(refusal.code());
                }
            }
            assertEquals(1, succeeded, "exactly one redeem succeeds; refusals " + refusals);
            assertEquals(List.of(ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN,
                    ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN), refusals);
            assertEquals(1, listed(service, created.id()).uses());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revokingTheNodeTokenRotatesIt() throws Exception {
        JoinTokenService service = started();
        String old = service.nodeToken();
        String oldSecret = matching(NODE_TOKEN, old).group(2);
        service.redeem(old);

        service.revoke("server");

        String rotated = fileContent().trim();
        assertNotEquals(old, rotated);
        matching(NODE_TOKEN, rotated);
        assertEquals(rotated, service.nodeToken());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(tokenFile));
        assertRefused(service, old, ErrorCode.UNAUTHORIZED, oldSecret);
        assertEquals("server", service.redeem(rotated));
        JoinToken node = listed(service, "server");
        assertFalse(node.revoked(), "the node token is replaced, not left revoked");
        assertEquals(0, node.uses(), "unlimited tokens are not counted, so a fleet joining at once does not contend");

        assertEquals(rotated, started().nodeToken(), "a restart keeps the rotated token");
    }

    @Test
    void listNeverExposesSecrets() throws Exception {
        JoinTokenService service = started();
        JoinToken a = service.create(Duration.ofHours(1), 1, "a");
        JoinToken b = service.create(null, 0, "b");
        service.revoke(b.id());
        List<String> secrets = List.of(matching(NODE_TOKEN, service.nodeToken()).group(2),
                matching(SCOPED_TOKEN, a.token()).group(3), matching(SCOPED_TOKEN, b.token()).group(3));

        List<JoinToken> listed = service.list();

        assertEquals(3, listed.size());
        assertEquals(List.of(a.id(), b.id(), "server").stream().sorted().toList(),
                listed.stream().map(JoinToken::id).sorted().toList());
        for (JoinToken token : listed) {
            assertAll(token.id(),
                    () -> assertNull(token.token(), "listed tokens carry no token string"),
                    () -> secrets.forEach(s -> assertFalse(token.toString().contains(s), token.toString())));
        }
        for (KeyValue kv : store.list(StoreKeys.TOKENS)) {
            secrets.forEach(s -> assertFalse(kv.valueAsString().contains(s), "stored in the clear: " + kv.key()));
        }
    }

    @Test
    void createRejectsBadArguments() {
        JoinTokenService service = started();

        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(OutpostException.class, () -> service.create(null, -1, "")).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(OutpostException.class, () -> service.create(Duration.ZERO, 0, "")).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(OutpostException.class, () -> service.create(Duration.ofSeconds(-1), 0, "")).code());
        assertEquals(1, service.list().size(), "nothing was stored");
    }
}
