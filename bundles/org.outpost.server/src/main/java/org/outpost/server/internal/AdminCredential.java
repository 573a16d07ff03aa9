package org.outpost.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.outpost.security.Pem;
import org.outpost.security.Secrets;

/**
 * The admin API's bearer credential, distinct from the join token, kept in a file only the owner
 * can read. Compared in constant time.
 */
final class AdminCredential {
    private final String token;

    private AdminCredential(String token) {
        this.token = token;
    }

    static AdminCredential loadOrCreate(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (existing.length() >= 32) {
                return new AdminCredential(existing);
            }
        }
        String created = "outpost-admin-" + Secrets.newSecret();
        Pem.writePrivate(file, created + "\n");
        return new AdminCredential(created);
    }

    /** Checks an {@code Authorization} header value of the form {@code Bearer <token>}. */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return Secrets.constantTimeEquals(authorization.substring(7).trim(), token);
    }
}
