package org.outpost.kura.internal.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.metatype.MetaTypeService;
import org.outpost.api.kura.ComponentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kura-style configuration snapshots over Config Admin and Metatype. Imports, updates and rollbacks
 * are checked whole before anything is written, applied all or nothing, and followed by exactly one
 * snapshot. Any other change to a configurable PID is followed, after a quiet period, by an automatic
 * snapshot; one identical to the newest is not written again. One operation runs at a time.
 */
final class ConfigurationSnapshotService implements KuraConfigurations {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationSnapshotService.class);

    /** Snapshots kept, the quiet period before an automatic snapshot, and whether changes take one at all. */
    record Settings(int maxSnapshots, long quietMillis, boolean automatic) {
        Settings {
            maxSnapshots = Math.max(1, maxSnapshots);
            quietMillis = Math.max(0, quietMillis);
        }
    }

    private final ConfigurationAdmin configAdmin;
    private final ConfigurableComponents catalogue;
    private final SnapshotStore store;
    private final QuietPeriodTrigger trigger;
    private final Object operations = new Object();
    private volatile Settings settings;

    ConfigurationSnapshotService(ConfigurationAdmin configAdmin, MetaTypeService metatype, BundleContext context, Path dir,
            Settings settings) throws IOException {
        this.configAdmin = configAdmin;
        this.catalogue = new ConfigurableComponents(configAdmin, metatype, context);
        this.store = new SnapshotStore(dir);
        this.settings = settings;
        this.trigger = new QuietPeriodTrigger("outpost-kura-snapshots", settings.quietMillis(), this::automaticSnapshot);
    }

    void settings(Settings settings) {
        this.settings = settings;
        trigger.quietMillis(settings.quietMillis());
    }

    /** Schedules a first snapshot, so there is one to roll back to (none is written if the newest matches). */
    void start() {
        if (settings.automatic()) trigger.changed();
    }

    /** From the Config Admin event thread: never blocks. */
    void configurationEvent(ConfigurationEvent event) {
        if (settings.automatic() && ConfigurableComponents.inScope(event.getPid(), event.getFactoryPid())) {
            trigger.changed();
        }
    }

    void close() {
        trigger.close();
    }

    QuietPeriodTrigger trigger() {
        return trigger;
    }

    Path directory() {
        return store.dir();
    }

    @Override
    public List<ConfigurableComponent> configurableComponents() {
        return catalogue.scan().components();
    }

    @Override
    public List<String> factoryPids() {
        return new ArrayList<>(new TreeSet<>(catalogue.scan().factorySchemas().keySet()));
    }

    @Override
    public List<ComponentConfiguration> components() {
        List<ComponentConfiguration> components = new ArrayList<>();
        for (ConfigurableComponent component : configurableComponents()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            component.toKura().properties().forEach((key, value) -> properties.put(key, value.toConfigValue()));
            components.add(new ComponentConfiguration(component.pid(), component.factoryPid(), properties));
        }
        return components;
    }

    @Override
    public void update(List<ComponentConfiguration> changes) {
        List<KuraComponent> components = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ComponentConfiguration change : changes) {
            Map<String, KuraProperty> properties = new LinkedHashMap<>();
            change.properties().forEach((key, value) -> {
                if (PropertyMaps.isFrameworkKey(key)) return;
                KuraProperty property = KuraProperty.ofStored(value);
                if (property == null) {
                    problems.add(change.pid() + ": " + key + ": a " + value.getClass().getName() + " cannot be configured");
                } else {
                    properties.put(key, property);
                }
            });
            components.add(new KuraComponent(change.pid(), change.factoryPid(), properties));
        }
        update(new ParsedConfiguration(components, problems), true);
    }

    @Override
    public void update(ParsedConfiguration changes, boolean takeSnapshot) {
        synchronized (operations) {
            int applied = apply(changes, ChangePlanner.Mode.MERGE);
            if (takeSnapshot) {
                long id = write();
                LOG.info("Configuration updated ({} configurations changed); snapshot {}", applied, id);
            } else {
                LOG.info("Configuration updated ({} configurations changed)", applied);
            }
        }
    }

    @Override
    public List<Long> snapshotIds() {
        return store.ids();
    }

    @Override
    public long takeSnapshot() {
        synchronized (operations) {
            long id = write();
            LOG.info("Configuration snapshot {} taken", id);
            return id;
        }
    }

    @Override
    public String exportCurrent() {
        return SnapshotXml.write(catalogue.scan().toKura());
    }

    @Override
    public String export(long id) {
        return store.read(id);
    }

    @Override
    public List<KuraComponent> snapshotComponents(long id) {
        return SnapshotXml.read(store.read(id)).components();
    }

    @Override
    public long importXml(String xml) {
        ParsedConfiguration snapshot = SnapshotXml.read(xml);
        synchronized (operations) {
            int applied = apply(snapshot, ChangePlanner.Mode.REPLACE);
            long id = write();
            LOG.info("Configuration snapshot imported ({} of {} components changed); snapshot {}", applied,
                    snapshot.components().size(), id);
            return id;
        }
    }

    @Override
    public long rollback(long id) {
        synchronized (operations) {
            ParsedConfiguration snapshot = SnapshotXml.read(store.read(id));
            int applied = apply(snapshot, ChangePlanner.Mode.RESTORE);
            long taken = write();
            LOG.info("Configuration rolled back to snapshot {} ({} configurations changed); snapshot {}", id, applied, taken);
            return taken;
        }
    }

    private int apply(ParsedConfiguration wanted, ChangePlanner.Mode mode) {
        List<ConfigurationChange> changes = ChangePlanner.plan(catalogue.scan(), wanted, mode);
        new ConfigurationTransaction(configAdmin).apply(changes);
        return changes.size();
    }

    private long write() {
        return store.write(exportCurrent(), settings.maxSnapshots());
    }

    private void automaticSnapshot() {
        synchronized (operations) {
            String current = exportCurrent();
            if (current.equals(store.newest())) return;
            long id = store.write(current, settings.maxSnapshots());
            LOG.info("Configuration snapshot {} taken after a change", id);
        }
    }
}
