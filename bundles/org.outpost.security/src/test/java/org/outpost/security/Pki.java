package org.outpost.security;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/** Test helpers that check certificates independently of the code under test. */
final class Pki {

    private Pki() {
    }

    /** Plain JDK PKIX validation of {@code leaf} against {@code ca}, revocation off. */
    static void validate(X509Certificate leaf, X509Certificate ca) throws GeneralSecurityException {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }

    static X509Certificate[] chain(X509Certificate... certificates) {
        return certificates;
    }
}
