package org.outpost.security;

import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.net.ssl.X509TrustManager;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.security.internal.PkixChains;
import org.outpost.security.internal.SingleAnchorTrustManager;

/**
 * The agent's trust decision while it joins, before it has the cluster CA: the server is trusted
 * if its chain contains a CA certificate whose SHA-256 equals the hash in the join token, and the
 * server's own certificate is issued by that CA for TLS server use. So the server must present
 * its certificate followed by the CA certificate. After the handshake, {@link #pinnedCa()} is the
 * CA to store and use with {@link #trustingOnly(X509Certificate)} from then on.
 * <p>
 * Host names are not checked here; the TLS engine does that when endpoint identification is on.
 */
public final class CaPinningTrustManager implements X509TrustManager {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final int SHOWN_HASH_DIGITS = 12;

    private final String expectedCaHash;
    private volatile X509Certificate pinnedCa;

    /**
     * @param expectedCaHash SHA-256 of the CA certificate's DER, 64 hex digits, as in
     *                       {@link ParsedJoinToken#caHash()}
     * @throws OutpostException {@link ErrorCode#INVALID_ARGUMENT} if it is not 64 hex digits
     */
    public CaPinningTrustManager(String expectedCaHash) {
        if (expectedCaHash == null || !SHA256_HEX.matcher(expectedCaHash).matches()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "expected CA hash must be 64 hexadecimal digits");
        }
        this.expectedCaHash = expectedCaHash.toLowerCase(Locale.ROOT);
    }

    /**
     * A trust manager for connections after the join: trusts certificates issued by {@code ca}
     * only, servers with EKU serverAuth and clients with EKU clientAuth; PKIX, revocation off.
     * Servers can use it to authenticate node client certificates, too.
     */
    public static X509TrustManager trustingOnly(X509Certificate ca) {
        if (ca == null) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "a CA certificate is required");
        }
        try {
            return new SingleAnchorTrustManager(ca);
        } catch (IllegalArgumentException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }

    /** The CA certificate accepted by the last successful {@link #checkServerTrusted}; empty before. */
    public Optional<X509Certificate> pinnedCa() {
        return Optional.ofNullable(pinnedCa);
    }

    /** The hash this trust manager pins, lowercase hex. */
    public String expectedCaHash() {
        return expectedCaHash;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new IllegalArgumentException("server certificate chain is empty");
        }
        X509Certificate ca = findPinnedCertificate(chain);
        if (ca == null) {
            throw new CertificateException("server CA hash " + abbreviate(hashOf(chain[chain.length - 1]))
                    + " does not match the token's " + abbreviate(expectedCaHash));
        }
        if (!PkixChains.isCa(ca)) {
            throw new CertificateException("the certificate matching the token's CA hash "
                    + abbreviate(expectedCaHash) + " is not a CA certificate");
        }
        PkixChains.validate(chain, ca, PkixChains.SERVER_AUTH);
        pinnedCa = ca;
    }

    /** Always fails: this trust manager only authenticates servers. */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("CaPinningTrustManager authenticates servers only, not clients");
    }

    /** None: which CA is trusted is not known before the server presents it. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private X509Certificate findPinnedCertificate(X509Certificate[] chain) throws CertificateEncodingException {
        X509Certificate match = null;
        for (X509Certificate certificate : chain) {
            // Look at every certificate so the time taken does not depend on where a match is.
            if (Secrets.constantTimeEquals(hashOf(certificate), expectedCaHash) && match == null) {
                match = certificate;
            }
        }
        return match;
    }

    private static String hashOf(X509Certificate certificate) throws CertificateEncodingException {
        return Secrets.sha256Hex(certificate.getEncoded());
    }

    private static String abbreviate(String hash) {
        return hash.substring(0, SHOWN_HASH_DIGITS) + "…";
    }
}
