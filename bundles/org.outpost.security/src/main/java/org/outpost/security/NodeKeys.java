package org.outpost.security;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.security.internal.CertificateRequests;
import org.outpost.security.internal.Keys;
import org.outpost.security.internal.Names;

/**
 * A node's own key material: the agent generates a key pair and sends a certificate request when
 * it joins; the server reads the node name back from the client certificate it issued.
 */
public final class NodeKeys {

    /** The organisation (O) in every node certificate's subject. */
    public static final String NODES_ORGANIZATION = Names.NODES_ORGANIZATION;

    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");

    private NodeKeys() {
    }

    /** A new EC P-256 key pair. */
    public static KeyPair generateKeyPair() {
        return Keys.generateEcP256();
    }

    /**
     * A PEM certificate request for {@code nodeName}, signed with the pair's private key. The
     * server decides the certificate's subject itself; the name here is informational.
     *
     * @throws OutpostException {@link ErrorCode#INVALID_ARGUMENT} for an invalid node name
     */
    public static String createCsrPem(KeyPair keyPair, String nodeName) {
        requireValidNodeName(nodeName);
        return Pem.encodeCsr(CertificateRequests.create(keyPair, Names.node(nodeName)));
    }

    /**
     * The node a client certificate was issued to: the subject's common name, provided the
     * subject is a node's ({@code O=outpost:nodes}, one valid node name as CN). Check the chain
     * first; this only reads the name.
     *
     * @throws OutpostException {@link ErrorCode#INVALID_ARGUMENT} if it is not a node certificate
     */
    public static String nodeNameOf(X509Certificate certificate) {
        List<String> commonNames = Names.commonNames(certificate);
        if (!Names.organizations(certificate).equals(List.of(NODES_ORGANIZATION))
                || commonNames.size() != 1 || !isValidNodeName(commonNames.get(0))) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "certificate "
                    + certificate.getSubjectX500Principal().getName() + " is not a node certificate");
        }
        return commonNames.get(0);
    }

    /**
     * Whether {@code name} is a valid node name: 1 to 63 characters from {@code [-a-z0-9.]},
     * starting and ending with a letter or digit.
     */
    public static boolean isValidNodeName(String name) {
        return name != null && NODE_NAME.matcher(name).matches();
    }

    /** @throws OutpostException {@link ErrorCode#INVALID_ARGUMENT} unless {@link #isValidNodeName}. */
    public static void requireValidNodeName(String name) {
        if (!isValidNodeName(name)) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "node name " + quoted(name)
                    + " is invalid: use 1 to 63 lowercase letters, digits, '-' or '.', "
                    + "starting and ending with a letter or digit");
        }
    }

    private static String quoted(String name) {
        if (name == null) {
            return "(none)";
        }
        String shown = name.length() > 80 ? name.substring(0, 80) + "…" : name;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
