package org.outpost.cloud.mqtt.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards the broker with a trust store of its own ({@code trust.store}): a PEM (or DER) file of
 * CA certificates, or a JKS / PKCS#12 store without a password. Without one the JVM's trust store
 * applies.
 */
final class BrokerTls {

    private BrokerTls() {
    }

    static SSLSocketFactory socketFactory(Path trustStore) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(trustStore);
        KeyStore trusted = certificates(bytes);
        if (trusted == null) {
            trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(new ByteArrayInputStream(bytes), null);
        }
        if (trusted.size() == 0) throw new GeneralSecurityException("no certificate in " + trustStore);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** The certificates of a PEM/DER file as a trust store, or null when the file holds none. */
    private static KeyStore certificates(byte[] bytes) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (CertificateException e) {
            return null;
        }
        if (certificates.isEmpty()) return null;
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int index = 0;
        for (Certificate certificate : certificates) store.setCertificateEntry("ca-" + index++, certificate);
        return store;
    }
}
