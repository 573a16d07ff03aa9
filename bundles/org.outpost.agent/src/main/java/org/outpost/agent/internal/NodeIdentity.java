package org.outpost.agent.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import org.outpost.security.NodeKeys;
import org.outpost.security.Pem;
import org.outpost.security.Secrets;

/**
 * The agent's identity under {@code <data-dir>/agent/}: its private key (generated here, never
 * sent), the certificate the cluster CA issued for it, and that CA.
 */
record NodeIdentity(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
    static final String KEY = "node.key";
    static final String CERTIFICATE = "node.crt";
    static final String CA = "ca.crt";
    /** The node's own secret that proves at every join that this node owns its name (kept across re-joins). */
    static final String PASSWORD = "node-password";

    String caHash() {
        try {
            return Secrets.sha256Hex(ca.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<NodeIdentity> load(Path dir) {
        if (!Files.isRegularFile(dir.resolve(KEY)) || !Files.isRegularFile(dir.resolve(CERTIFICATE))
                || !Files.isRegularFile(dir.resolve(CA))) {
            return Optional.empty();
        }
        return Optional.of(new NodeIdentity(Pem.readPrivateKey(dir.resolve(KEY)),
                Pem.readCertificates(dir.resolve(CERTIFICATE)).get(0), Pem.readCertificates(dir.resolve(CA)).get(0)));
    }

    /** The node's key pair, created once and kept across joins (a re-join keeps the same key). */
    static KeyPair keyPair(Path dir, Optional<NodeIdentity> existing) {
        if (existing.isPresent()) {
            return new KeyPair(existing.get().certificate().getPublicKey(), existing.get().key());
        }
        KeyPair pair = NodeKeys.generateKeyPair();
        Pem.writePrivate(dir.resolve(KEY), pair.getPrivate());
        return pair;
    }

    /**
     * The node password: made once at the first join (mode 0600) and presented at every later one,
     * so that a join token alone cannot take this node's name. A file that is not a usable password
     * (emptied by hand) is replaced, which the server then treats as another node.
     */
    static String nodePassword(Path dir) throws java.io.IOException {
        Path file = dir.resolve(PASSWORD);
        if (Files.isRegularFile(file)) {
            String existing = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).trim();
            if (existing.length() >= Secrets.SECRET_HEX_LENGTH) {
                return existing;
            }
        }
        String created = Secrets.newSecret();
        Pem.writePrivate(file, created + "\n");
        return created;
    }

    void save(Path dir) {
        Pem.writeCertificates(dir.resolve(CERTIFICATE), List.of(certificate));
        Pem.writeCertificates(dir.resolve(CA), List.of(ca));
    }
}
