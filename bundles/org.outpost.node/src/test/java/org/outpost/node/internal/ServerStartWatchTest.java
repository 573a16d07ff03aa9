package org.outpost.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.dto.DTO;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.outpost.api.ServerState;

class ServerStartWatchTest {

    @TempDir
    Path dir;

    private Framework framework;
    /** What SCR says of the server's component; null while it is not described yet. */
    private volatile ComponentConfigurationDTO server;

    @BeforeEach
    void start() throws Exception {
        framework = Frameworks.started(dir.resolve("felix"));
    }

    @AfterEach
    void stop() throws Exception {
        Frameworks.stop(framework);
    }

    @Test
    void theServerIsUpOnceItsStateIsRegistered() throws Exception {
        ServerStartWatch watch = new ServerStartWatch(framework.getBundleContext(), scr());
        CompletableFuture<ServerStartWatch.Outcome> outcome = CompletableFuture.supplyAsync(() -> await(watch, Duration.ofMinutes(5)));

        framework.getBundleContext().registerService(ServerState.class, proxy(ServerState.class), null);

        assertEquals(ServerStartWatch.Outcome.up(), outcome.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aServerComponentThatFailedToActivateEndsTheWaitWithItsReason() throws Exception {
        server = configuration(ComponentConfigurationDTO.FAILED_ACTIVATION,
                "org.osgi.service.component.ComponentException: java.lang.reflect.InvocationTargetException\n"
                        + "\tat org.apache.felix.scr.impl.inject.methods.BaseMethod.invokeMethod(BaseMethod.java:245)\n"
                        + "Caused by: org.outpost.api.OutpostException: port 6443 on 127.0.0.1 is in use\n"
                        + "\tat org.outpost.server.internal.ServerComponent.activate(ServerComponent.java:80)\n");

        ServerStartWatch.Outcome outcome = new ServerStartWatch(framework.getBundleContext(), scr()).await(Duration.ofMinutes(5));

        assertEquals(new ServerStartWatch.Outcome(false, Optional.of("port 6443 on 127.0.0.1 is in use")), outcome);
    }

    @Test
    void aServerThatNeitherStartsNorFailsEndsTheWaitWhenTheTimeIsUp() throws Exception {
        server = configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE, null);

        ServerStartWatch.Outcome outcome = new ServerStartWatch(framework.getBundleContext(), scr()).await(Duration.ofMillis(300));

        assertFalse(outcome.started());
        assertTrue(outcome.failure().isEmpty());
    }

    private static ServerStartWatch.Outcome await(ServerStartWatch watch, Duration timeout) {
        try {
            return watch.await(timeout);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ComponentConfigurationDTO configuration(int state, String failure) {
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = state;
        configuration.failure = failure;
        return configuration;
    }

    /** SCR with one component of org.outpost.server, in the state the test sets. */
    private ServiceComponentRuntime scr() {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = "org.outpost.server.internal.ServerComponent";
        description.bundle = new BundleDTO();
        description.bundle.symbolicName = "org.outpost.server";
        return (ServiceComponentRuntime) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getComponentDescriptionDTOs" -> List.of(description);
                    case "getComponentConfigurationDTOs" -> server == null ? List.<DTO>of() : List.of(server);
                    default -> null;
                });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> null);
    }
}
