package org.outpost.launcher;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * The key that authenticates the local console. RSA, because Karaf's public-key login accepts it
 * without extra providers; the private half is written as PKCS#8 PEM, which {@code bin/client -k}
 * reads.
 */
final class ConsoleKey {
    private final KeyPair keyPair;

    private ConsoleKey(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    static ConsoleKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(3072);
            return new ConsoleKey(generator.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no RSA key generator", e);
        }
    }

    String privateKeyPem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keyPair.getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /** The public key in OpenSSH wire format, base64, as {@code etc/keys.properties} wants it. */
    String sshPublicKeyBase64() {
        RSAPublicKey publicKey = (RSAPublicKey) keyPair.getPublic();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
            writeString(out, publicKey.getPublicExponent().toByteArray());
            writeString(out, publicKey.getModulus().toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }


    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
