package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class UplinkConfigTest {

    private static UplinkConfig valid(String url) throws InvalidUplinkConfigException {
        return UplinkConfig.of(url, "acme", "gw-1", "", "", "", 30, 1000, "");
    }

    private static List<String> problems(String url, String account, String clientId, String appId, int keepAlive,
            int maxInflight, String trustStore) {
        return assertThrows(InvalidUplinkConfigException.class,
                () -> UplinkConfig.of(url, account, clientId, null, null, appId, keepAlive, maxInflight, trustStore))
                .problems();
    }

    @Test
    void defaultsFillWhatIsOptional() throws Exception {
        UplinkConfig config = valid("TCP://broker.example.com:1883");
        assertEquals("tcp://broker.example.com:1883", config.brokerUrl());
        assertEquals("outpost", config.appId());
        assertNull(config.username());
        assertNull(config.passwordFile());
        assertFalse(config.tls());
        assertEquals("ssl://broker.example.com", valid("ssl://broker.example.com").brokerUrl());
        assertTrue(valid("ssl://broker.example.com:8883").tls());
        assertEquals("tcp://[::1]:1883", valid("tcp://[::1]:1883").brokerUrl());
    }

    @Test
    void everyProblemIsReportedWithItsKey() {
        List<String> problems = problems(null, " ", null, "a/b", -1, 0, "");
        assertEquals(6, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("broker.url: missing"), problems.get(0));
        assertTrue(problems.contains("account: missing"), problems.toString());
        assertTrue(problems.contains("client.id: missing"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("app.id: 'a/b' must not contain '/'")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("keep.alive: -1")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("max.inflight: 0")), problems.toString());
    }

    @Test
    void badBrokerUrlsAreNamed() {
        assertEquals(List.of("broker.url: 'http://broker:80' must start with tcp:// or ssl://"),
                problems("http://broker:80", "a", "c", null, 30, 10, null));
        assertEquals(List.of("broker.url: 'broker:1883' must start with tcp:// or ssl://"),
                problems("broker:1883", "a", "c", null, 30, 10, null));
        assertTrue(problems("tcp://bro ker:1883", "a", "c", null, 30, 10, null).get(0).startsWith("broker.url: 'tcp://bro ker:1883' is not a URL"));
        assertEquals(List.of("broker.url: 'tcp://broker:1883/x' must be scheme://host[:port] only"),
                problems("tcp://broker:1883/x", "a", "c", null, 30, 10, null));
        assertEquals(List.of("trust.store: only used with an ssl:// broker.url"),
                problems("tcp://broker:1883", "a", "c", null, 30, 10, "/etc/ca.pem"));
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutBeingRepeated() {
        List<String> problems = problems("tcp://user:s3cret@broker:1883", "a", "c", null, 30, 10, null);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("must not carry credentials"), problems.get(0));
        assertFalse(problems.get(0).contains("s3cret"), problems.get(0));
        assertEquals("tcp://broker:1883", UplinkConfig.redact("tcp://user:s3cret@broker:1883"));
        assertEquals("broker:1883", UplinkConfig.redact("user:s3cret@broker:1883"));
        assertEquals("", UplinkConfig.redact(null));
    }

    @Test
    void topicLevelsRejectWildcardsAndSystemPrefix() {
        assertTrue(problems("tcp://b", "ac#me", "c", null, 30, 10, null).get(0).startsWith("account: 'ac#me'"));
        assertTrue(problems("tcp://b", "a", "gw+1", null, 30, 10, null).get(0).startsWith("client.id: 'gw+1'"));
        assertTrue(problems("tcp://b", "$SYS", "c", null, 30, 10, null).get(0).startsWith("account: '$SYS' must not start with '$'"));
    }

    @Test
    void aPasswordNeedsAUsername() {
        InvalidUplinkConfigException e = assertThrows(InvalidUplinkConfigException.class,
                () -> UplinkConfig.of("tcp://b", "a", "c", " ", "/run/secrets/mqtt", null, 30, 10, null));
        assertEquals(List.of("password.file: a password needs a username (MQTT 3.1.1 sends none without one)"), e.problems());
    }

    @Test
    void filesAreTakenAsPaths() throws Exception {
        UplinkConfig config = UplinkConfig.of("ssl://b:8883", "a", "c", " bob ", "/run/secrets/mqtt", null, 0,
                65_000, "/etc/outpost/ca.pem");
        assertEquals("bob", config.username());
        assertEquals(Path.of("/run/secrets/mqtt"), config.passwordFile());
        assertEquals(Path.of("/etc/outpost/ca.pem"), config.trustStore());
        assertEquals(0, config.keepAliveSeconds());
    }
}
