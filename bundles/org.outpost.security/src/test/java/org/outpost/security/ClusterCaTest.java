package org.outpost.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class ClusterCaTest {

    private static final Duration YEAR = Duration.ofDays(365);

    @TempDir
    Path dir;

    @Test
    void createsASelfSignedCaCertificate() throws Exception {
        long before = Instant.now().getEpochSecond();
        X509Certificate ca = ClusterCa.loadOrCreate(dir).certificate();

        String name = ca.getSubjectX500Principal().getName();
        assertTrue(name.startsWith("CN=outpost-ca@"), name);
        long epoch = Long.parseLong(name.substring("CN=outpost-ca@".length()));
        assertTrue(epoch >= before && epoch <= Instant.now().getEpochSecond());
        assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
        ca.verify(ca.getPublicKey());
        assertEquals("SHA256withECDSA", ca.getSigAlgName());
        assertEquals("EC", ca.getPublicKey().getAlgorithm());

        assertTrue(ca.getBasicConstraints() >= 0, "CA:true");
        assertTrue(ca.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        boolean[] keyUsage = ca.getKeyUsage();
        assertTrue(keyUsage[5] && keyUsage[6], "keyCertSign and cRLSign");
        assertFalse(keyUsage[0], "no digitalSignature");

        long years = ChronoUnit.DAYS.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()) / 365;
        assertEquals(10, years);
    }

    @Test
    void writesPemFilesWithThePrivateKeyOwnerOnly() throws Exception {
        ClusterCa.loadOrCreate(dir);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
        assertTrue(Files.readString(dir.resolve("ca.key")).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(dir.resolve("ca.crt")).startsWith("-----BEGIN CERTIFICATE-----\n"));
        try (var files = Files.list(dir)) {
            assertEquals(Set.of("ca.crt", "ca.key"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()), "no temporary files left");
        }
    }

    @Test
    void createsAMissingDirectoryOwnerOnly() throws Exception {
        Path nested = dir.resolve("a/b/tls");
        ClusterCa.loadOrCreate(nested);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
    }

    @Test
    void reloadGivesTheSameCertificateAndKey() throws Exception {
        ClusterCa created = ClusterCa.loadOrCreate(dir);
        byte[] keyFile = Files.readAllBytes(dir.resolve("ca.key"));

        ClusterCa loaded = ClusterCa.loadOrCreate(dir);

        assertEquals(created.certificateHash(), loaded.certificateHash());
        assertEquals(created.certificate(), loaded.certificate());
        assertArrayEquals(keyFile, Files.readAllBytes(dir.resolve("ca.key")));
        // Signed by the reloaded CA, verified with the key of the one first created: same key.
        X509Certificate issued = loaded.issueServerCertificate(Set.of("server"), Set.of(), YEAR).certificate();
        issued.verify(created.certificate().getPublicKey());
    }

    @Test
    void certificateHashIsSha256OfTheDer() throws Exception {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        assertEquals(Secrets.sha256Hex(ca.certificate().getEncoded()), ca.certificateHash());
        assertTrue(ca.certificateHash().matches("[0-9a-f]{64}"));
    }

    @Test
    void refusesAnIncompleteDirectory() throws Exception {
        ClusterCa.loadOrCreate(dir);
        Files.delete(dir.resolve("ca.key"));

        OutpostException e = assertThrows(OutpostException.class, () -> ClusterCa.loadOrCreate(dir));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertTrue(e.getMessage().contains("ca.key is missing"), e.getMessage());
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate(@TempDir Path other) throws Exception {
        ClusterCa.loadOrCreate(dir);
        ClusterCa.loadOrCreate(other);
        Files.copy(other.resolve("ca.key"), dir.resolve("ca.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        OutpostException e = assertThrows(OutpostException.class, () -> ClusterCa.loadOrCreate(dir));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertTrue(e.getMessage().contains("is not the private key"), e.getMessage());
    }

    @Test
    void serverCertificateHasTheSansAndChainsToTheCa() throws Exception {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        InetAddress v4 = InetAddress.getByName("10.0.0.7");
        InetAddress v6 = InetAddress.getByName("::1");

        CertifiedKey server = ca.issueServerCertificate(Set.of("outpost.local", "localhost"), Set.of(v4, v6),
                Duration.ofDays(30));
        X509Certificate certificate = server.certificate();

        Pki.validate(certificate, ca.certificate());
        assertEquals("CN=outpost-server", certificate.getSubjectX500Principal().getName());
        assertEquals(ca.certificate().getSubjectX500Principal(), certificate.getIssuerX500Principal());
        Set<List<?>> sans = new HashSet<>(certificate.getSubjectAlternativeNames());
        assertEquals(Set.of(List.of(2, "localhost"), List.of(2, "outpost.local"), List.of(7, "10.0.0.7"),
                List.of(7, "0:0:0:0:0:0:0:1")), sans);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage());
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertTrue(certificate.getKeyUsage()[0], "digitalSignature");
        assertEquals("EC", server.privateKey().getAlgorithm());
        assertTrue(certificate.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(31))));
        assertFalse(server.toString().contains(server.privateKey().toString()));
    }

    @Test
    void serverCertificateNeedsANameAndValidNames() {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OutpostException.class,
                () -> ca.issueServerCertificate(Set.of(), Set.of(), YEAR)).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OutpostException.class,
                () -> ca.issueServerCertificate(Set.of("not a name"), Set.of(), YEAR)).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OutpostException.class,
                () -> ca.issueServerCertificate(Set.of("ok"), Set.of(), Duration.ZERO)).code());
    }

    @Test
    void validityIsCutToTheCasOwn() {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        X509Certificate issued = ca.issueServerCertificate(Set.of("s"), Set.of(), Duration.ofDays(365 * 50))
                .certificate();
        assertFalse(issued.getNotAfter().after(ca.certificate().getNotAfter()));
    }

    @Test
    void signsANodeCsrWithTheGivenNameWhateverItsSubject() throws Exception {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        KeyPair keys = NodeKeys.generateKeyPair();
        String csr = NodeKeys.createCsrPem(keys, "intruder");

        X509Certificate certificate = ca.signNodeCsr(csr, "edge-1", Duration.ofDays(365));

        Pki.validate(certificate, ca.certificate());
        assertEquals("CN=edge-1,O=outpost:nodes", certificate.getSubjectX500Principal().getName());
        assertEquals("edge-1", NodeKeys.nodeNameOf(certificate));
        assertEquals(keys.getPublic(), certificate.getPublicKey());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), certificate.getExtendedKeyUsage());
        assertEquals(null, certificate.getSubjectAlternativeNames());
        BigInteger serial = certificate.getSerialNumber();
        assertTrue(serial.signum() > 0 && serial.bitLength() <= 128 && serial.bitLength() > 64, serial::toString);
        assertNotEquals(serial, ca.signNodeCsr(csr, "edge-1", YEAR).getSerialNumber());
    }

    @Test
    void signsACsrWithAForeignSubject() throws Exception {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        KeyPair keys = NodeKeys.generateKeyPair();
        byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=outpost-server,O=system:masters"),
                keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                .getEncoded();

        X509Certificate certificate = ca.signNodeCsr(Pem.encodeCsr(der), "edge-2", YEAR);
        assertEquals("CN=edge-2,O=outpost:nodes", certificate.getSubjectX500Principal().getName());
    }

    @Test
    void rejectsACsrSignedByAnotherKey() throws Exception {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        KeyPair claimed = NodeKeys.generateKeyPair();
        KeyPair signer = NodeKeys.generateKeyPair();
        byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=edge-1"), claimed.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())).getEncoded();

        OutpostException e = assertThrows(OutpostException.class,
                () -> ca.signNodeCsr(Pem.encodeCsr(der), "edge-1", YEAR));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void rejectsACsrWithACorruptedSignature() {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        byte[] der = Pem.decodeCsr(NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "edge-1"));
        der[der.length - 1] ^= 0x01; // last byte of the signature value

        OutpostException e = assertThrows(OutpostException.class,
                () -> ca.signNodeCsr(Pem.encodeCsr(der), "edge-1", YEAR));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    @Test
    void rejectsGarbageInsteadOfACsr() {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        for (String garbage : new String[] {"", "hello", Pem.encode("CERTIFICATE REQUEST", new byte[] {1, 2, 3})}) {
            OutpostException e = assertThrows(OutpostException.class, () -> ca.signNodeCsr(garbage, "edge-1", YEAR));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Edge1", "-edge", "edge-", ".edge", "edge_1", "edge 1", "ünicode",
            "a234567890123456789012345678901234567890123456789012345678901234"})
    void rejectsInvalidNodeNames(String nodeName) {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        String csr = NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "edge-1");

        OutpostException e = assertThrows(OutpostException.class, () -> ca.signNodeCsr(csr, nodeName, YEAR));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().startsWith("node name "), e.getMessage());
    }

    @Test
    void acceptsTheLongestValidNodeName() {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        String name = "a23456789.123456789-123456789012345678901234567890123456789012z";
        assertEquals(63, name.length());
        String csr = NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "edge-1");
        assertEquals(name, NodeKeys.nodeNameOf(ca.signNodeCsr(csr, name, YEAR)));
    }

    @Test
    void aNodeCertificateDoesNotValidateAgainstAnotherCa(@TempDir Path other) {
        ClusterCa ca = ClusterCa.loadOrCreate(dir);
        ClusterCa otherCa = ClusterCa.loadOrCreate(other);
        X509Certificate certificate = ca.signNodeCsr(
                NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "edge-1"), "edge-1", YEAR);
        assertThrows(CertPathValidatorException.class, () -> Pki.validate(certificate, otherCa.certificate()));
        assertDoesNotThrow(() -> Pki.validate(certificate, ca.certificate()));
    }
}
