package org.outpost.node.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap that start-up needed back to the operating system once the node has settled.
 * Booting Karaf and a role allocates several times what an idle node keeps; the JVM starts with
 * the default free-ratio limits (40-70 %) so start-up is not slowed by a tightly sized heap, and
 * this component then lowers them (10-30 %) and runs one full collection. From then on the serial
 * collector keeps the heap close to what is live, growing it again when a workload needs it.
 */
@Component(immediate = true, configurationPid = "org.outpost.node.memory")
@Designate(ocd = StartupHeapTrim.Config.class)
public final class StartupHeapTrim {
    private static final Logger LOG = LoggerFactory.getLogger(StartupHeapTrim.class);
    private static final ObjectName HOTSPOT_DIAGNOSTIC = objectName("com.sun.management:type=HotSpotDiagnostic");

    @ObjectClassDefinition(name = "Outpost node memory")
    public @interface Config {
        @AttributeDefinition(description = "Seconds after start to shrink the heap to what is live; 0 = never")
        int trimAfterSeconds() default 20;

        @AttributeDefinition(description = "Free heap share (percent) below which the heap grows, after the trim")
        int minHeapFreeRatio() default 10;

        @AttributeDefinition(description = "Free heap share (percent) above which a full collection shrinks the heap, after the trim")
        int maxHeapFreeRatio() default 30;
    }

    private ScheduledExecutorService timer;

    @Activate
    void activate(Config config, org.osgi.framework.BundleContext context) {
        // the JVM is Outpost's own only in its Karaf distribution; on someone else's container, hands off
        if (config.trimAfterSeconds() <= 0 || context.getProperty("karaf.base") == null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outpost-heap-trim");
            thread.setDaemon(true);
            return thread;
        });
        timer.schedule(() -> trim(config.minHeapFreeRatio(), config.maxHeapFreeRatio()), config.trimAfterSeconds(), TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Lowers the free-ratio limits and collects once; returns the committed heap before and after, in bytes. */
    static long[] trim(int minFreeRatio, int maxFreeRatio) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = memory.getHeapMemoryUsage().getCommitted();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            // lower bound first: the JVM refuses a minimum above the current maximum
            setVmOption(server, "MinHeapFreeRatio", minFreeRatio);
            setVmOption(server, "MaxHeapFreeRatio", maxFreeRatio);
        } catch (JMException | RuntimeException e) {
            LOG.info("Heap left as it is: this JVM does not let its free-ratio limits change ({})", e.getMessage());
            return new long[] {before, before};
        }
        System.gc(); // the one collection that applies the new limits; a no-op under -XX:+DisableExplicitGC
        long after = memory.getHeapMemoryUsage().getCommitted();
        LOG.info("Start-up over: heap {} MiB -> {} MiB committed ({} MiB in use)", before >> 20, after >> 20,
                memory.getHeapMemoryUsage().getUsed() >> 20);
        return new long[] {before, after};
    }

    private static void setVmOption(MBeanServer server, String name, int value) throws JMException {
        server.invoke(HOTSPOT_DIAGNOSTIC, "setVMOption", new Object[] {name, String.valueOf(value)},
                new String[] {String.class.getName(), String.class.getName()});
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }
}
