package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogService;

class BundleLogRelayTest {
    private final List<String> lines = new ArrayList<>();
    private final BundleLogRelay relay = new BundleLogRelay(
            Map.of("mvn:org.example/ticker/1.0", Set.of("default/ticker-abcde"))::get,
            (id, line) -> lines.add(id + ": " + line));

    private static Bundle bundleAt(String location) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("getLocation") ? location : null);
    }

    @SuppressWarnings("deprecation")
    private static LogEntry entry(Bundle bundle, int level, String message, Throwable error) {
        return (LogEntry) Proxy.newProxyInstance(LogEntry.class.getClassLoader(), new Class<?>[] {LogEntry.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "getLevel" -> level;
                    case "getMessage" -> message;
                    case "getException" -> error;
                    default -> null;
                });
    }

    @Test
    void whatAnInstancesBundleLogsGoesToThatInstancesLog() {
        relay.logged(entry(bundleAt("mvn:org.example/ticker/1.0"), LogService.LOG_INFO, "load average 0.5", null));
        relay.logged(entry(bundleAt("mvn:org.example/ticker/1.0"), LogService.LOG_WARNING, "cannot read",
                new IllegalStateException("gone")));
        relay.logged(entry(bundleAt("mvn:org.example/other/1.0"), LogService.LOG_INFO, "not a workload's", null));
        relay.logged(entry(null, LogService.LOG_ERROR, "the framework's own", null));
        assertEquals(List.of("default/ticker-abcde: INFO load average 0.5",
                "default/ticker-abcde: WARN cannot read (java.lang.IllegalStateException: gone)"), lines);
    }
}
