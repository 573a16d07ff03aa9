package org.outpost.runtime.docker;

import java.net.URI;

import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;

/**
 * docker-java's client settings, reduced to the engine's address. docker-java's default config
 * would also read {@code DOCKER_*} variables, {@code ~/.docker-java.properties} and the Docker
 * CLI's contexts, any of which could point the runtime at another engine; Outpost never pulls, so
 * it needs no registry credentials either.
 */
final class EngineClientConfig implements DockerClientConfig {

    private final URI host;

    EngineClientConfig(URI host) {
        this.host = host;
    }

    @Override
    public URI getDockerHost() {
        return host;
    }

    /** Unknown: the engine then speaks its own current API version. */
    @Override
    public RemoteApiVersion getApiVersion() {
        return RemoteApiVersion.unknown();
    }

    @Override
    public String getRegistryUsername() {
        return null;
    }

    @Override
    public String getRegistryPassword() {
        return null;
    }

    @Override
    public String getRegistryEmail() {
        return null;
    }

    @Override
    public String getRegistryUrl() {
        return null;
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
        return null;
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
        return new AuthConfigurations();
    }

    @Override
    @SuppressWarnings("deprecation") // the interface still returns docker-java's older SSLConfig type
    public SSLConfig getSSLConfig() {
        return null;
    }
}
