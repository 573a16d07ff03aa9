package org.outpost.launcher;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The key that authenticates the local console: EC P-256, which Karaf's public-key login and
 * {@code bin/client -k} accept with the JDK's own providers and which is generated in
 * milliseconds (an RSA-3072 key took seconds of the first start). The private half is written as
 * PKCS#8 PEM.
 */
final class ConsoleKey {
    private final KeyPair keyPair;

    private ConsoleKey(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    static ConsoleKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return new ConsoleKey(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256 key generator", e);
        }
    }

    /**
     * PKCS#8 PEM of the private key <em>with</em> its public point inside (RFC 5915's optional
     * {@code publicKey} field, as OpenSSL writes it): the JDK leaves the point out, and the SSH
     * client behind {@code bin/client} refuses an EC key without it.
     */
    String privateKeyPem() {
        ByteArrayOutputStream der = new ByteArrayOutputStream(138);
        der.writeBytes(PKCS8_EC_P256_PREFIX);
        byte[] scalar = new byte[COORDINATE_BYTES];
        copyUnsigned(((ECPrivateKey) keyPair.getPrivate()).getS(), scalar, 0);
        der.writeBytes(scalar);
        der.writeBytes(PUBLIC_KEY_FIELD_PREFIX);
        der.writeBytes(uncompressedPoint());
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der.toByteArray());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /**
     * PrivateKeyInfo { version 0, AlgorithmIdentifier { id-ecPublicKey, secp256r1 }, OCTET STRING {
     * ECPrivateKey { version 1, privateKey OCTET STRING (32 bytes follow) ...
     */
    private static final byte[] PKCS8_EC_P256_PREFIX = {
        0x30, (byte) 0x81, (byte) 0x87, 0x02, 0x01, 0x00,
        0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01,
        0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07,
        0x04, 0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20};

    /** ... publicKey [1] BIT STRING (no unused bits; the 65-byte uncompressed point follows) } }. */
    private static final byte[] PUBLIC_KEY_FIELD_PREFIX = {(byte) 0xa1, 0x44, 0x03, 0x42, 0x00};

    /** The public key in OpenSSH wire format (RFC 5656), base64, as {@code etc/keys.properties} wants it. */
    String sshPublicKeyBase64() {
        byte[] point = uncompressedPoint();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, "ecdsa-sha2-nistp256".getBytes(StandardCharsets.US_ASCII));
            writeString(out, "nistp256".getBytes(StandardCharsets.US_ASCII));
            writeString(out, point);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static final int COORDINATE_BYTES = 32;

    private byte[] uncompressedPoint() {
        ECPublicKey publicKey = (ECPublicKey) keyPair.getPublic();
        byte[] point = new byte[1 + 2 * COORDINATE_BYTES];
        point[0] = 0x04;
        copyUnsigned(publicKey.getW().getAffineX(), point, 1);
        copyUnsigned(publicKey.getW().getAffineY(), point, 1 + COORDINATE_BYTES);
        return point;
    }

    /** Writes {@code value} big-endian into exactly {@link #COORDINATE_BYTES} bytes at {@code offset}. */
    private static void copyUnsigned(BigInteger value, byte[] target, int offset) {
        byte[] raw = value.toByteArray(); // may carry a leading sign byte or be shorter
        int length = Math.min(raw.length, COORDINATE_BYTES);
        System.arraycopy(raw, raw.length - length, target, offset + COORDINATE_BYTES - length, length);
    }

    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
