package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.CloudStatus;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.outbox.Outbox;

/** The component as DS drives it: activate, modified, deactivate, with good and bad configurations. */
class CloudUplinkComponentTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    MosquittoBroker broker;
    UplinkHarness harness;
    CloudUplinkComponent component;

    @BeforeEach
    void setUp() throws Exception {
        Path brokerDir = Files.createDirectory(dir.resolve("broker"));
        broker = MosquittoBroker.start(brokerDir);
        harness = new UplinkHarness(Files.createDirectory(dir.resolve("outbox")));
        component = new CloudUplinkComponent(harness.outbox(), TestNode.gateway());
    }

    @AfterEach
    void tearDown() throws Exception {
        component.deactivate();
        harness.close();
        broker.close();
    }

    @Test
    void aBadConfigurationIsReportedNotThrown() {
        component.activateWith(config("http://user:pw@broker", null, "gw-1", ""), "Felix", "7.0.5");

        CloudStatus status = component.status();
        assertFalse(status.connected());
        assertEquals("http://broker", status.broker(), "no credentials in the status");
        assertTrue(status.lastError().contains("broker.url: 'http://broker' must start with tcp:// or ssl://"), status.lastError());
        assertTrue(status.lastError().contains("account: missing"), status.lastError());
        assertFalse(status.lastError().contains("pw"), status.lastError());
    }

    @Test
    void aCorrectedConfigurationConnectsAndDeactivationSaysGoodbye() throws Exception {
        Path password = dir.resolve("password");
        Files.writeString(password, "not-needed-by-this-broker\n");
        component.activateWith(config(broker.url(), null, "gw-comp", ""), "Felix", "7.0.5");
        assertTrue(component.status().lastError().contains("account: missing"));

        try (CloudSubscriber subscriber = CloudSubscriber.connect(broker.url(), "$EDC/acme/gw-comp/#", "acme/gw-comp/#")) {
            component.modified(config(broker.url(), "acme", "gw-comp", password.toString()));
            CloudStatus status = UplinkHarness.await(component::status, CloudStatus::connected, WAIT, "status");
            assertEquals("acme", status.account());
            assertEquals("", status.lastError());
            subscriber.awaitTopic("$EDC/acme/gw-comp/MQTT/BIRTH", WAIT);
            harness.outbox().append(Outbox.PRIORITY_READING, TelemetryCodec.encode(Reading.good("boiler-1", "temp", 1, 20.0)));
            subscriber.awaitTopic("acme/gw-comp/outpost/boiler-1/temp", WAIT);

            component.deactivate();
            subscriber.awaitTopic("$EDC/acme/gw-comp/MQTT/DC", WAIT);
        }
    }

    @Test
    void aDeletedConfigurationSaysGoodbyeThenDropsTheCloudCursor() throws Exception {
        component.activateWith(config(broker.url(), "acme", "gw-del", ""), "Felix", "7.0.5");
        try (CloudSubscriber subscriber = CloudSubscriber.connect(broker.url(), "$EDC/acme/gw-del/#")) {
            UplinkHarness.await(component::status, CloudStatus::connected, WAIT, "status");
            subscriber.awaitTopic("$EDC/acme/gw-del/MQTT/BIRTH", WAIT);
            assertTrue(harness.outbox().stats().pendingByCursor().containsKey(CloudPublisher.CURSOR));

            component.deactivate(4); // DS: the configuration was deleted (edge:cloud-disconnect)
            subscriber.awaitTopic("$EDC/acme/gw-del/MQTT/DC", WAIT);
            assertFalse(harness.outbox().stats().pendingByCursor().containsKey(CloudPublisher.CURSOR),
                    "a connection removed on purpose leaves no cursor holding records");
        }
        component = new CloudUplinkComponent(harness.outbox(), TestNode.gateway());
    }

    @Test
    void aMissingPasswordFileIsAConnectionErrorNamingTheKey() throws Exception {
        Path missing = dir.resolve("no-such-password");
        component.activateWith(config(broker.url(), "acme", "gw-pw", missing.toString()), "Felix", "7.0.5");
        CloudStatus status = UplinkHarness.await(component::status, s -> !s.lastError().isEmpty(), WAIT, "status");
        assertFalse(status.connected());
        assertTrue(status.lastError().startsWith("password.file: cannot read " + missing), status.lastError());
    }

    private static CloudUplinkComponent.Config config(String url, String account, String clientId, String passwordFile) {
        return new CloudUplinkComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CloudUplinkComponent.Config.class;
            }

            @Override
            public String broker_url() {
                return url;
            }

            @Override
            public String account() {
                return account;
            }

            @Override
            public String client_id() {
                return clientId;
            }

            @Override
            public String username() {
                return passwordFile.isEmpty() ? "" : "gateway";
            }

            @Override
            public String password_file() {
                return passwordFile;
            }

            @Override
            public String app_id() {
                return "outpost";
            }

            @Override
            public int keep_alive() {
                return 30;
            }

            @Override
            public int max_inflight() {
                return 100;
            }

            @Override
            public String trust_store() {
                return "";
            }
        };
    }
}
