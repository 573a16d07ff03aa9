package org.outpost.kura.internal.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * Finds the configurable components: Config Admin configurations of {@code org.outpost.*} PIDs and
 * factory PIDs that Metatype describes, described singleton PIDs without a configuration yet, and
 * device and rule configurations. Karaf's and Pax's own PIDs are never in scope.
 */
final class ConfigurableComponents {
    static final String SCOPE_PREFIX = "org.outpost.";
    private static final String SCOPE_FILTER = "(|(service.pid=" + SCOPE_PREFIX + "*)(service.factoryPid=" + SCOPE_PREFIX + "*))";
    private static final Comparator<ConfigurableComponent> ORDER = Comparator
            .comparing((ConfigurableComponent c) -> c.factoryPid() == null ? c.pid() : c.factoryPid())
            .thenComparing(c -> c.factoryPid() == null ? "" : c.pid())
            .thenComparing(c -> c.configuration() == null ? "" : c.configuration().getPid());

    private final ConfigurationAdmin configAdmin;
    private final MetaTypeService metatype;
    private final BundleContext context;

    ConfigurableComponents(ConfigurationAdmin configAdmin, MetaTypeService metatype, BundleContext context) {
        this.configAdmin = configAdmin;
        this.metatype = metatype;
        this.context = context;
    }

    static boolean inScope(String pid, String factoryPid) {
        return pid != null && pid.startsWith(SCOPE_PREFIX) || factoryPid != null && factoryPid.startsWith(SCOPE_PREFIX);
    }

    Catalogue scan() {
        Map<String, MetatypeSchema> singletons = new TreeMap<>();
        Map<String, ComponentSchema> factories = new TreeMap<>();
        for (Bundle bundle : context.getBundles()) {
            int state = bundle.getState();
            if (state == Bundle.UNINSTALLED || state == Bundle.INSTALLED) continue;
            MetaTypeInformation information;
            try {
                information = metatype.getMetaTypeInformation(bundle);
            } catch (RuntimeException e) {
                continue; // a bundle going away while we look
            }
            if (information == null) continue;
            for (String pid : orEmpty(information.getPids())) {
                ObjectClassDefinition ocd = definition(information, pid);
                if (ocd != null) singletons.putIfAbsent(pid, new MetatypeSchema(ocd));
            }
            for (String factoryPid : orEmpty(information.getFactoryPids())) {
                ObjectClassDefinition ocd = definition(information, factoryPid);
                if (ocd != null) factories.putIfAbsent(factoryPid, new MetatypeSchema(ocd));
            }
        }
        // devices and rules are checked by their own parsers, whatever Metatype says
        factories.put(ParserSchema.DEVICES.factoryPid(), ParserSchema.devices(this::driverProblems));
        factories.put(ParserSchema.RULES.factoryPid(), ParserSchema.RULES);

        List<ConfigurableComponent> components = new ArrayList<>();
        Set<String> configured = new HashSet<>();
        for (Configuration configuration : configurations()) {
            Map<String, Object> stored = PropertyMaps.copy(configuration.getProperties());
            String factoryPid = configuration.getFactoryPid();
            if (factoryPid != null) {
                ComponentSchema schema = factories.get(factoryPid);
                if (schema == null) continue;
                String pid = schema.kuraPid(stored, configuration.getPid());
                components.add(new ConfigurableComponent(pid, factoryPid, configuration, stored, schema));
            } else {
                MetatypeSchema schema = singletons.get(configuration.getPid());
                if (schema == null) continue;
                configured.add(configuration.getPid());
                components.add(new ConfigurableComponent(configuration.getPid(), null, configuration, stored, schema));
            }
        }
        singletons.forEach((pid, schema) -> {
            if (!configured.contains(pid)) components.add(new ConfigurableComponent(pid, null, null, Map.of(), schema));
        });
        components.sort(ORDER);
        return new Catalogue(components, singletons, factories);
    }

    private static ObjectClassDefinition definition(MetaTypeInformation information, String pid) {
        if (!pid.startsWith(SCOPE_PREFIX)) return null;
        try {
            return information.getObjectClassDefinition(pid, null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Configuration[] configurations() {
        try {
            Configuration[] found = configAdmin.listConfigurations(SCOPE_FILTER);
            return found == null ? new Configuration[0] : found;
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "Config Admin cannot list configurations: " + e.getMessage(), e);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] orEmpty(String[] pids) {
        return pids == null ? new String[0] : pids;
    }

    /**
     * What the device's driver says about it, when the driver is installed here; a device whose
     * driver is absent is kept as configuration and waits for it, as with edge:device-add's files.
     */
    private List<String> driverProblems(org.outpost.api.device.Device device) {
        org.osgi.framework.ServiceReference<org.outpost.api.device.DeviceService> reference =
                context.getServiceReference(org.outpost.api.device.DeviceService.class);
        org.outpost.api.device.DeviceService devices = reference == null ? null : context.getService(reference);
        if (devices == null) return List.of();
        try {
            boolean installed = devices.drivers().stream().anyMatch(driver -> driver.type().equals(device.driver()));
            return installed ? devices.validate(device) : List.of();
        } finally {
            context.ungetService(reference);
        }
    }
}
