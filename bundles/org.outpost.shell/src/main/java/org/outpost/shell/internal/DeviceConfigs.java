package org.outpost.shell.internal;

import java.io.IOException;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceService;

/** Finding device and rule configurations by the name they carry. */
final class DeviceConfigs {

    private DeviceConfigs() {
    }

    static Configuration find(ConfigurationAdmin configAdmin, String device) throws IOException {
        return first(configAdmin, DeviceConfig.FACTORY_PID, DeviceConfig.NAME, device);
    }

    static Configuration findRule(ConfigurationAdmin configAdmin, String rule) throws IOException {
        return first(configAdmin, DeviceService.RULE_FACTORY_PID, "rule.name", rule);
    }

    private static Configuration first(ConfigurationAdmin configAdmin, String factoryPid, String key, String value) throws IOException {
        try {
            Configuration[] found = configAdmin.listConfigurations("(&(service.factoryPid=" + factoryPid + ")(" + key + "="
                    + escape(value) + "))");
            return found == null || found.length == 0 ? null : found[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("'" + value + "' cannot be looked up: " + e.getMessage());
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }
}
