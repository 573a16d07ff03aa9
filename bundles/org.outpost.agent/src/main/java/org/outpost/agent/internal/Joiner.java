package org.outpost.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

import org.outpost.api.OutpostException;
import org.outpost.security.CaPinningTrustManager;
import org.outpost.security.NodeKeys;
import org.outpost.security.ParsedJoinToken;
import org.outpost.security.Pem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Exchanges a join token for a node identity. The TLS handshake pins the server's CA to the hash
 * in the token, so the secret is sent only to the cluster the token belongs to.
 */
final class Joiner {
    private final ObjectMapper json;

    Joiner(ObjectMapper json) {
        this.json = json;
    }

    NodeIdentity join(URI server, String token, String nodeName, Path identityDir, Optional<NodeIdentity> existing)
            throws JoinRefusedException, IOException {
        ParsedJoinToken parsed;
        try {
            parsed = ParsedJoinToken.parse(token);
        } catch (OutpostException e) {
            throw new JoinRefusedException("join token rejected: " + e.getMessage());
        }
        CaPinningTrustManager pinning = new CaPinningTrustManager(parsed.caHash());
        KeyPair keys = NodeIdentity.keyPair(identityDir, existing);
        ObjectNode request = json.createObjectNode();
        request.put("nodeName", nodeName);
        request.put("csr", NodeKeys.createCsrPem(keys, nodeName));
        request.put("token", token);
        request.put("nodePassword", NodeIdentity.nodePassword(identityDir));
        byte[] body = json.writeValueAsBytes(request);

        URL url = server.resolve("/v1/join").toURL();
        HttpsURLConnection connection = (HttpsURLConnection) url.openConnection();
        try {
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(null, new TrustManager[] {pinning}, null);
            connection.setSSLSocketFactory(tls.getSocketFactory());
            // The pinned CA is the trust decision (as with k3s tokens); names in the URL may be any address of the server.
            connection.setHostnameVerifier((host, session) -> true);
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(30_000);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            try {
                connection.connect();
            } catch (SSLException e) {
                throw new JoinRefusedException(handshakeReason(e, parsed));
            }
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            JsonNode response;
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                response = in == null ? json.createObjectNode() : json.readTree(in);
            }
            if (status == 429 || status >= 500) {
                // busy, rate-limited or starting: not a refusal, the next attempt may be let in
                throw new IOException("server cannot take the join now (" + status + "): "
                        + response.path("message").asText("HTTP " + status));
            }
            if (status != HttpURLConnection.HTTP_OK) {
                String message = response.path("message").asText("HTTP " + status);
                throw new JoinRefusedException("server refused the join (" + status + "): " + message);
            }
            List<X509Certificate> chain = Pem.decodeCertificates(response.path("certificate").asText());
            X509Certificate ca = Pem.decodeCertificate(response.path("ca").asText());
            NodeIdentity identity = new NodeIdentity(keys.getPrivate(), chain.get(0), ca);
            if (!identity.caHash().equals(parsed.caHash())) {
                throw new JoinRefusedException("server returned a CA that does not match the token");
            }
            identity.save(identityDir);
            return identity;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available: " + e.getMessage(), e);
        } finally {
            connection.disconnect();
        }
    }

    private static String handshakeReason(SSLException e, ParsedJoinToken token) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return "server certificate not trusted: " + cause.getMessage();
            }
        }
        return "TLS handshake with the server failed: " + e.getMessage();
    }
}
