package org.outpost.security.internal;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** The distinguished names Outpost issues, and reading attributes back from certificates. */
public final class Names {

    /** The organisation every node certificate names. */
    public static final String NODES_ORGANIZATION = "outpost:nodes";

    /** The common name of server certificates. */
    public static final String SERVER_COMMON_NAME = "outpost-server";

    private Names() {
    }

    /** {@code CN=outpost-ca@<epochSeconds>}. */
    public static X500Name ca(long epochSeconds) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "outpost-ca@" + epochSeconds).build();
    }

    /** {@code CN=outpost-server}. */
    public static X500Name server() {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, SERVER_COMMON_NAME).build();
    }

    /** {@code O=outpost:nodes, CN=<nodeName>}. */
    public static X500Name node(String nodeName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, NODES_ORGANIZATION)
                .addRDN(BCStyle.CN, nodeName)
                .build();
    }

    /** Every common name in the certificate's subject, in order. */
    public static List<String> commonNames(X509Certificate certificate) {
        return subjectValues(certificate, BCStyle.CN);
    }

    /** Every organisation in the certificate's subject, in order. */
    public static List<String> organizations(X509Certificate certificate) {
        return subjectValues(certificate, BCStyle.O);
    }

    private static List<String> subjectValues(X509Certificate certificate, ASN1ObjectIdentifier type) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        List<String> values = new ArrayList<>();
        for (RDN rdn : subject.getRDNs(type)) {
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (attribute.getType().equals(type)) {
                    ASN1Encodable value = attribute.getValue();
                    values.add(value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value));
                }
            }
        }
        return values;
    }
}
