package org.outpost.runtime.docker;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

/**
 * A Docker Engine of the tests' own, started once for all test classes by
 * {@code scripts/docker-engine.sh} and stopped after the last one. It has one image,
 * {@code outpost/busybox:1}, and a client the tests check the engine's side with.
 */
final class PrivateDockerEngine implements BeforeAllCallback, ParameterResolver {

    static final String IMAGE = "outpost/busybox:1";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PrivateDockerEngine.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        engine(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Engine.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return engine(context);
    }

    private static Engine engine(ExtensionContext context) {
        // the root store closes it once every test class has run
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Engine.class, key -> Engine.start(), Engine.class);
    }

    static final class Engine implements ExtensionContext.Store.CloseableResource {

        private final Path script;
        private final Path dir;
        private final DockerClient client;

        private Engine(Path script, Path dir) {
            this.script = script;
            this.dir = dir;
            URI host = host(dir);
            this.client = DockerClientImpl.getInstance(new EngineClientConfig(host),
                    new ApacheDockerHttpClient.Builder().dockerHost(host).build());
        }

        static Engine start() {
            Path script = repositoryRoot().resolve("scripts").resolve("docker-engine.sh");
            // short: a unix socket path may not exceed 108 bytes
            Path dir = Path.of("/tmp", "outpost-docker-rt-" + ProcessHandle.current().pid());
            run(script, "start", dir);
            return new Engine(script, dir);
        }

        /** {@code unix://DIR/docker.sock}, for the runtime's {@code host}. */
        String host() {
            return host(dir).toString();
        }

        DockerClient client() {
            return client;
        }

        /** The containers carrying this node's label, stopped or not. */
        List<Container> containersOf(String node) {
            return client.listContainersCmd().withShowAll(true).withLabelFilter(ContainerLabels.ofNode(node)).exec();
        }

        InspectContainerResponse inspect(String containerId) {
            return client.inspectContainerCmd(containerId).exec();
        }

        boolean hasImage(String image) {
            try {
                client.inspectImageCmd(image).exec();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        }

        void removeContainersOf(String node) {
            for (Container container : containersOf(node)) {
                try {
                    client.removeContainerCmd(container.getId()).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // removed by the test itself meanwhile
                }
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
            run(script, "stop", dir);
            deleteQuietly(dir);
        }

        private static URI host(Path dir) {
            return URI.create("unix://" + dir.resolve("docker.sock"));
        }

        private static Path repositoryRoot() {
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("scripts").resolve("docker-engine.sh"))) {
                    return dir;
                }
            }
            throw new IllegalStateException("no scripts/docker-engine.sh above " + Path.of("").toAbsolutePath());
        }

        private static void run(Path script, String command, Path dir) {
            try {
                Process process = new ProcessBuilder("bash", script.toString(), command, dir.toString())
                        .redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    throw new IllegalStateException("docker-engine.sh " + command + " failed:\n" + output);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + script, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted running " + script, e);
            }
        }

        /** The engine's data root may still hold a mount for a moment; what is left goes with /tmp. */
        private static void deleteQuietly(Path dir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | RuntimeException e) {
                // best effort
            }
        }
    }
}
