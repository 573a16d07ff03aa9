package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialTest {

    @TempDir
    Path dir;

    private String read(Path file) throws Exception {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    @Test
    void createdCredentialIsPrivateAndAccepted() throws Exception {
        Path file = dir.resolve("server").resolve("admin-token");

        AdminCredential credential = AdminCredential.loadOrCreate(file);

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        String token = read(file);
        assertTrue(token.matches("outpost-admin-[0-9a-f]{32}"), token);
        assertTrue(credential.accepts("Bearer " + token));
        assertTrue(credential.accepts("bearer " + token));
        assertTrue(credential.accepts("Bearer  " + token + " "));
        assertFalse(credential.accepts(null));
        assertFalse(credential.accepts(""));
        assertFalse(credential.accepts(token));
        assertFalse(credential.accepts("Basic " + token));
        assertFalse(credential.accepts("Bearer " + token.substring(1)));
        assertFalse(credential.accepts("Bearer " + token + "x"));
    }

    @Test
    void existingCredentialIsKept() throws Exception {
        Path file = dir.resolve("admin-token");
        AdminCredential.loadOrCreate(file);
        String token = read(file);

        AdminCredential again = AdminCredential.loadOrCreate(file);

        assertEquals(token, read(file));
        assertTrue(again.accepts("Bearer " + token));
    }

    @Test
    void tooShortCredentialIsReplaced() throws Exception {
        Path file = dir.resolve("admin-token");
        Files.writeString(file, "short\n");

        AdminCredential credential = AdminCredential.loadOrCreate(file);

        String token = read(file);
        assertNotEquals("short", token);
        assertFalse(credential.accepts("Bearer short"));
        assertTrue(credential.accepts("Bearer " + token));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    }
}
