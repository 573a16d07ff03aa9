package org.outpost.kura.internal.config;

import java.io.IOException;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * One write to Config Admin, able to say how to undo itself. Configurations made here are bound to
 * no bundle ({@code "?"}, multiple locations), so whichever bundle's component uses them gets them.
 */
sealed interface ConfigurationChange {

    /** The component, as problems and logs name it. */
    String label();

    /** Writes the change; returns what puts back the state before it. */
    Undo apply(ConfigurationAdmin configAdmin) throws IOException;

    interface Undo {
        void run() throws IOException;
    }

    /** New properties for an existing configuration. */
    record Update(Configuration configuration, Map<String, Object> properties, String label) implements ConfigurationChange {
        @Override
        public Undo apply(ConfigurationAdmin configAdmin) throws IOException {
            Map<String, Object> before = PropertyMaps.copy(configuration.getProperties());
            configuration.update(PropertyMaps.forUpdate(properties));
            return () -> configuration.update(PropertyMaps.forUpdate(before));
        }
    }

    /** A singleton configuration ({@code factoryPid} null) or a named factory configuration that does not exist yet. */
    record Create(String pid, String factoryPid, String name, Map<String, Object> properties, String label)
            implements ConfigurationChange {
        @Override
        public Undo apply(ConfigurationAdmin configAdmin) throws IOException {
            Configuration configuration = factoryPid == null ? configAdmin.getConfiguration(pid, "?")
                    : configAdmin.getFactoryConfiguration(factoryPid, name, "?");
            // someone may have made it since we looked: then undo restores theirs
            Map<String, Object> before = configuration.getProperties() == null ? null : PropertyMaps.copy(configuration.getProperties());
            configuration.update(PropertyMaps.forUpdate(properties));
            if (before == null) return configuration::delete;
            return () -> configuration.update(PropertyMaps.forUpdate(before));
        }
    }

    /** A factory configuration a rollback's snapshot does not have. */
    record Delete(Configuration configuration, String label) implements ConfigurationChange {
        @Override
        public Undo apply(ConfigurationAdmin configAdmin) throws IOException {
            Map<String, Object> before = PropertyMaps.copy(configuration.getProperties());
            String pid = configuration.getPid();
            String factoryPid = configuration.getFactoryPid();
            configuration.delete();
            return () -> {
                String namedPrefix = factoryPid + "~";
                Configuration again = pid.startsWith(namedPrefix)
                        ? configAdmin.getFactoryConfiguration(factoryPid, pid.substring(namedPrefix.length()), "?")
                        : configAdmin.createFactoryConfiguration(factoryPid, "?");
                again.update(PropertyMaps.forUpdate(before));
            };
        }
    }
}
