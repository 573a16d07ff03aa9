package org.outpost.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/** Random secrets and identifiers, hashing, and comparisons that do not leak timing. */
public final class Secrets {

    /** Length of {@link #newSecret()}: 32 hex digits, 128 bits. */
    public static final int SECRET_HEX_LENGTH = 32;

    /** Length of {@link #newId()}. */
    public static final int ID_LENGTH = 6;

    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String HASH_SCHEME = "pbkdf2-sha256";
    private static final String FAST_HASH_SCHEME = "sha256";
    private static final String PBKDF2 = "PBKDF2WithHmacSHA256";
    private static final int PBKDF2_ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private Secrets() {
    }

    /** A new random secret: 128 bits from {@link SecureRandom} as 32 lowercase hex digits. */
    public static String newSecret() {
        return HexFormat.of().formatHex(randomBytes(SECRET_HEX_LENGTH / 2));
    }

    /**
     * A new random token id of six characters from {@code [a-z0-9]}; never {@code server}, which
     * names the node token.
     */
    public static String newId() {
        SecureRandom random = new SecureRandom();
        String id;
        do {
            StringBuilder sb = new StringBuilder(ID_LENGTH);
            for (int i = 0; i < ID_LENGTH; i++) {
                sb.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
            }
            id = sb.toString();
        } while (id.equals(ParsedJoinToken.NODE_TOKEN_ID));
        return id;
    }

    /** SHA-256 of {@code data} as 64 lowercase hex digits. */
    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data));
    }

    /**
     * Compares two strings in time that depends only on their lengths, not on where they differ.
     * A null never equals anything, not even another null, so a missing value cannot authenticate.
     */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A salted, slow hash of {@code secret} to store instead of the secret itself, in the form
     * {@code pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>}. Check a presented secret with
     * {@link #verifySecret(String, String)}.
     */
    public static String hashSecret(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "cannot hash an empty secret");
        }
        byte[] salt = randomBytes(SALT_BYTES);
        byte[] hash = pbkdf2(secret, salt, PBKDF2_ITERATIONS);
        HexFormat hex = HexFormat.of();
        return HASH_SCHEME + "$" + PBKDF2_ITERATIONS + "$" + hex.formatHex(salt) + "$" + hex.formatHex(hash);
    }

    /**
     * A salted SHA-256 of a secret that {@link #newSecret()} made, in the form
     * {@code sha256$<salt hex>$<hash hex>}. A slow hash only protects secrets that can be guessed;
     * 128 random bits cannot, so generated secrets are checked in microseconds instead of the
     * hundreds of milliseconds PBKDF2 costs on every join and every server start. Secrets a user
     * chose (a node token written by hand) go through {@link #hashSecret(String)}.
     *
     * @throws OutpostException when {@code secret} is shorter than a generated secret
     */
    public static String hashGeneratedSecret(String secret) {
        if (secret == null || secret.length() < SECRET_HEX_LENGTH) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                    "only generated secrets of at least " + SECRET_HEX_LENGTH + " characters get the fast hash");
        }
        byte[] salt = randomBytes(SALT_BYTES);
        HexFormat hex = HexFormat.of();
        return FAST_HASH_SCHEME + "$" + hex.formatHex(salt) + "$" + hex.formatHex(saltedSha256(secret, salt));
    }

    /**
     * Whether {@code secret} is the one {@code storedHash} (from {@link #hashSecret(String)} or
     * {@link #hashGeneratedSecret(String)}) was made from; the comparison takes constant time.
     * False for a null secret and for a null or malformed stored hash.
     */
    public static boolean verifySecret(String secret, String storedHash) {
        if (secret == null || secret.isEmpty() || storedHash == null) {
            return false;
        }
        String[] parts = storedHash.split("\\$", -1);
        try {
            if (parts.length == 3 && parts[0].equals(FAST_HASH_SCHEME)) {
                byte[] salt = HexFormat.of().parseHex(parts[1]);
                byte[] expected = HexFormat.of().parseHex(parts[2]);
                return salt.length > 0 && expected.length == HASH_BITS / 8
                        && MessageDigest.isEqual(expected, saltedSha256(secret, salt));
            }
            if (parts.length != 4 || !parts[0].equals(HASH_SCHEME)) {
                return false;
            }
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = HexFormat.of().parseHex(parts[2]);
            byte[] expected = HexFormat.of().parseHex(parts[3]);
            if (iterations < 1 || salt.length == 0 || expected.length != HASH_BITS / 8) {
                return false;
            }
            return MessageDigest.isEqual(expected, pbkdf2(secret, salt, iterations));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static byte[] saltedSha256(String secret, byte[] salt) {
        MessageDigest digest = sha256();
        digest.update(salt);
        return digest.digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
        char[] chars = secret.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(PBKDF2).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime provides " + PBKDF2, e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
