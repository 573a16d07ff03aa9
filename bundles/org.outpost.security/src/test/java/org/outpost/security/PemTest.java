package org.outpost.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class PemTest {

    @TempDir
    Path dir;

    @Test
    void certificateChainRoundTripsThroughAFile() {
        ClusterCa ca = ClusterCa.loadOrCreate(dir.resolve("ca"));
        X509Certificate server = ca.issueServerCertificate(Set.of("s"), Set.of(), Duration.ofDays(1)).certificate();
        Path file = dir.resolve("chain.crt");

        Pem.writeCertificates(file, List.of(server, ca.certificate()));

        assertEquals(List.of(server, ca.certificate()), Pem.readCertificates(file));
        assertEquals(List.of(server, ca.certificate()), Pem.decodeCertificates(Pem.encodeCertificates(
                List.of(server, ca.certificate()))));
    }

    @Test
    void privateKeyRoundTripsAsPkcs8() {
        PrivateKey key = NodeKeys.generateKeyPair().getPrivate();
        Path file = dir.resolve("node.key");

        Pem.writePrivate(file, key);

        assertArrayEquals(key.getEncoded(), Pem.readPrivateKey(file).getEncoded());
        assertEquals(key, Pem.decodePrivateKey(Pem.encodePrivateKey(key)));
    }

    @Test
    void readsOpenSslEcPrivateKeys() throws Exception {
        ECPrivateKey key = (ECPrivateKey) NodeKeys.generateKeyPair().getPrivate();
        // OpenSSL's SEC1 form, as written by 'openssl ecparam -genkey -name prime256v1'.
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), SECObjectIdentifiers.secp256r1)
                .getEncoded();

        PrivateKey decoded = Pem.decodePrivateKey(Pem.encode("EC PRIVATE KEY", sec1));

        assertEquals(key.getS(), ((ECPrivateKey) decoded).getS());
    }

    @Test
    void writePrivateReplacesAReadableFileWithAnOwnerOnlyOne() throws Exception {
        Path file = dir.resolve("node-token");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        Pem.writePrivate(file, "new-secret\n");

        assertEquals("new-secret\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void certificatesAreWrittenWorldReadable() throws Exception {
        ClusterCa ca = ClusterCa.loadOrCreate(dir.resolve("ca"));
        Path file = dir.resolve("ca-copy.crt");
        Pem.writeCertificates(file, List.of(ca.certificate()));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void rejectsGarbage() {
        for (String garbage : new String[] {"", "no pem here", Pem.encode("CERTIFICATE", new byte[] {1, 2}),
                "-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n"}) {
            OutpostException e = assertThrows(OutpostException.class, () -> Pem.decodeCertificates(garbage));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        }
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OutpostException.class,
                () -> Pem.decodePrivateKey(Pem.encode("PRIVATE KEY", new byte[] {1, 2}))).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OutpostException.class,
                () -> Pem.decodePrivateKey("nothing")).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OutpostException.class,
                () -> Pem.decodeCsr("nothing")).code());
    }

    @Test
    void missingOrMalformedFilesAreInternalErrorsNamingTheFile() throws Exception {
        Path missing = dir.resolve("none");
        OutpostException e = assertThrows(OutpostException.class, () -> Pem.readCertificates(missing));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        Path garbage = Files.writeString(dir.resolve("garbage.key"), "garbage");
        e = assertThrows(OutpostException.class, () -> Pem.readPrivateKey(garbage));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertTrue(e.getMessage().startsWith(garbage + ": "), e.getMessage());
    }
}
