package org.outpost.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Set;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class NodeKeysTest {

    @Test
    void generatesEcP256Keys() {
        KeyPair keys = NodeKeys.generateKeyPair();
        assertEquals("EC", keys.getPublic().getAlgorithm());
        assertEquals(256, ((ECPublicKey) keys.getPublic()).getParams().getCurve().getField().getFieldSize());
    }

    @Test
    void csrCarriesTheNodeNameAndIsSelfSigned() throws Exception {
        KeyPair keys = NodeKeys.generateKeyPair();
        String pem = NodeKeys.createCsrPem(keys, "edge-1");

        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"), pem);
        PKCS10CertificationRequest request = new PKCS10CertificationRequest(Pem.decodeCsr(pem));
        assertEquals("O=outpost:nodes,CN=edge-1", request.getSubject().toString());
        assertTrue(request.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(keys.getPublic())));
    }

    @Test
    void csrRefusesAnInvalidNodeName() {
        OutpostException e = assertThrows(OutpostException.class,
                () -> NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "Bad_Name"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    @Test
    void nodeNameOfRejectsCertificatesThatAreNotNodes(@TempDir Path dir) {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        var server = ca.issueServerCertificate(Set.of("server"), Set.of(), Duration.ofDays(1)).certificate();

        for (var certificate : new java.security.cert.X509Certificate[] {server, ca.certificate()}) {
            OutpostException e = assertThrows(OutpostException.class, () -> NodeKeys.nodeNameOf(certificate));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        }
    }

    @Test
    void validNodeNames() {
        for (String name : new String[] {"a", "0", "edge-1", "edge.site-3.example", "a".repeat(63)}) {
            assertTrue(NodeKeys.isValidNodeName(name), name);
        }
        for (String name : new String[] {null, "", "a".repeat(64), "A", "a_b", "a-", "-a", "a.", "é"}) {
            assertFalse(NodeKeys.isValidNodeName(name), String.valueOf(name));
        }
    }
}
