package org.outpost.api.kura;

import java.util.Map;

/**
 * One configurable component: its PID ({@code kura.service.pid} for factory configurations such
 * as devices), its factory PID or {@code null}, and its properties (String, Integer, Long, Double,
 * Float, Boolean, Character, Short, Byte, or arrays of them).
 */
public record ComponentConfiguration(String pid, String factoryPid, Map<String, Object> properties) {
    public ComponentConfiguration {
        properties = Map.copyOf(properties);
    }
}
