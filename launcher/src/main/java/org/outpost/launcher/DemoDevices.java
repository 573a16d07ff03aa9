package org.outpost.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code outpost demo} adds to the server's own agent so that there is something to look at. */
final class DemoDevices {
    private DemoDevices() {
    }

    /**
     * The demo's devices on the server's own agent, once (a device removed later stays removed):
     * simulated sensors, this host through the linux driver, and a rule on the simulated temperature.
     */
    static void addOnce(Instance instance) throws IOException {
        Path marker = instance.dir().resolve("demo-devices-added");
        if (Files.exists(marker)) {
            return;
        }
        Map<String, String> sensors = new LinkedHashMap<>();
        sensors.put("device.name", "sensors");
        sensors.put("driver.pid", "simulated");
        sensors.put("seed", "42");
        demoChannel(sensors, "temperature", "DOUBLE", "C", "signal=sine", "min=18", "max=26", "period=60s");
        demoChannel(sensors, "humidity", "DOUBLE", "%", "signal=random", "min=40", "max=60");
        demoChannel(sensors, "pressure", "DOUBLE", "hPa", "signal=ramp", "min=990", "max=1030", "period=120s");
        demoChannel(sensors, "door", "BOOLEAN", "", "signal=step", "period=20s");
        instance.configure("org.outpost.device-sensors", sensors);
        Map<String, String> host = new LinkedHashMap<>();
        host.put("device.name", "host");
        host.put("driver.pid", "linux");
        demoChannel(host, "load", "DOUBLE", "", "source=loadavg.1");
        demoChannel(host, "memory", "DOUBLE", "%", "source=memory.used.percent");
        demoChannel(host, "disk", "DOUBLE", "%", "source=disk.used.percent");
        demoChannel(host, "uptime", "DOUBLE", "s", "source=uptime");
        instance.configure("org.outpost.device-host", host);
        instance.configure("org.outpost.rule-warm", Map.of("rule.name", "warm", "device", "sensors", "channel", "temperature",
                "kind", "THRESHOLD", "above", "25", "for", "5s", "hysteresis", "0.5"));
        Instance.writeOwnerOnly(marker, "The demo's devices were added once; edge:device-remove keeps them removed.\n");
    }

    private static void demoChannel(Map<String, String> device, String channel, String valueType, String unit, String... keys) {
        device.put(channel + "#+name", channel);
        device.put(channel + "#+type", "READ");
        device.put(channel + "#+value.type", valueType);
        device.put(channel + "#+poll.interval", "1000");
        if (!unit.isEmpty()) {
            device.put(channel + "#+unit", unit);
        }
        for (String key : keys) {
            int equals = key.indexOf('=');
            device.put(channel + "#" + key.substring(0, equals), key.substring(equals + 1));
        }
    }
}
