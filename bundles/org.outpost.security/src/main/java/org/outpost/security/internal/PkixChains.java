package org.outpost.security.internal;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** PKIX validation of a peer's certificate chain against one trusted CA. */
public final class PkixChains {

    public static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    public static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static final int KEY_CERT_SIGN = 5;

    private PkixChains() {
    }

    /** Whether {@code certificate} may sign certificates: basicConstraints CA and, if present, keyCertSign. */
    public static boolean isCa(X509Certificate certificate) {
        boolean[] keyUsage = certificate.getKeyUsage();
        return certificate.getBasicConstraints() >= 0 && (keyUsage == null || keyUsage[KEY_CERT_SIGN]);
    }

    /**
     * Checks that {@code chain[0]} was issued, directly or through the chain's intermediates, by
     * {@code anchor}; that every certificate including the anchor is within its validity period;
     * and that the leaf is meant for {@code purpose} (an extended key usage OID). The anchor and
     * anything after it in the chain are ignored for path building; revocation is not checked.
     */
    public static void validate(X509Certificate[] chain, X509Certificate anchor, String purpose)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new IllegalArgumentException("certificate chain is empty");
        }
        List<X509Certificate> path = pathBelow(chain, anchor);
        if (path.isEmpty()) {
            throw new CertificateException("peer presented the CA certificate itself instead of one it issued");
        }
        checkValidity(anchor, "CA certificate");
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (CertPathValidatorException e) {
            throw new CertificateException(
                    "certificate " + subjectOf(chain[0]) + " is not validly issued by the CA: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("cannot validate the certificate chain: " + e.getMessage(), e);
        }
        requirePurpose(chain[0], purpose);
    }

    private static List<X509Certificate> pathBelow(X509Certificate[] chain, X509Certificate anchor) {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            if (sameEncoding(certificate, anchor)) {
                break;
            }
            path.add(certificate);
        }
        return path;
    }

    private static void checkValidity(X509Certificate certificate, String what) throws CertificateException {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new CertificateException(what + " " + subjectOf(certificate) + " expired on "
                    + certificate.getNotAfter().toInstant(), e);
        } catch (CertificateNotYetValidException e) {
            throw new CertificateException(what + " " + subjectOf(certificate) + " is not valid before "
                    + certificate.getNotBefore().toInstant() + "; check this machine's clock", e);
        }
    }

    private static void requirePurpose(X509Certificate leaf, String purpose) throws CertificateException {
        List<String> purposes = leaf.getExtendedKeyUsage();
        if (purposes == null || !purposes.contains(purpose)) {
            throw new CertificateException("certificate " + subjectOf(leaf) + " is not issued for "
                    + purposeName(purpose) + " use");
        }
    }

    private static String purposeName(String purpose) {
        return switch (purpose) {
            case SERVER_AUTH -> "TLS server";
            case CLIENT_AUTH -> "TLS client";
            default -> purpose;
        };
    }

    private static boolean sameEncoding(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (CertificateException e) {
            return false;
        }
    }

    private static String subjectOf(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "'";
    }
}
