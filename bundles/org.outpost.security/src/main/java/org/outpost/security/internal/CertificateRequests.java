package org.outpost.security.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/** PKCS#10 certificate signing requests: creating them, and checking one proves its key. */
public final class CertificateRequests {

    private CertificateRequests() {
    }

    /** The DER of a request for {@code subject}, signed with the pair's private key. */
    public static byte[] create(KeyPair keyPair, X500Name subject) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(subject, keyPair.getPublic())
                    .build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(keyPair.getPrivate()))
                            .build(keyPair.getPrivate()))
                    .getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot create certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * The public key of a request, after checking the request is signed by the matching private
     * key and the key is strong enough. The subject and any requested extensions are not used.
     */
    public static PublicKey verifiedPublicKey(byte[] der) {
        JcaPKCS10CertificationRequest request;
        try {
            request = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(der));
        } catch (IOException | RuntimeException e) {
            throw invalid("certificate request is not valid PKCS#10");
        }
        PublicKey key;
        try {
            key = request.getPublicKey();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid("certificate request's public key is not usable");
        }
        boolean signatureValid;
        try {
            // Built from the JDK key: the JDK's EC KeyFactory does not answer to the key's OID.
            signatureValid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            signatureValid = false;
        }
        if (!signatureValid) {
            throw invalid("certificate request's signature does not verify with the key it contains");
        }
        Keys.requireStrong(key);
        return key;
    }

    private static OutpostException invalid(String reason) {
        return new OutpostException(ErrorCode.INVALID_ARGUMENT, reason);
    }
}
