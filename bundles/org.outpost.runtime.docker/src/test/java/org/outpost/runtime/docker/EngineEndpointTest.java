package org.outpost.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;

import org.junit.jupiter.api.Test;

class EngineEndpointTest {

    @Test
    void theConfiguredHostWins() {
        assertEquals(URI.create("unix:///run/a.sock"), EngineEndpoint.resolve(" unix:///run/a.sock ", "unix:///run/b.sock"));
    }

    @Test
    void withoutOneDockerHostIsTakenWhenItNamesAUnixSocket() {
        assertEquals(URI.create("unix:///run/b.sock"), EngineEndpoint.resolve("", "unix:///run/b.sock"));
    }

    @Test
    void otherwiseTheUsualSocket() {
        assertEquals(URI.create("unix:///var/run/docker.sock"), EngineEndpoint.resolve("", "tcp://10.0.0.1:2376"));
        assertEquals(URI.create("unix:///var/run/docker.sock"), EngineEndpoint.resolve(null, null));
    }

    @Test
    void aConfiguredHostThatIsNoUnixSocketIsRefused() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> EngineEndpoint.resolve("tcp://127.0.0.1:2375", null));
        assertEquals("host must name the engine's unix socket (unix:///path/docker.sock), not tcp://127.0.0.1:2375",
                thrown.getMessage());
    }
}
