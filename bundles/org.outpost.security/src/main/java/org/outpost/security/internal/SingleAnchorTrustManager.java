package org.outpost.security.internal;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.X509TrustManager;

/**
 * Trusts exactly the certificates one CA issued: servers must carry EKU serverAuth, clients EKU
 * clientAuth. Host name checks are left to the TLS engine (endpoint identification).
 */
public final class SingleAnchorTrustManager implements X509TrustManager {

    private final X509Certificate anchor;

    public SingleAnchorTrustManager(X509Certificate anchor) {
        if (!PkixChains.isCa(anchor)) {
            throw new IllegalArgumentException("trust anchor " + anchor.getSubjectX500Principal().getName()
                    + " is not a CA certificate");
        }
        this.anchor = anchor;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        PkixChains.validate(chain, anchor, PkixChains.CLIENT_AUTH);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        PkixChains.validate(chain, anchor, PkixChains.SERVER_AUTH);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {anchor};
    }
}
