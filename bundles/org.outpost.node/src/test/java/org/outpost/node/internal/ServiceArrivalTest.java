package org.outpost.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.features.BootFinished;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;

class ServiceArrivalTest {
    private static final String BOOT_FINISHED = RoleSwitcher.BOOT_FINISHED;

    @TempDir
    Path dir;

    private Framework framework;
    private BundleContext context;

    @BeforeEach
    void start() throws Exception {
        framework = Frameworks.started(dir.resolve("felix"));
        context = framework.getBundleContext();
    }

    @AfterEach
    void stop() throws Exception {
        Frameworks.stop(framework);
    }

    @Test
    void theRoleSwitcherWaitsForKarafsBootFinished() {
        assertEquals(BootFinished.class.getName(), BOOT_FINISHED);
    }

    @Test
    void aServiceThatIsThereAlreadyEndsTheWaitAtOnce() throws Exception {
        context.registerService(BootFinished.class, bootFinished(), null);

        try (ServiceArrival boot = new ServiceArrival(context, BOOT_FINISHED)) {
            long started = System.nanoTime();
            assertTrue(boot.await(Duration.ofMinutes(5)));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void theWaitEndsWhenTheServiceIsRegistered() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Boolean> arrived = CompletableFuture.supplyAsync(() -> {
            try (ServiceArrival boot = new ServiceArrival(context, BOOT_FINISHED)) {
                waiting.countDown();
                return boot.await(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        assertFalse(arrived.isDone());

        context.registerService(BootFinished.class, bootFinished(), null);

        assertTrue(arrived.get(10, TimeUnit.SECONDS), "the wait ended well before its 5 minutes");
    }

    @Test
    void aServiceThatNeverComesEndsTheWaitWhenTheTimeIsUp() throws Exception {
        context.registerService(Runnable.class, () -> {
        }, null);

        try (ServiceArrival boot = new ServiceArrival(context, BOOT_FINISHED)) {
            assertFalse(boot.await(Duration.ofMillis(50)));
            assertFalse(boot.await(Duration.ZERO));
        }
    }

    @Test
    void anInterruptEndsTheWait() throws Exception {
        try (ServiceArrival boot = new ServiceArrival(context, BOOT_FINISHED)) {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> boot.await(Duration.ofMinutes(5)));
        } finally {
            Thread.interrupted();
        }
    }

    private static BootFinished bootFinished() {
        return (BootFinished) Proxy.newProxyInstance(BootFinished.class.getClassLoader(), new Class<?>[] {BootFinished.class},
                (proxy, method, args) -> null);
    }
}
