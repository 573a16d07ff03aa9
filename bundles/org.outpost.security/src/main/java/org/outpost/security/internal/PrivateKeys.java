package org.outpost.security.internal;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/** Decodes private keys of any algorithm the JDK knows, from PKCS#8 or OpenSSL's PEM forms. */
public final class PrivateKeys {

    private PrivateKeys() {
    }

    /** A key from PKCS#8 {@code PrivateKeyInfo} DER; the algorithm comes from the encoding. */
    public static PrivateKey fromPkcs8(byte[] der) {
        try {
            return new JcaPEMKeyConverter().getPrivateKey(PrivateKeyInfo.getInstance(der));
        } catch (IOException | RuntimeException e) {
            throw invalid("not a valid PKCS#8 private key");
        }
    }

    /** The first {@code EC PRIVATE KEY} or {@code RSA PRIVATE KEY} in {@code pem}. */
    public static PrivateKey fromOpenSslPem(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PEMKeyPair keyPair) {
                    return new JcaPEMKeyConverter().getPrivateKey(keyPair.getPrivateKeyInfo());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw invalid("not a valid private key");
        }
        throw invalid("PEM text contains no PRIVATE KEY block");
    }

    private static OutpostException invalid(String reason) {
        return new OutpostException(ErrorCode.INVALID_ARGUMENT, reason);
    }
}
