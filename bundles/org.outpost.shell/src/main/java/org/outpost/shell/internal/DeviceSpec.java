package org.outpost.shell.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.outpost.api.device.DeviceConfig;

/**
 * Turns {@code edge:device-add} arguments into device properties in the asset layout:
 * {@code --set k=v,k=v} gives the driver's keys, and each {@code --channel} is
 * {@code NAME[:ARG...][:k=v,k=v]} — positional arguments fill the driver's channel arguments in order
 * (Modbus: memory.area, start.address, data.type), {@code k=v} pairs set standard keys
 * ({@code type, value.type, scale, offset, unit, poll, listen, enabled}) or driver keys.
 */
final class DeviceSpec {

    private static final Map<String, String> STANDARD = Map.of(
            "type", DeviceConfig.CH_TYPE,
            "mode", DeviceConfig.CH_TYPE,
            "value.type", DeviceConfig.CH_VALUE_TYPE,
            "scale", DeviceConfig.CH_SCALE,
            "offset", DeviceConfig.CH_OFFSET,
            "unit", DeviceConfig.CH_UNIT,
            "poll", DeviceConfig.CH_POLL,
            "poll.interval", DeviceConfig.CH_POLL,
            "listen", DeviceConfig.CH_LISTEN,
            "enabled", DeviceConfig.CH_ENABLED);
    private static final Set<String> INTEGER_TYPES = Set.of("INT16", "UINT16", "INT32");
    private static final Set<String> LONG_TYPES = Set.of("UINT32", "INT64");
    private static final Set<String> BIT_AREAS = Set.of("COIL", "COILS", "DISCRETE_INPUT", "DISCRETE_INPUTS");

    private DeviceSpec() {
    }

    /**
     * @param settings the {@code --set} values
     * @param channels the {@code --channel} values
     * @param channelArguments the driver's positional channel keys (empty when the driver is unknown)
     * @param poll the {@code --poll} interval for channels that name none, or null
     * @throws IllegalArgumentException naming the bad argument
     */
    static Map<String, Object> properties(String name, String driver, List<String> settings, List<String> channels,
            List<String> channelArguments, String poll) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(DeviceConfig.NAME, name);
        properties.put(DeviceConfig.DRIVER_PID, driver);
        for (String setting : settings == null ? List.<String>of() : settings) {
            for (Map.Entry<String, String> pair : pairs(setting, "--set").entrySet()) {
                if (pair.getKey().contains(DeviceConfig.CHANNEL_SEPARATOR)) {
                    throw new IllegalArgumentException("--set " + pair.getKey() + ": channel keys go in --channel");
                }
                properties.put(pair.getKey(), pair.getValue());
            }
        }
        Set<String> seen = new java.util.HashSet<>();
        for (String spec : channels == null ? List.<String>of() : channels) {
            Map<String, String> channel = channel(spec, channelArguments);
            String channelName = channel.remove("+name");
            if (!seen.add(channelName)) throw new IllegalArgumentException("--channel " + channelName + " is given twice");
            if (poll != null) channel.putIfAbsent(DeviceConfig.CH_POLL, poll);
            channel.putIfAbsent(DeviceConfig.CH_VALUE_TYPE, defaultValueType(channel));
            properties.put(channelName + DeviceConfig.CHANNEL_SEPARATOR + DeviceConfig.CH_NAME, channelName);
            channel.forEach((key, value) -> properties.put(channelName + DeviceConfig.CHANNEL_SEPARATOR + key, value));
        }
        return properties;
    }

    /** One channel's keys (without the {@code <name>#} prefix), plus {@code +name}. */
    static Map<String, String> channel(String spec, List<String> channelArguments) {
        String[] parts = spec.split(":", -1);
        String name = parts[0].trim();
        if (!DeviceConfig.NAME_PATTERN.matcher(name).matches()) {
            throw new IllegalArgumentException("--channel " + spec + ": '" + name + "' is not a channel name");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("+name", name);
        int positional = 0;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.contains("=")) {
                // k=v pairs take the rest, colons included (e.g. a URL in a value)
                String rest = String.join(":", java.util.Arrays.copyOfRange(parts, i, parts.length));
                for (Map.Entry<String, String> pair : pairs(rest, "--channel " + name).entrySet()) {
                    String standard = STANDARD.get(pair.getKey().toLowerCase(Locale.ROOT));
                    keys.put(standard != null ? standard : pair.getKey(), pair.getValue());
                }
                break;
            }
            if (positional >= channelArguments.size()) {
                throw new IllegalArgumentException("--channel " + spec + ": '" + part + "' is one argument too many"
                        + (channelArguments.isEmpty() ? " (this driver takes only key=value pairs)"
                                : " (the driver takes " + String.join(", ", channelArguments) + ")"));
            }
            if (!part.isEmpty()) keys.put(channelArguments.get(positional), part);
            positional++;
        }
        return keys;
    }

    /** A sensible value type when none is given: what the raw data holds, DOUBLE once scaled. */
    static String defaultValueType(Map<String, String> channel) {
        if (channel.containsKey(DeviceConfig.CH_SCALE) || channel.containsKey(DeviceConfig.CH_OFFSET)) return "DOUBLE";
        String dataType = channel.getOrDefault("data.type", "").toUpperCase(Locale.ROOT);
        if (dataType.equals("BOOLEAN")) return "BOOLEAN";
        if (INTEGER_TYPES.contains(dataType)) return "INTEGER";
        if (LONG_TYPES.contains(dataType)) return "LONG";
        if (dataType.isEmpty() && channel.containsKey("memory.area")) {
            return BIT_AREAS.contains(channel.get("memory.area").toUpperCase(Locale.ROOT)) ? "BOOLEAN" : "INTEGER";
        }
        return "DOUBLE";
    }

    private static Map<String, String> pairs(String text, String option) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) continue;
            int equals = pair.indexOf('=');
            if (equals <= 0) throw new IllegalArgumentException(option + ": '" + pair + "' is not key=value");
            pairs.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return pairs;
    }

    /** {@code node/device} split; a bare name has a null node. */
    record Ref(String node, String device) {
        static Ref parse(String text) {
            int slash = text.indexOf('/');
            Ref ref = slash < 0 ? new Ref(null, text) : new Ref(text.substring(0, slash), text.substring(slash + 1));
            if (!DeviceConfig.NAME_PATTERN.matcher(ref.device).matches()
                    || ref.node != null && !DeviceConfig.NAME_PATTERN.matcher(ref.node).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a device (NAME, or NODE/NAME on the server)");
            }
            return ref;
        }

        @Override
        public String toString() {
            return node == null ? device : node + "/" + device;
        }
    }
}
