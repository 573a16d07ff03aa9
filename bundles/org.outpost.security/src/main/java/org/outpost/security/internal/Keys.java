package org.outpost.security.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/** Key generation and the checks every key Outpost signs or loads goes through. */
public final class Keys {

    private static final int MIN_RSA_BITS = 2048;
    private static final int MIN_EC_BITS = 256;

    private Keys() {
    }

    /** A new EC key pair on NIST P-256 (secp256r1). */
    public static KeyPair generateEcP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime provides EC keys on secp256r1", e);
        }
    }

    /** The SHA-256 signature algorithm for keys of {@code key}'s type: EC or RSA. */
    public static String signatureAlgorithm(PrivateKey key) {
        // By type, not by name: with Bouncy Castle registered as a provider, EC keys call themselves "ECDSA".
        if (key instanceof java.security.interfaces.ECKey) {
            return "SHA256withECDSA";
        }
        if (key instanceof java.security.interfaces.RSAKey) {
            return "SHA256withRSA";
        }
        throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                "unsupported key algorithm " + key.getAlgorithm() + "; use EC or RSA");
    }

    /** Rejects public keys this cluster will not certify: anything but EC ≥ 256 and RSA ≥ 2048 bits. */
    public static void requireStrong(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() < MIN_EC_BITS) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                        "EC keys must be at least " + MIN_EC_BITS + " bits");
            }
        } else if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                        "RSA keys must be at least " + MIN_RSA_BITS + " bits");
            }
        } else {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                    "unsupported key algorithm " + key.getAlgorithm() + "; use EC or RSA");
        }
    }

    /** Whether {@code privateKey} is the partner of {@code publicKey}: signs and verifies a probe. */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        byte[] probe = "outpost key pair probe".getBytes(StandardCharsets.US_ASCII);
        try {
            String algorithm = signatureAlgorithm(privateKey);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | OutpostException e) {
            return false;
        }
    }
}
