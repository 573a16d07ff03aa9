package org.outpost.security;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate and its private key. For a server, present {@code certificate} followed by the
 * cluster CA certificate so joining agents can pin the CA.
 */
public record CertifiedKey(X509Certificate certificate, PrivateKey privateKey) {

    /** Hides the key; the certificate's subject identifies the pair. */
    @Override
    public String toString() {
        return "CertifiedKey[certificate=" + certificate.getSubjectX500Principal().getName()
                + ", privateKey=<redacted>]";
    }
}
