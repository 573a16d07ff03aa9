package org.outpost.security.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * Signs X.509 certificates with Bouncy Castle: the self-signed cluster CA, and server and client
 * leaves under it. Every certificate gets a random positive 128-bit serial, a subject key
 * identifier, and a notBefore set back a few minutes so nodes with slightly slow clocks accept it.
 */
public final class CertificateIssuer {

    /** How far notBefore is set back from now. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final X509Certificate caCertificate;
    private final PrivateKey caKey;

    public CertificateIssuer(X509Certificate caCertificate, PrivateKey caKey) {
        this.caCertificate = caCertificate;
        this.caKey = caKey;
    }

    /** A self-signed CA: basicConstraints CA:true and keyUsage keyCertSign, cRLSign, both critical. */
    public static X509Certificate selfSignedCa(KeyPair keyPair, X500Name subject, Instant notAfter) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, randomSerial(),
                    Date.from(Instant.now().minus(CLOCK_SKEW)), Date.from(notAfter), subject, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            return sign(builder, keyPair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw failed(e);
        }
    }

    /** A TLS server certificate for the given names and addresses, EKU serverAuth. */
    public X509Certificate issueServer(X500Name subject, PublicKey key, List<String> dnsNames,
            List<InetAddress> ipAddresses, Duration validity) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress,
                new DEROctetString(ip.getAddress()))));
        return issueLeaf(subject, key, validity, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /** A TLS client certificate, EKU clientAuth, no subject alternative names. */
    public X509Certificate issueClient(X500Name subject, PublicKey key, Duration validity) {
        return issueLeaf(subject, key, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    private X509Certificate issueLeaf(X500Name subject, PublicKey key, Duration validity, KeyPurposeId purpose,
            GeneralNames subjectAlternativeNames) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "certificate validity must be positive");
        }
        Instant now = Instant.now();
        Instant notAfter = earliest(now.plus(validity), caCertificate.getNotAfter().toInstant());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()), randomSerial(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), subject, key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(leafKeyUsage(key)))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(caCertificate));
            if (subjectAlternativeNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames);
            }
            return sign(builder, caKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw failed(e);
        }
    }

    /** EC keys only sign (ECDHE); RSA keys may also encipher (TLS 1.2 RSA key exchange). */
    private static int leafKeyUsage(PublicKey key) {
        return "RSA".equals(key.getAlgorithm())
                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                : KeyUsage.digitalSignature;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
            throws CertificateException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(signingKey)).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw failed(e);
        }
    }

    private static BigInteger randomSerial() {
        SecureRandom random = new SecureRandom();
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        return serial;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static OutpostException failed(Exception e) {
        return new OutpostException(ErrorCode.INTERNAL, "cannot sign certificate: " + e.getMessage(), e);
    }
}
