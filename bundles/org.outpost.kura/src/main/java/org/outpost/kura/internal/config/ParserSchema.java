package org.outpost.kura.internal.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.osgi.service.metatype.ObjectClassDefinition;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.InvalidDeviceException;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;

/**
 * Devices and rules: factory configurations without Metatype (their keys depend on the driver and
 * the channels), checked by {@link DeviceConfig} and {@link RuleConfig} as the runtime reads them.
 * Their pid in a snapshot is the name they carry.
 */
final class ParserSchema implements ComponentSchema {

    static final ParserSchema DEVICES = new ParserSchema(DeviceConfig.FACTORY_PID, DeviceConfig.NAME, device -> List.of());
    static final ParserSchema RULES = new ParserSchema(DeviceService.RULE_FACTORY_PID, "rule.name", device -> List.of());

    private final String factoryPid;
    private final String nameKey;
    private final Function<Device, List<String>> driverCheck;

    private ParserSchema(String factoryPid, String nameKey, Function<Device, List<String>> driverCheck) {
        this.factoryPid = factoryPid;
        this.nameKey = nameKey;
        this.driverCheck = driverCheck;
    }

    /** Devices, also checked by their driver (its own keys, e.g. a simulated channel's {@code value}). */
    static ParserSchema devices(Function<Device, List<String>> driverCheck) {
        return new ParserSchema(DeviceConfig.FACTORY_PID, DeviceConfig.NAME, driverCheck);
    }

    String factoryPid() {
        return factoryPid;
    }

    @Override
    public ObjectClassDefinition definition() {
        return null;
    }

    @Override
    public String kuraPid(Map<String, Object> stored, String configurationPid) {
        String name = name(stored);
        return name == null ? configurationPid : name;
    }

    private String name(Map<String, Object> properties) {
        Object value = properties.get(nameKey);
        if (value == null) return null;
        String text = String.valueOf(value).trim();
        return text.isEmpty() ? null : text;
    }

    @Override
    public Map<String, KuraProperty> export(Map<String, Object> stored) {
        Map<String, KuraProperty> exported = new LinkedHashMap<>();
        new TreeMap<>(stored).forEach((key, value) -> {
            KuraProperty property = KuraProperty.ofStored(value);
            if (property != null) exported.put(key, property);
        });
        return exported;
    }

    @Override
    public Map<String, Object> compose(Map<String, Object> current, Map<String, KuraProperty> given, boolean replace,
            String label, List<String> problems) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (!replace) result.putAll(current);
        for (Map.Entry<String, KuraProperty> entry : given.entrySet()) {
            KuraProperty property = entry.getValue();
            if (property == null) {
                result.remove(entry.getKey());
                continue;
            }
            try {
                Object value = property.type() == KuraType.PASSWORD
                        ? ComponentSchema.keepSecrets(property, current.get(entry.getKey()))
                        : property.toConfigValue();
                if (value != null) result.put(entry.getKey(), value);
            } catch (IllegalArgumentException e) {
                problems.add(label + ": " + entry.getKey() + ": " + e.getMessage());
            }
        }
        return result;
    }

    @Override
    public boolean sameEffect(Map<String, Object> before, Map<String, Object> after) {
        return PropertyMaps.sameProperties(before, after);
    }

    @Override
    public void checkComplete(Map<String, Object> properties, boolean creating, String pid, String label,
            List<String> problems) {
        if (factoryPid.equals(DeviceConfig.FACTORY_PID)) {
            try {
                Device device = DeviceConfig.parse(properties);
                for (String problem : driverCheck.apply(device)) problems.add(label + ": " + problem);
            } catch (InvalidDeviceException e) {
                for (String problem : e.problems()) problems.add(label + ": " + problem);
            }
        } else {
            try {
                RuleConfig.parse(properties, Rule.ORIGIN_LOCAL);
            } catch (RuntimeException e) {
                problems.add(label + ": " + e.getMessage());
            }
        }
        String name = name(properties);
        if (name != null && !name.equals(pid)) {
            problems.add(label + ": " + nameKey + ": '" + name + "' differs from the component's pid '" + pid
                    + "' (the pid of a " + (factoryPid.equals(DeviceConfig.FACTORY_PID) ? "device" : "rule") + " is its name)");
        }
    }
}
