package org.outpost.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.Set;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In Karaf, sshd may register Bouncy Castle as a JCA provider; keys read back then report
 * "ECDSA" instead of "EC". The CA must still reload and sign.
 */
class WithBouncyCastleProviderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void register() {
        Security.addProvider(new BouncyCastleProvider());
    }

    @AfterEach
    void unregister() {
        Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
    }

    @Test
    void caReloadsAndSignsWhenBouncyCastleIsAProvider() throws Exception {
        ClusterCa created = ClusterCa.loadOrCreate(dir);
        ClusterCa reloaded = ClusterCa.loadOrCreate(dir);
        assertEquals(created.certificateHash(), reloaded.certificateHash());
        var csr = NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "gw-1");
        assertEquals("gw-1", NodeKeys.nodeNameOf(reloaded.signNodeCsr(csr, "gw-1", Duration.ofDays(1))));
        reloaded.issueServerCertificate(Set.of("localhost"), Set.of(), Duration.ofDays(1));
    }
}
