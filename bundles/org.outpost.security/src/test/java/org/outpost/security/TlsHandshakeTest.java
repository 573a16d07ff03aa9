package org.outpost.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real TLS handshake on loopback: the issued server certificate against the pinning trust manager. */
class TlsHandshakeTest {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final byte[] HELLO = "hello from the agent".getBytes(StandardCharsets.UTF_8);

    private ClusterCa ca;
    private ClusterCa otherCa;
    private SSLServerSocket serverSocket;
    private ExecutorService executor;

    /** What the server side read before the connection ended, and how it ended. */
    record Received(byte[] bytes, Exception failure) {
    }

    @BeforeEach
    void startServer(@TempDir Path dir) throws Exception {
        ca = ClusterCa.loadOrCreate(dir.resolve("ca"));
        otherCa = ClusterCa.loadOrCreate(dir.resolve("other"));
        CertifiedKey server = ca.issueServerCertificate(Set.of("localhost"),
                Set.of(InetAddress.getByName("127.0.0.1")), Duration.ofDays(1));
        serverSocket = (SSLServerSocket) serverContext(server).getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        serverSocket.setEnabledProtocols(PROTOCOLS);
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stopServer() throws IOException {
        executor.shutdownNow();
        serverSocket.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void handshakeSucceedsWhenTheTokenHashIsTheCas(String protocol) throws Exception {
        Future<Received> received = executor.submit(this::acceptAndReadAll);
        CaPinningTrustManager pinning = new CaPinningTrustManager(ca.certificateHash());

        try (SSLSocket client = connect(pinning, protocol)) {
            client.startHandshake();
            assertEquals(protocol, client.getSession().getProtocol());
            client.getOutputStream().write(HELLO);
        }

        Received result = received.get(10, TimeUnit.SECONDS);
        assertEquals(new String(HELLO, StandardCharsets.UTF_8), new String(result.bytes(), StandardCharsets.UTF_8));
        assertEquals(Optional.of(ca.certificate()), pinning.pinnedCa());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void handshakeFailsBeforeAnyDataWhenTheHashIsWrong(String protocol) throws Exception {
        Future<Received> received = executor.submit(this::acceptAndReadAll);
        CaPinningTrustManager pinning = new CaPinningTrustManager(otherCa.certificateHash());

        SSLHandshakeException e;
        try (SSLSocket client = connect(pinning, protocol)) {
            e = assertThrows(SSLHandshakeException.class, () -> {
                client.startHandshake();
                client.getOutputStream().write(HELLO);
            });
        }

        assertTrue(causeMessages(e).contains("does not match the token's"), causeMessages(e));
        Received result = received.get(10, TimeUnit.SECONDS);
        assertEquals(0, result.bytes().length, "server read no application data");
        assertNotNull(result.failure(), "server saw the handshake fail");
        assertEquals(Optional.empty(), pinning.pinnedCa());
    }

    private SSLSocket connect(CaPinningTrustManager trustManager, String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustManager}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), serverSocket.getLocalPort());
        socket.setEnabledProtocols(new String[] {protocol});
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private Received acceptAndReadAll() throws IOException {
        try (SSLSocket socket = (SSLSocket) serverSocket.accept()) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[256];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    bytes.write(buffer, 0, n);
                }
                return new Received(bytes.toByteArray(), null);
            } catch (IOException e) {
                return new Received(bytes.toByteArray(), e);
            }
        }
    }

    /** The server presents its certificate followed by the CA's, which is what the agent pins. */
    private SSLContext serverContext(CertifiedKey server) throws GeneralSecurityException, IOException {
        char[] password = "test".toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("server", server.privateKey(), password,
                new Certificate[] {server.certificate(), ca.certificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    private static String causeMessages(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        return messages.toString();
    }
}
