package org.outpost.runtime.docker;

import java.net.URI;

/** Which Docker Engine the runtime talks to: always a unix socket on this machine. */
final class EngineEndpoint {

    static final String DEFAULT = "unix:///var/run/docker.sock";
    private static final String UNIX = "unix://";

    private EngineEndpoint() {
    }

    /**
     * The configured host when set, else {@code DOCKER_HOST} when it names a unix socket (a
     * {@code tcp://} engine would need TLS and is not what a node's own engine is), else the default.
     *
     * @throws IllegalArgumentException when the configured host is not a {@code unix://} socket path
     */
    static URI resolve(String configuredHost, String dockerHostVariable) {
        String configured = configuredHost == null ? "" : configuredHost.trim();
        if (!configured.isEmpty()) {
            if (!isUnixSocket(configured)) {
                throw new IllegalArgumentException("host must name the engine's unix socket (unix:///path/docker.sock), not "
                        + configured);
            }
            return URI.create(configured);
        }
        String variable = dockerHostVariable == null ? "" : dockerHostVariable.trim();
        return URI.create(isUnixSocket(variable) ? variable : DEFAULT);
    }

    private static boolean isUnixSocket(String host) {
        return host.startsWith(UNIX) && host.length() > UNIX.length();
    }
}
