package org.outpost.runtime.bundle.internal;

import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogService;

/**
 * What a bundle workload logs is its output: entries the framework's log service receives from
 * one of an instance's bundles become lines of that instance's log, next to its bundle events.
 * Called on the thread that logged: it only looks up and appends.
 */
final class BundleLogRelay implements LogListener {
    private final Function<String, Set<String>> instancesOfLocation;
    private final BiConsumer<String, String> appendToInstanceLog;

    /**
     * @param instancesOfLocation the ids of the instances that hold a bundle location, or null
     * @param appendToInstanceLog (instance id, line)
     */
    BundleLogRelay(Function<String, Set<String>> instancesOfLocation, BiConsumer<String, String> appendToInstanceLog) {
        this.instancesOfLocation = instancesOfLocation;
        this.appendToInstanceLog = appendToInstanceLog;
    }

    @Override
    @SuppressWarnings("deprecation") // getLevel(): the 1.3 API, so that every log service version answers
    public void logged(LogEntry entry) {
        Bundle bundle = entry.getBundle();
        if (bundle == null) {
            return;
        }
        Set<String> ids = instancesOfLocation.apply(bundle.getLocation());
        if (ids == null || ids.isEmpty()) {
            return;
        }
        String line = level(entry.getLevel()) + " " + entry.getMessage()
                + (entry.getException() == null ? "" : " (" + entry.getException() + ")");
        for (String id : ids) {
            appendToInstanceLog.accept(id, line);
        }
    }

    static String level(int level) {
        return switch (level) {
            case LogService.LOG_ERROR -> "ERROR";
            case LogService.LOG_WARNING -> "WARN";
            case LogService.LOG_INFO -> "INFO";
            default -> "DEBUG";
        };
    }
}
