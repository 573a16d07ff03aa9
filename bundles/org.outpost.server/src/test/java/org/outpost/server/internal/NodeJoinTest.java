package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.NodeUsage;
import org.outpost.api.OutpostException;
import org.outpost.security.NodeKeys;
import org.outpost.security.Pem;
import org.outpost.security.Secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

/** Node names belong to the node that first joined with them: the node password at {@code /v1/join}. */
class NodeJoinTest {

    @TempDir
    Path dir;

    private ServerFixture server;
    private final Outbox outbox = new Outbox();
    private EmbeddedChannel channel;

    private record Answer(int status, JsonNode body) {
    }

    @BeforeEach
    void start() throws Exception {
        server = new ServerFixture(dir);
        channel = new EmbeddedChannel(outbox, new HttpObjectAggregator(1 << 20),
                new HttpRouter(server.context, new AdminApi(server.context)));
    }

    @AfterEach
    void stop() throws Exception {
        channel.finishAndReleaseAll();
        outbox.releaseAll();
        server.close();
    }

    private Answer join(String token, String name, String password) throws Exception {
        ObjectNode body = server.json.createObjectNode();
        body.put("token", token);
        body.put("nodeName", name);
        body.put("csr", NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), name));
        if (password != null) {
            body.put("nodePassword", password);
        }
        byte[] content = body.toString().getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/join",
                Unpooled.wrappedBuffer(content));
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        channel.writeInbound(request);
        FullHttpResponse response = outbox.next(FullHttpResponse.class, "the join's answer");
        try {
            return new Answer(response.status().code(), server.json.readTree(response.content().toString(StandardCharsets.UTF_8)));
        } finally {
            response.release();
        }
    }

    private Answer join(String name, String password) throws Exception {
        return join(server.tokens.nodeToken(), name, password);
    }

    private String serialOf(Answer joined) {
        return Pem.decodeCertificates(joined.body().path("certificate").asText()).get(0).getSerialNumber().toString(16);
    }

    private String storedSerial(String name) throws Exception {
        return server.json.readValue(server.store.get(StoreKeys.NODES + name).orElseThrow().value(), NodeSpec.class).certSerial();
    }

    private static void assertAlreadyExists(String name, Answer answer) {
        assertEquals(409, answer.status(), answer.body().toString());
        assertEquals("already_exists", answer.body().path("code").asText());
        assertEquals("node " + name + " already exists; delete it first with edge:node-delete " + name,
                answer.body().path("message").asText());
    }

    @Test
    void anotherPasswordCannotTakeAJoinedNameAndTheNodeKeepsItsIdentity() throws Exception {
        String password = Secrets.newSecret();
        Answer first = join("gw-2", password);
        assertEquals(200, first.status(), first.body().toString());
        String serial = serialOf(first);

        assertAlreadyExists("gw-2", join("gw-2", Secrets.newSecret()));
        assertAlreadyExists("gw-2", join("gw-2", null));

        assertEquals(serial, storedSerial("gw-2"), "the real node's certificate is still the one on record");
        server.registry.hello("gw-2", serial, "", "", Map.of(), NodeUsage.UNKNOWN); // accepted: no exception
        assertEquals(2, server.metrics.joinsRefused.sum());
        assertEquals(1, server.metrics.joins.sum());
    }

    @Test
    void theServersOwnNameIsProtectedTheSameWay() throws Exception {
        assertEquals(200, join(ServerFixture.SERVER_NODE, Secrets.newSecret()).status());

        assertAlreadyExists(ServerFixture.SERVER_NODE, join(ServerFixture.SERVER_NODE, Secrets.newSecret()));
    }

    @Test
    void theRightPasswordJoinsAgainWithANewCertificate() throws Exception {
        String password = Secrets.newSecret();
        String before = serialOf(join("gw-2", password));

        Answer again = join("gw-2", password);

        assertEquals(200, again.status(), again.body().toString());
        assertNotEquals(before, serialOf(again));
        assertEquals(serialOf(again), storedSerial("gw-2"));
    }

    @Test
    void onlyAHashOfThePasswordIsStored() throws Exception {
        String password = Secrets.newSecret();
        join("gw-2", password);

        String stored = new String(server.store.get(NodePasswords.key("gw-2")).orElseThrow().value(), StandardCharsets.UTF_8);

        assertFalse(stored.contains(password), stored);
        assertTrue(stored.contains("sha256$"), stored);
        assertFalse(new String(server.store.get(StoreKeys.NODES + "gw-2").orElseThrow().value(), StandardCharsets.UTF_8)
                .contains(password));
    }

    @Test
    void aRecordFromBeforePasswordsTakesTheFirstPasswordPresented() throws Exception {
        server.registry.registerJoin("gw-old", "a1"); // as an older server wrote it: no password hash
        String password = Secrets.newSecret();

        assertAlreadyExists("gw-old", join("gw-old", null));
        assertEquals(200, join("gw-old", password).status());
        assertAlreadyExists("gw-old", join("gw-old", Secrets.newSecret()));
        assertEquals(200, join("gw-old", password).status());
    }

    @Test
    void aNameJoinedWithoutAPasswordCannotBeJoinedAgainUntilDeleted() throws Exception {
        assertEquals(200, join("gw-legacy", null).status(), "a client that sends no password still joins a free name");

        assertAlreadyExists("gw-legacy", join("gw-legacy", null));
        assertAlreadyExists("gw-legacy", join("gw-legacy", Secrets.newSecret()));
    }

    @Test
    void afterADeleteTheNameIsFreeForAnotherNode() throws Exception {
        join("gw-2", Secrets.newSecret());

        assertTrue(server.registry.delete("gw-2"));

        assertEquals(200, join("gw-2", Secrets.newSecret()).status());
    }

    @Test
    void aRefusedNameDoesNotSpendALimitedToken() throws Exception {
        join("gw-2", Secrets.newSecret());
        String single = server.tokens.create(Duration.ofHours(1), 1, "one node").token();

        assertAlreadyExists("gw-2", join(single, "gw-2", Secrets.newSecret()));

        assertEquals(200, join(single, "gw-3", Secrets.newSecret()).status(), "the token's one use is still there");
    }

    @Test
    void aBadTokenIsRefusedBeforeTheNameIsConsidered() throws Exception {
        join("gw-2", Secrets.newSecret());
        String wrong = "K10" + server.ca.certificateHash() + "::server:" + "0123456789abcdef".repeat(2);

        Answer answer = join(wrong, "gw-2", Secrets.newSecret());

        assertEquals(401, answer.status(), "whether a name exists is not told to someone without a token");
    }

    @Test
    void aPasswordThatIsNoGeneratedSecretIsABadRequest() throws Exception {
        Answer answer = join("gw-2", "short");

        assertEquals(400, answer.status(), answer.body().toString());
        assertTrue(answer.body().path("message").asText().contains("nodePassword"), answer.body().toString());
        assertTrue(server.registry.get("gw-2").isEmpty());
    }

    @Test
    void concurrentFirstJoinsUnderOneNameLeaveOneOwner() throws Exception {
        NodePasswords passwords = new NodePasswords(server.store, server.json);
        String first = Secrets.newSecret();
        String second = Secrets.newSecret();
        passwords.check("gw-9", first, false);
        passwords.check("gw-9", second, false);

        passwords.claim("gw-9", first);

        OutpostException refused = assertThrows(OutpostException.class, () -> passwords.claim("gw-9", second));
        assertEquals(ErrorCode.ALREADY_EXISTS, refused.code());
        passwords.claim("gw-9", first);
    }
}
