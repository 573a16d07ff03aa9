package org.outpost.kura.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayCredentialTest {

    @TempDir
    Path dir;

    @Test
    void acceptsTheTokenAsBearerOrAsTheAdminsBasicPasswordOnly() throws Exception {
        Path file = dir.resolve("rest/admin-token");
        GatewayCredential credential = GatewayCredential.loadOrCreate(file);
        String token = Files.readString(file, StandardCharsets.UTF_8).trim();
        assertTrue(token.length() >= 32, token);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        assertTrue(credential.accepts("Bearer " + token));
        assertTrue(credential.accepts("bearer " + token));
        assertTrue(credential.accepts(basic("admin:" + token)));
        assertFalse(credential.accepts(basic("root:" + token)));
        assertFalse(credential.accepts(basic("admin:" + token + "x")));
        assertFalse(credential.accepts(basic("admin")));
        assertFalse(credential.accepts("Basic %%%not-base64"));
        assertFalse(credential.accepts("Bearer " + token.substring(1)));
        assertFalse(credential.accepts(null));
        assertFalse(credential.accepts("Digest " + token));

        // the same file next time: the credential survives restarts
        assertTrue(GatewayCredential.loadOrCreate(file).accepts("Bearer " + token));
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }
}
