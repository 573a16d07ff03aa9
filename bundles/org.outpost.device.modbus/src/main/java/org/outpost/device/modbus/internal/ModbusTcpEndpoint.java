package org.outpost.device.modbus.internal;

import java.util.List;

import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;

/** Where a Modbus-TCP device answers and how long to wait for it, from the device's keys. */
record ModbusTcpEndpoint(String host, int port, int unitId, int timeoutMillis) {

    static final String HOST = "host";
    static final String PORT = "port";
    static final String UNIT_ID = "unit.id";
    static final String TIMEOUT = "timeout";

    static final int DEFAULT_PORT = 502;
    static final int DEFAULT_UNIT_ID = 1;
    static final int DEFAULT_TIMEOUT_MILLIS = 1_000;
    static final int MAX_TIMEOUT_MILLIS = 60_000;

    /** {@code host:port}, with brackets around an IPv6 address: how reasons name the device. */
    String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The device's endpoint, or null after adding every problem found to {@code problems}, each
     * naming its key.
     */
    static ModbusTcpEndpoint parse(Device device, List<String> problems) {
        int before = problems.size();
        String host = device.value(HOST, "").trim();
        if (host.isEmpty()) {
            problems.add(HOST + ": missing; the device's IP address or host name");
        } else if (host.matches("[^:]+:\\d+")) {
            problems.add(HOST + ": '" + host + "' has a port in it; give the port as '" + PORT + "'");
        } else if (!validHost(host)) {
            problems.add(HOST + ": '" + host + "' is not an IP address or host name");
        }
        int port = integer(device, PORT, DEFAULT_PORT, 1, 0xFFFF, "a TCP port", problems);
        int unitId = integer(device, UNIT_ID, DEFAULT_UNIT_ID, 0, 255, "a unit id", problems);
        int timeout = DEFAULT_TIMEOUT_MILLIS;
        String timeoutText = device.value(TIMEOUT, null);
        if (timeoutText != null && !timeoutText.isBlank()) {
            try {
                long millis = DeviceConfig.parseMillis(timeoutText);
                if (millis < 1 || millis > MAX_TIMEOUT_MILLIS) {
                    problems.add(TIMEOUT + ": " + timeoutText.trim() + " is not between 1ms and " + MAX_TIMEOUT_MILLIS / 1000 + "s");
                } else {
                    timeout = (int) millis;
                }
            } catch (IllegalArgumentException e) {
                problems.add(TIMEOUT + ": " + e.getMessage());
            }
        }
        if (problems.size() > before) return null;
        return new ModbusTcpEndpoint(host, port, unitId, timeout);
    }

    private static int integer(Device device, String key, int fallback, int min, int max, String what, List<String> problems) {
        String text = device.value(key, null);
        if (text == null || text.isBlank()) return fallback;
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) return value;
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + ": '" + text.trim() + "' is not " + what + " (" + min + ".." + max + ")");
        return fallback;
    }

    /** Letters, digits, '.', '-', '_' and ':' (IPv6); no spaces, schemes, paths or ports. */
    private static boolean validHost(String host) {
        if (host.length() > 253) return false;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == ':';
            if (!allowed) return false;
        }
        return true;
    }
}
