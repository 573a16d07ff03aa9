package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.security.CertifiedKey;
import org.outpost.security.ClusterCa;
import org.outpost.security.ParsedJoinToken;
import org.outpost.security.Pem;

/** Which identity an attempt uses; a join is only tried where it must be (no server listens here). */
class NodeJoinTest {
    @TempDir
    Path dir;

    private Path identityDir;
    private Path tokenFile;
    private URI nowhere;
    private ClusterCa ca;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        identityDir = dir.resolve("agent");
        tokenFile = dir.resolve("token");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nowhere = URI.create("https://127.0.0.1:" + taken.getLocalPort()); // closed again: nothing listens
        }
        ca = ClusterCa.loadOrCreate(dir.resolve("ca"));
    }

    private NodeJoin join() {
        return new NodeJoin(nowhere, tokenFile, identityDir, "gw-1", AgentJson.mapper(),
                new AgentConsole("gw-1", nowhere, new PrintStream(printed, true, StandardCharsets.UTF_8), System::nanoTime));
    }

    /** An identity as a join leaves it, issued by {@code ca}. */
    private CertifiedKey saveIdentity() {
        CertifiedKey key = ca.issueServerCertificate(Set.of("gw-1"), Set.of(), Duration.ofDays(1));
        Pem.writePrivate(identityDir.resolve(NodeIdentity.KEY), key.privateKey());
        Pem.writeCertificates(identityDir.resolve(NodeIdentity.CERTIFICATE), List.of(key.certificate()));
        Pem.writeCertificates(identityDir.resolve(NodeIdentity.CA), List.of(ca.certificate()));
        return key;
    }

    private void writeToken(String caHash) throws IOException {
        Files.writeString(tokenFile, ParsedJoinToken.formatNodeToken(caHash, "0123456789abcdef0123456789abcdef") + "\n");
    }

    @Test
    void withoutIdentityOrTokenTheAttemptIsRefusedWithWhatIsMissing() {
        JoinRefusedException refused = assertThrows(JoinRefusedException.class, () -> join().identity());
        assertEquals("no node identity yet and no join token configured (--token or --token-file)", refused.getMessage());
    }

    @Test
    void theSavedIdentityIsUsedWithoutAJoin() throws Exception {
        Files.createDirectories(identityDir);
        CertifiedKey saved = saveIdentity();
        writeToken(ca.certificateHash()); // a token of the same cluster changes nothing

        NodeJoin join = join();
        assertEquals(saved.certificate(), join.identity().certificate());
        assertFalse(join.joinedInThisRun());
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void afterTheServerRefusedTheIdentityOnlyATokenHelps() throws Exception {
        Files.createDirectories(identityDir);
        saveIdentity();
        NodeJoin join = join();
        join.refusedByServer();

        JoinRefusedException refused = assertThrows(JoinRefusedException.class, join::identity);
        assertEquals("the server no longer accepts this node's identity and no join token is configured", refused.getMessage());

        writeToken(ca.certificateHash());
        assertThrows(IOException.class, join::identity, "with a token the node joins again (here: to a server that is not there)");
    }

    @Test
    void aTokenOfAnotherClusterMakesTheNodeJoinAgain() throws Exception {
        Files.createDirectories(identityDir);
        saveIdentity();
        writeToken(ClusterCa.loadOrCreate(dir.resolve("other-ca")).certificateHash());

        assertThrows(IOException.class, () -> join().identity(), "a join was tried instead of using the saved identity");
    }
}
