package org.outpost.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void newSecretIs128BitsOfLowerCaseHexAndUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String secret = Secrets.newSecret();
            assertTrue(secret.matches("[0-9a-f]{32}"), secret);
            assertTrue(seen.add(secret));
        }
    }

    @Test
    void newIdIsSixLowerCaseAlphanumericsAndNeverServer() {
        for (int i = 0; i < 200; i++) {
            String id = Secrets.newId();
            assertTrue(id.matches("[a-z0-9]{6}"), id);
            assertNotEquals("server", id);
        }
    }

    @Test
    void sha256HexMatchesTheStandardTestVector() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Secrets.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void constantTimeEqualsComparesContent() {
        assertTrue(Secrets.constantTimeEquals("same-secret", new String("same-secret")));
        assertTrue(Secrets.constantTimeEquals("", ""));
        assertTrue(Secrets.constantTimeEquals("ünïcödé", "ünïcödé"));
        assertFalse(Secrets.constantTimeEquals("same-secret", "same-secreT"));
        assertFalse(Secrets.constantTimeEquals("same-secret", "same-secret-longer"));
        assertFalse(Secrets.constantTimeEquals("abc", ""));
    }

    @Test
    void constantTimeEqualsNeverMatchesNull() {
        assertFalse(Secrets.constantTimeEquals(null, "x"));
        assertFalse(Secrets.constantTimeEquals("x", null));
        assertFalse(Secrets.constantTimeEquals(null, null));
    }

    @Test
    void hashedSecretVerifiesOnlyTheSameSecret() {
        String secret = Secrets.newSecret();
        String stored = Secrets.hashSecret(secret);

        assertFalse(stored.contains(secret));
        assertTrue(stored.startsWith("pbkdf2-sha256$"), stored);
        assertTrue(Secrets.verifySecret(secret, stored));
        assertFalse(Secrets.verifySecret(secret + "x", stored));
        assertFalse(Secrets.verifySecret(null, stored));
        assertNotEquals(stored, Secrets.hashSecret(secret), "salted");
    }

    @Test
    void generatedSecretsGetASaltedFastHashThatVerifiesOnlyTheSameSecret() {
        String secret = Secrets.newSecret();
        String stored = Secrets.hashGeneratedSecret(secret);

        assertFalse(stored.contains(secret));
        assertTrue(stored.matches("sha256\\$[0-9a-f]{32}\\$[0-9a-f]{64}"), stored);
        assertTrue(Secrets.verifySecret(secret, stored));
        assertFalse(Secrets.verifySecret(secret.substring(1), stored));
        assertFalse(Secrets.verifySecret(Secrets.newSecret(), stored));
        assertNotEquals(stored, Secrets.hashGeneratedSecret(secret), "salted");
    }

    @Test
    void shortSecretsAreRefusedTheFastHash() {
        OutpostException e = assertThrows(OutpostException.class, () -> Secrets.hashGeneratedSecret("passphrase"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertThrows(OutpostException.class, () -> Secrets.hashGeneratedSecret(null));
    }

    @Test
    void malformedStoredHashesNeverVerify() {
        for (String stored : new String[] {null, "", "plain", "pbkdf2-sha256$x$00$00", "pbkdf2-sha256$1$$00",
                "pbkdf2-sha256$1$zz$00", "md5$1$00$00", "pbkdf2-sha256$1$00$00", "sha256$$" + "00".repeat(32),
                "sha256$00$00", "sha256$zz$" + "00".repeat(32), "sha256$00$" + "00".repeat(32) + "$x"}) {
            assertFalse(Secrets.verifySecret("secret", stored), String.valueOf(stored));
        }
    }
}
