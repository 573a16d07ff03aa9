package org.outpost.api.device;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A device as flat configuration properties in Eclipse Kura's asset layout, and back:
 * <pre>
 * device.name            = boiler-1
 * driver.pid             = modbus-tcp
 * host = 127.0.0.1, port = 5020, unit.id = 1           (driver keys, no '#')
 * temp#+name             = temp
 * temp#+type             = READ | WRITE | READ_WRITE
 * temp#+value.type       = BOOLEAN | INTEGER | LONG | FLOAT | DOUBLE | STRING | BYTE_ARRAY
 * temp#+enabled, temp#+scale, temp#+offset, temp#+unit, temp#+listen
 * temp#+poll.interval    = 1000 (milliseconds; "500ms", "2s", "1m" accepted)
 * temp#memory.area       = HOLDING_REGISTER       (driver channel keys: one '#', no '+')
 * </pre>
 * Values may be strings (etc/*.cfg) or typed (Config Admin); both are read.
 */
public final class DeviceConfig {

    /** The factory PID of device configurations. */
    public static final String FACTORY_PID = "org.outpost.device";
    public static final String NAME = "device.name";
    public static final String DRIVER_PID = "driver.pid";

    public static final String CHANNEL_SEPARATOR = "#";
    public static final String STANDARD_PREFIX = "+";
    public static final String CH_NAME = "+name";
    public static final String CH_TYPE = "+type";
    public static final String CH_VALUE_TYPE = "+value.type";
    public static final String CH_ENABLED = "+enabled";
    public static final String CH_SCALE = "+scale";
    public static final String CH_OFFSET = "+offset";
    public static final String CH_UNIT = "+unit";
    public static final String CH_LISTEN = "+listen";
    public static final String CH_POLL = "+poll.interval";

    /** Names of devices and channels: what a topic segment and a shell argument can carry. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    /** Properties Config Admin, File Install and Kura add; never driver keys. */
    private static final Set<String> FRAMEWORK_KEYS = Set.of("service.pid", "service.factoryPid",
            "service.bundleLocation", "felix.fileinstall.filename", "kura.service.pid", "component.name",
            "component.id", "service.ranking");

    private DeviceConfig() {
    }

    /**
     * Reads a device from its properties.
     *
     * @throws InvalidDeviceException with every problem found, each naming its key
     */
    public static Device parse(Map<String, ?> properties) throws InvalidDeviceException {
        List<String> problems = new ArrayList<>();
        String name = text(properties.get(NAME));
        if (name == null) {
            problems.add(NAME + ": missing");
        } else if (!NAME_PATTERN.matcher(name).matches()) {
            problems.add(NAME + ": '" + name + "' is not a device name (letters, digits, '.', '_', '-'; at most 63)");
        }
        String driver = text(properties.get(DRIVER_PID));
        if (driver == null) problems.add(DRIVER_PID + ": missing");

        Map<String, String> config = new TreeMap<>();
        Map<String, Map<String, String>> channelKeys = new TreeMap<>();
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            String key = entry.getKey();
            if (key.equals(NAME) || key.equals(DRIVER_PID) || FRAMEWORK_KEYS.contains(key)) continue;
            String value = text(entry.getValue());
            int hash = key.indexOf(CHANNEL_SEPARATOR);
            if (hash < 0) {
                if (value != null) config.put(key, value);
                continue;
            }
            String channel = key.substring(0, hash);
            channelKeys.computeIfAbsent(channel, c -> new LinkedHashMap<>()).put(key.substring(hash + 1), value);
        }
        List<Channel> channels = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> entry : channelKeys.entrySet()) {
            Channel channel = channel(entry.getKey(), entry.getValue(), problems);
            if (channel != null) channels.add(channel);
        }
        if (!problems.isEmpty()) throw new InvalidDeviceException(name, problems);
        return new Device(name, driver, config, channels);
    }

    private static Channel channel(String key, Map<String, String> values, List<String> problems) {
        int before = problems.size();
        String prefix = key + CHANNEL_SEPARATOR;
        String name = values.getOrDefault(CH_NAME, key);
        if (name == null || !NAME_PATTERN.matcher(name).matches()) {
            problems.add(prefix + CH_NAME + ": '" + name + "' is not a channel name (letters, digits, '.', '_', '-')");
        }
        ChannelMode mode = enumValue(ChannelMode.class, prefix + CH_TYPE, values.get(CH_TYPE), ChannelMode.READ, problems);
        ValueType type = enumValue(ValueType.class, prefix + CH_VALUE_TYPE, values.get(CH_VALUE_TYPE), null, problems);
        if (type == null && problems.size() == before) problems.add(prefix + CH_VALUE_TYPE + ": missing");
        boolean enabled = bool(prefix + CH_ENABLED, values.get(CH_ENABLED), true, problems);
        boolean listen = bool(prefix + CH_LISTEN, values.get(CH_LISTEN), false, problems);
        double scale = number(prefix + CH_SCALE, values.get(CH_SCALE), 1.0, problems);
        double offset = number(prefix + CH_OFFSET, values.get(CH_OFFSET), 0.0, problems);
        if (scale == 0.0) problems.add(prefix + CH_SCALE + ": must not be 0");
        if ((scale != 1.0 || offset != 0.0) && type != null && !type.numeric()) {
            problems.add(prefix + CH_SCALE + ": a " + type + " channel cannot be scaled");
        }
        long poll = Channel.DEFAULT_POLL_MILLIS;
        String pollText = values.get(CH_POLL);
        if (pollText != null) {
            try {
                poll = parseMillis(pollText);
                if (poll < Channel.MIN_POLL_MILLIS) {
                    problems.add(prefix + CH_POLL + ": " + pollText + " is shorter than " + Channel.MIN_POLL_MILLIS + "ms");
                }
            } catch (IllegalArgumentException e) {
                problems.add(prefix + CH_POLL + ": " + e.getMessage());
            }
        }
        Map<String, String> driverConfig = new TreeMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            if (entry.getKey().startsWith(STANDARD_PREFIX)) {
                if (!Set.of(CH_NAME, CH_TYPE, CH_VALUE_TYPE, CH_ENABLED, CH_SCALE, CH_OFFSET, CH_UNIT, CH_LISTEN, CH_POLL)
                        .contains(entry.getKey())) {
                    problems.add(prefix + entry.getKey() + ": unknown channel key");
                }
            } else if (entry.getValue() != null) {
                driverConfig.put(entry.getKey(), entry.getValue());
            }
        }
        if (problems.size() > before) return null;
        return new Channel(name, mode, type, scale, offset, values.get(CH_UNIT), poll, listen, enabled, driverConfig);
    }

    /** The device as properties in the asset layout, typed as Config Admin stores them. */
    public static Map<String, Object> toProperties(Device device) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(NAME, device.name());
        properties.put(DRIVER_PID, device.driver());
        properties.putAll(device.config());
        for (Channel channel : device.channels()) {
            String prefix = channel.name() + CHANNEL_SEPARATOR;
            properties.put(prefix + CH_NAME, channel.name());
            properties.put(prefix + CH_TYPE, channel.mode().name());
            properties.put(prefix + CH_VALUE_TYPE, channel.valueType().name());
            properties.put(prefix + CH_ENABLED, channel.enabled());
            properties.put(prefix + CH_SCALE, channel.scale());
            properties.put(prefix + CH_OFFSET, channel.offset());
            properties.put(prefix + CH_UNIT, channel.unit());
            properties.put(prefix + CH_LISTEN, channel.listen());
            properties.put(prefix + CH_POLL, channel.pollMillis());
            channel.driverConfig().forEach((key, value) -> properties.put(prefix + key, value));
        }
        return properties;
    }

    /** Milliseconds from {@code 250}, {@code 250ms}, {@code 5s}, {@code 2m} or {@code 1h}. */
    public static long parseMillis(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        long factor = 1;
        String digits = value;
        if (value.endsWith("ms")) {
            digits = value.substring(0, value.length() - 2);
        } else if (value.endsWith("s")) {
            factor = 1_000;
            digits = value.substring(0, value.length() - 1);
        } else if (value.endsWith("m")) {
            factor = 60_000;
            digits = value.substring(0, value.length() - 1);
        } else if (value.endsWith("h")) {
            factor = 3_600_000;
            digits = value.substring(0, value.length() - 1);
        }
        try {
            double amount = Double.parseDouble(digits.trim());
            if (amount < 0 || Double.isNaN(amount) || Double.isInfinite(amount)) throw new NumberFormatException();
            return Math.round(amount * factor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 5s, 2m)");
        }
    }

    private static String text(Object value) {
        if (value == null) return null;
        if (value instanceof Object[] array) return array.length == 0 ? null : String.valueOf(array[0]);
        String text = String.valueOf(value).trim();
        return text.isEmpty() ? null : text;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String text, E fallback, List<String> problems) {
        if (text == null) return fallback;
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) names.add(constant.name());
            problems.add(key + ": '" + text + "' is not one of " + String.join(", ", names));
            return null;
        }
    }

    private static boolean bool(String key, String text, boolean fallback, List<String> problems) {
        if (text == null) return fallback;
        if (text.equalsIgnoreCase("true")) return true;
        if (text.equalsIgnoreCase("false")) return false;
        problems.add(key + ": '" + text + "' is not true or false");
        return fallback;
    }

    private static double number(String key, String text, double fallback, List<String> problems) {
        if (text == null) return fallback;
        try {
            double value = Double.parseDouble(text);
            if (Double.isNaN(value) || Double.isInfinite(value)) throw new NumberFormatException();
            return value;
        } catch (NumberFormatException e) {
            problems.add(key + ": '" + text + "' is not a number");
            return fallback;
        }
    }
}
