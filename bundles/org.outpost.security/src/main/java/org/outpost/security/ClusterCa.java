package org.outpost.security;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.security.internal.CertificateIssuer;
import org.outpost.security.internal.CertificateRequests;
import org.outpost.security.internal.Keys;
import org.outpost.security.internal.Names;
import org.outpost.security.internal.PkixChains;
import org.outpost.security.internal.SecureFiles;

/**
 * The cluster's certificate authority, kept as {@code ca.crt} (PEM) and {@code ca.key} (PKCS#8
 * PEM, mode 0600) in one directory. It issues the server's TLS certificate and the nodes' client
 * certificates. Its certificate's SHA-256 is the hash in every join token.
 * <p>
 * Instances are immutable and safe to share between threads. Two processes must not create the
 * same CA directory at the same time.
 */
public final class ClusterCa {

    public static final String CERTIFICATE_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";

    /** Lifetime of a newly created CA. */
    public static final int VALIDITY_YEARS = 10;

    private static final int MAX_DNS_NAME_LENGTH = 253;
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*");

    private final X509Certificate certificate;
    private final String certificateHash;
    private final CertificateIssuer issuer;

    private ClusterCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.certificateHash = hashOf(certificate);
        this.issuer = new CertificateIssuer(certificate, key);
    }

    /**
     * Loads the CA from {@code dir}, or creates it there if neither file exists yet: an EC P-256
     * key and a self-signed certificate {@code CN=outpost-ca@<epoch seconds>} valid for
     * {@value #VALIDITY_YEARS} years. A missing directory is created with mode 0700.
     *
     * @throws OutpostException {@link ErrorCode#INTERNAL} if only one of the two files exists, if
     *                          they do not belong together, or on I/O failure
     */
    public static ClusterCa loadOrCreate(Path dir) {
        Path certificateFile = dir.resolve(CERTIFICATE_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        boolean hasCertificate = Files.exists(certificateFile);
        boolean hasKey = Files.exists(keyFile);
        if (hasCertificate && hasKey) {
            return load(certificateFile, keyFile);
        }
        if (hasCertificate || hasKey) {
            Path missing = hasCertificate ? keyFile : certificateFile;
            throw new OutpostException(ErrorCode.INTERNAL, "cluster CA in " + dir + " is incomplete: " + missing
                    + " is missing; restore it, or remove both files to create a new CA (existing nodes then"
                    + " have to join again)");
        }
        return create(dir, certificateFile, keyFile);
    }

    /** The CA certificate, which agents store and trust after joining. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the CA certificate's DER encoding, 64 lowercase hex digits: the join tokens' hash. */
    public String certificateHash() {
        return certificateHash;
    }

    /**
     * A new key pair and a TLS server certificate {@code CN=outpost-server} for it, with the given
     * names and addresses as subject alternative names and EKU serverAuth. Validity is cut to the
     * CA's own. Present it followed by {@link #certificate()}.
     *
     * @throws OutpostException {@link ErrorCode#INVALID_ARGUMENT} if there is neither a name nor an
     *                          address, a name is not a DNS name, or validity is not positive
     */
    public CertifiedKey issueServerCertificate(Set<String> dnsNames, Set<InetAddress> ipAddresses,
            Duration validity) {
        List<String> names = dnsNames == null ? List.of() : dnsNames.stream().sorted().toList();
        List<InetAddress> addresses = ipAddresses == null ? List.of()
                : ipAddresses.stream().sorted(Comparator.comparing(InetAddress::getHostAddress)).toList();
        if (names.isEmpty() && addresses.isEmpty()) {
            throw invalid("a server certificate needs at least one DNS name or IP address");
        }
        names.forEach(ClusterCa::requireDnsName);
        requireUsable();
        KeyPair keyPair = Keys.generateEcP256();
        X509Certificate issued = issuer.issueServer(Names.server(), keyPair.getPublic(), names, addresses, validity);
        return new CertifiedKey(issued, keyPair.getPrivate());
    }

    /**
     * A client certificate for node {@code nodeName} on the key in a PEM certificate request:
     * {@code CN=<nodeName>, O=outpost:nodes}, EKU clientAuth, random 128-bit serial. The request
     * must be signed by its own key; its subject and requested extensions are ignored.
     *
     * @throws OutpostException {@link ErrorCode#INVALID_ARGUMENT} for an unreadable request, a bad
     *                          signature, a weak key, an invalid node name or a non-positive validity
     */
    public X509Certificate signNodeCsr(String csrPem, String nodeName, Duration validity) {
        NodeKeys.requireValidNodeName(nodeName);
        PublicKey key = CertificateRequests.verifiedPublicKey(Pem.decodeCsr(csrPem));
        requireUsable();
        return issuer.issueClient(Names.node(nodeName), key, validity);
    }

    @Override
    public String toString() {
        return "ClusterCa[" + certificate.getSubjectX500Principal().getName() + ", sha256=" + certificateHash + "]";
    }

    private static ClusterCa load(Path certificateFile, Path keyFile) {
        X509Certificate certificate = Pem.readCertificates(certificateFile).get(0);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        if (!PkixChains.isCa(certificate)) {
            throw new OutpostException(ErrorCode.INTERNAL, certificateFile + " is not a CA certificate");
        }
        if (!Keys.matches(key, certificate.getPublicKey())) {
            throw new OutpostException(ErrorCode.INTERNAL,
                    keyFile + " is not the private key of the certificate in " + certificateFile);
        }
        return new ClusterCa(certificate, key);
    }

    private static ClusterCa create(Path dir, Path certificateFile, Path keyFile) {
        try {
            SecureFiles.createPrivateDirectories(dir);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot create " + dir + ": " + e, e);
        }
        Instant now = Instant.now();
        KeyPair keyPair = Keys.generateEcP256();
        X509Certificate certificate = CertificateIssuer.selfSignedCa(keyPair, Names.ca(now.getEpochSecond()),
                now.atOffset(ZoneOffset.UTC).plusYears(VALIDITY_YEARS).toInstant());
        // Key first: a certificate on disk always has its key next to it.
        Pem.writePrivate(keyFile, keyPair.getPrivate());
        Pem.writeCertificates(certificateFile, List.of(certificate));
        return new ClusterCa(certificate, keyPair.getPrivate());
    }

    private void requireUsable() {
        if (certificate.getNotAfter().toInstant().isBefore(Instant.now())) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cluster CA " + certificateHash + " expired on "
                    + certificate.getNotAfter().toInstant() + "; it can issue no more certificates");
        }
    }

    private static void requireDnsName(String name) {
        if (name == null || name.length() > MAX_DNS_NAME_LENGTH || !DNS_NAME.matcher(name).matches()) {
            throw invalid("'" + name + "' is not a valid DNS name for a server certificate");
        }
    }

    private static String hashOf(X509Certificate certificate) {
        try {
            return Secrets.sha256Hex(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot encode the CA certificate", e);
        }
    }

    private static OutpostException invalid(String reason) {
        return new OutpostException(ErrorCode.INVALID_ARGUMENT, reason);
    }
}
