package org.outpost.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.security.Pki.chain;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class CaPinningTrustManagerTest {

    private static final Duration DAY = Duration.ofDays(1);

    private ClusterCa ca;
    private ClusterCa otherCa;
    private X509Certificate server;

    @BeforeEach
    void createCas(@TempDir Path dir) {
        ca = ClusterCa.loadOrCreate(dir.resolve("ca"));
        otherCa = ClusterCa.loadOrCreate(dir.resolve("other"));
        server = ca.issueServerCertificate(Set.of("server"), Set.of(), DAY).certificate();
    }

    @Test
    void acceptsTheServerChainOfThePinnedCa() throws Exception {
        CaPinningTrustManager trustManager = new CaPinningTrustManager(ca.certificateHash());
        assertEquals(Optional.empty(), trustManager.pinnedCa());

        trustManager.checkServerTrusted(chain(server, ca.certificate()), "ECDHE_ECDSA");

        assertEquals(Optional.of(ca.certificate()), trustManager.pinnedCa());
    }

    @Test
    void acceptsTheHashInUpperCase() {
        CaPinningTrustManager trustManager = new CaPinningTrustManager(ca.certificateHash().toUpperCase());
        assertDoesNotThrow(() -> trustManager.checkServerTrusted(chain(server, ca.certificate()), "ECDHE_ECDSA"));
    }

    @Test
    void rejectsAChainFromAnotherCaNamingBothHashes() {
        X509Certificate foreign = otherCa.issueServerCertificate(Set.of("server"), Set.of(), DAY).certificate();
        CaPinningTrustManager trustManager = new CaPinningTrustManager(ca.certificateHash());

        CertificateException e = assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(chain(foreign, otherCa.certificate()), "ECDHE_ECDSA"));

        assertEquals("server CA hash " + otherCa.certificateHash().substring(0, 12)
                + "… does not match the token's " + ca.certificateHash().substring(0, 12) + "…", e.getMessage());
        assertEquals(Optional.empty(), trustManager.pinnedCa());
    }

    @Test
    void rejectsALeafThePinnedCaDidNotSign() {
        X509Certificate foreign = otherCa.issueServerCertificate(Set.of("server"), Set.of(), DAY).certificate();
        CaPinningTrustManager trustManager = new CaPinningTrustManager(ca.certificateHash());

        CertificateException e = assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(chain(foreign, ca.certificate()), "ECDHE_ECDSA"));

        assertTrue(e.getMessage().contains("is not validly issued by the CA"), e.getMessage());
        assertEquals(Optional.empty(), trustManager.pinnedCa());
    }

    @Test
    void rejectsANodeCertificatePosingAsAServer() {
        X509Certificate node = ca.signNodeCsr(NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "edge-1"),
                "edge-1", DAY);
        CaPinningTrustManager trustManager = new CaPinningTrustManager(ca.certificateHash());

        CertificateException e = assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(chain(node, ca.certificate()), "ECDHE_ECDSA"));

        assertTrue(e.getMessage().contains("not issued for TLS server use"), e.getMessage());
    }

    @Test
    void rejectsTheCaCertificateAlone() {
        CaPinningTrustManager trustManager = new CaPinningTrustManager(ca.certificateHash());
        assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(chain(ca.certificate()), "ECDHE_ECDSA"));
    }

    @Test
    void rejectsALeafWhoseHashIsPinnedButIsNoCa() {
        CaPinningTrustManager trustManager = new CaPinningTrustManager(Secrets.sha256Hex(encoded(server)));
        CertificateException e = assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(chain(server, ca.certificate()), "ECDHE_ECDSA"));
        assertTrue(e.getMessage().contains("is not a CA certificate"), e.getMessage());
    }

    @Test
    void rejectsAnExpiredServerCertificate() throws Exception {
        X509Certificate shortLived = ca.issueServerCertificate(Set.of("server"), Set.of(), Duration.ofMillis(1))
                .certificate();
        Thread.sleep(Math.max(0, shortLived.getNotAfter().getTime() - System.currentTimeMillis()) + 1100);
        CaPinningTrustManager trustManager = new CaPinningTrustManager(ca.certificateHash());

        assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(chain(shortLived, ca.certificate()), "ECDHE_ECDSA"));
    }

    @Test
    void neverTrustsClients() {
        CaPinningTrustManager trustManager = new CaPinningTrustManager(ca.certificateHash());
        assertThrows(CertificateException.class,
                () -> trustManager.checkClientTrusted(chain(server, ca.certificate()), "ECDHE_ECDSA"));
        assertEquals(0, trustManager.getAcceptedIssuers().length);
    }

    @Test
    void refusesAMalformedExpectedHash() {
        OutpostException e = assertThrows(OutpostException.class, () -> new CaPinningTrustManager("abc"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    @Test
    void trustingOnlyChecksIssuerAndPurposeInBothDirections() throws Exception {
        X509TrustManager trustManager = CaPinningTrustManager.trustingOnly(ca.certificate());
        X509Certificate node = ca.signNodeCsr(NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "edge-1"),
                "edge-1", DAY);
        X509Certificate foreign = otherCa.issueServerCertificate(Set.of("server"), Set.of(), DAY).certificate();

        trustManager.checkServerTrusted(chain(server, ca.certificate()), "ECDHE_ECDSA");
        trustManager.checkServerTrusted(chain(server), "ECDHE_ECDSA");
        trustManager.checkClientTrusted(chain(node), "EC");
        assertThrows(CertificateException.class, () -> trustManager.checkServerTrusted(chain(node), "ECDHE_ECDSA"));
        assertThrows(CertificateException.class, () -> trustManager.checkClientTrusted(chain(server), "EC"));
        assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(chain(foreign, otherCa.certificate()), "ECDHE_ECDSA"));
        assertThrows(CertificateException.class,
                () -> trustManager.checkServerTrusted(chain(foreign, ca.certificate()), "ECDHE_ECDSA"));
        assertEquals(ca.certificate(), trustManager.getAcceptedIssuers()[0]);
    }

    @Test
    void trustingOnlyRefusesANonCaAnchor() {
        OutpostException e = assertThrows(OutpostException.class, () -> CaPinningTrustManager.trustingOnly(server));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new AssertionError(e);
        }
    }
}
