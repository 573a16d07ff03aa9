package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Version;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogService;

class BundleEventRouterTest {
    private static final String TICKER = "mvn:org.example/ticker/1.0";
    private static final String SHARED = "mvn:org.example/shared/1.0";

    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final BundleEventRouter router = new BundleEventRouter(instances::values, instances::get);

    @Test
    void aWatchedBundlesEventsGoToEveryInstanceThatWatchesIt() {
        Instance first = instance("default/ticker-1");
        Instance second = instance("default/ticker-2");
        router.watch(first, List.of(TICKER, SHARED));
        router.watch(second, List.of(SHARED));

        router.bundleChanged(new BundleEvent(BundleEvent.INSTALLED, bundle(TICKER, "org.example.ticker")));
        router.bundleChanged(new BundleEvent(BundleEvent.STARTING, bundle(TICKER, "org.example.ticker")));
        router.bundleChanged(new BundleEvent(BundleEvent.STARTED, bundle(SHARED, "org.example.shared")));
        router.bundleChanged(new BundleEvent(BundleEvent.STOPPED, bundle("mvn:org.example/other/1.0", "other")));

        assertEquals(List.of("bundle org.example.ticker 1.0.0 installed from " + TICKER,
                "bundle org.example.shared 1.0.0 started"), InstanceLogs.of(first));
        assertEquals(List.of("bundle org.example.shared 1.0.0 started"), InstanceLogs.of(second));
    }

    @Test
    void aGoneInstanceOrAnUnwatchedLocationGetsNothing() {
        Instance first = instance("default/ticker-1");
        Instance second = instance("default/ticker-2");
        router.watch(first, List.of(TICKER));
        router.watch(second, List.of(SHARED));

        router.watch(first, List.of());
        instances.remove(second.id());
        router.rewatch();
        router.bundleChanged(new BundleEvent(BundleEvent.UNINSTALLED, bundle(TICKER, "org.example.ticker")));
        router.bundleChanged(new BundleEvent(BundleEvent.UNINSTALLED, bundle(SHARED, "org.example.shared")));

        assertEquals(List.of(), InstanceLogs.of(first));
        assertEquals(List.of(), InstanceLogs.of(second));
    }

    @Test
    @SuppressWarnings("deprecation")
    void whatAWatchedBundleLogsGoesToTheLogToo() {
        Instance instance = instance("default/ticker-1");
        router.watch(instance, List.of(TICKER));
        Bundle ticker = bundle(TICKER, "org.example.ticker");
        LogEntry entry = (LogEntry) Proxy.newProxyInstance(LogEntry.class.getClassLoader(), new Class<?>[] {LogEntry.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> ticker;
                    case "getLevel" -> LogService.LOG_INFO;
                    case "getMessage" -> "load average 0.5";
                    default -> null;
                });

        router.logRelay().logged(entry);

        assertEquals(List.of("INFO load average 0.5"), InstanceLogs.of(instance));
    }

    private Instance instance(String id) {
        Instance instance = new Instance(id);
        instances.put(id, instance);
        return instance;
    }

    private static Bundle bundle(String location, String symbolicName) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getLocation" -> location;
                    case "getSymbolicName" -> symbolicName;
                    case "getVersion" -> new Version(1, 0, 0);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
