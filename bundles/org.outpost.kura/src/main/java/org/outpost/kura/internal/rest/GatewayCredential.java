package org.outpost.kura.internal.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.outpost.security.Pem;
import org.outpost.security.Secrets;

/**
 * The gateway's admin credential for its REST port, kept in a file only the owner can read.
 * Accepted as {@code Authorization: Bearer <token>}, or as HTTP Basic with user {@code admin} and
 * the token as password, which is how Kura's REST clients authenticate. Compared in constant time.
 */
final class GatewayCredential {
    static final String USER = "admin";
    private final String token;

    private GatewayCredential(String token) {
        this.token = token;
    }

    static GatewayCredential loadOrCreate(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (existing.length() >= 32) {
                return new GatewayCredential(existing);
            }
        }
        Files.createDirectories(file.getParent());
        String created = "outpost-admin-" + Secrets.newSecret();
        Pem.writePrivate(file, created + "\n");
        return new GatewayCredential(created);
    }

    boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Secrets.constantTimeEquals(authorization.substring(7).trim(), token);
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            boolean userMatches = colon > 0 && Secrets.constantTimeEquals(decoded.substring(0, colon), USER);
            boolean passwordMatches = colon > 0 && Secrets.constantTimeEquals(decoded.substring(colon + 1), token);
            return userMatches & passwordMatches;
        }
        return false;
    }
}
