package org.outpost.server.internal;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.security.NodeKeys;
import org.outpost.security.Pem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/join}: exchanges a join token, a CSR and the node's password for a node
 * certificate. The CSR's key stays the agent's, only its public half is signed. Checks run from the
 * cheapest refusal to the one that writes: request shape, token (no use counted), name ownership,
 * then the token's use is counted and the name claimed.
 */
final class NodeJoin {
    /** Largest join request body: a CSR and a token are a few KiB. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final ServerContext ctx;
    private final NodePasswords passwords;

    NodeJoin(ServerContext ctx) {
        this.ctx = ctx;
        this.passwords = new NodePasswords(ctx.store(), ctx.json());
    }

    ObjectNode join(byte[] body) throws IOException {
        JsonNode request = ctx.json().readTree(body);
        String token = text(request, "token");
        String nodeName = text(request, "nodeName");
        String csr = text(request, "csr");
        String password = text(request, "nodePassword");
        if (token == null || nodeName == null || csr == null) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "join needs token, nodeName and csr (and nodePassword)");
        }
        X509Certificate certificate;
        try {
            // A malformed request must not spend a use of the token: check it before redeeming.
            NodeKeys.requireValidNodeName(nodeName);
            NodePasswords.requireWellFormed(password);
            certificate = ctx.ca().signNodeCsr(csr, nodeName, ctx.nodeCertificateValidity());
            ctx.tokens().verify(token);
            passwords.check(nodeName, password, ctx.registry().get(nodeName).isPresent());
            ctx.tokens().redeem(token);
            passwords.claim(nodeName, password);
        } catch (OutpostException e) {
            ctx.metrics().joinsRefused.increment();
            throw e;
        }
        ctx.registry().registerJoin(nodeName, certificate.getSerialNumber().toString(16));
        ctx.metrics().joins.increment();
        ObjectNode out = ctx.json().createObjectNode();
        out.put("node", nodeName);
        out.put("certificate", Pem.encodeCertificates(List.of(certificate)));
        out.put("ca", Pem.encodeCertificate(ctx.ca().certificate()));
        return out;
    }

    private static String text(JsonNode request, String field) {
        if (request == null) {
            return null;
        }
        JsonNode value = request.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
