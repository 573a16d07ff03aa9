package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.CloudStatus;

/** ssl:// brokers: trusted through {@code trust.store}, refused when the certificate is not trusted. */
class TlsUplinkTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static MosquittoBroker broker;
    static int tlsPort;
    static Path caFile;

    @TempDir
    Path outboxDir;
    UplinkHarness harness;

    @BeforeAll
    static void startTlsBroker() throws Exception {
        caFile = dir.resolve("ca.pem");
        Path key = dir.resolve("server.key");
        Path cert = dir.resolve("server.pem");
        Path ext = dir.resolve("san.ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1\n");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("ca.key").toString(), "-out",
                caFile.toString(), "-days", "2", "-subj", "/CN=Outpost test CA");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", dir.resolve("server.csr").toString(),
                "-subj", "/CN=127.0.0.1");
        openssl("x509", "-req", "-in", dir.resolve("server.csr").toString(), "-CA", caFile.toString(), "-CAkey",
                dir.resolve("ca.key").toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile",
                ext.toString());
        tlsPort = MosquittoBroker.freePort();
        broker = MosquittoBroker.start(Files.createDirectory(dir.resolve("broker")), List.of(
                "listener " + tlsPort + " 127.0.0.1",
                "cafile " + caFile,
                "certfile " + cert,
                "keyfile " + key));
    }

    private static void openssl(String... args) throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        assertTrue(Files.isExecutable(openssl), "openssl is missing: it makes the test certificates");
        List<String> command = new java.util.ArrayList<>(List.of(openssl.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl hangs");
        assertEquals(0, process.exitValue(), output);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = new UplinkHarness(outboxDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void aBrokerSignedByTheTrustStoreCaIsReached() throws Exception {
        try (CloudSubscriber subscriber = CloudSubscriber.connect(broker.url(), "$EDC/acme/gw-tls/#")) {
            UplinkConfig config = UplinkConfig.of("ssl://127.0.0.1:" + tlsPort, "acme", "gw-tls", null, null, null, 30,
                    100, caFile.toString());
            CloudPublisher publisher = harness.publisher(config);
            publisher.start();
            subscriber.awaitTopic("$EDC/acme/gw-tls/MQTT/BIRTH", WAIT);
            UplinkHarness.awaitStatus(publisher, CloudStatus::connected, WAIT);
        }
    }

    @Test
    void anUntrustedBrokerCertificateIsRefusedAndReported() throws Exception {
        UplinkConfig config = UplinkConfig.of("ssl://127.0.0.1:" + tlsPort, "acme", "gw-untrusted", null, null, null, 30,
                100, null);
        CloudPublisher publisher = harness.publisher(config);
        publisher.start();
        CloudStatus status = UplinkHarness.awaitStatus(publisher, s -> !s.lastError().isEmpty(), WAIT);
        assertFalse(status.connected());
        assertTrue(status.lastError().contains("SSLHandshakeException"), status.lastError());
    }

    @Test
    void anUnreadableTrustStoreNamesTheKey() throws Exception {
        Path missing = dir.resolve("missing-ca.pem");
        UplinkConfig config = UplinkConfig.of("ssl://127.0.0.1:" + tlsPort, "acme", "gw-nostore", null, null, null, 30,
                100, missing.toString());
        CloudPublisher publisher = harness.publisher(config);
        publisher.start();
        CloudStatus status = UplinkHarness.awaitStatus(publisher, s -> !s.lastError().isEmpty(), WAIT);
        assertTrue(status.lastError().startsWith("trust.store: cannot use " + missing), status.lastError());
    }
}
