package org.outpost.kura.internal.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.LocalNode;
import org.outpost.api.kura.ComponentConfiguration;
import org.outpost.api.kura.ConfigurationSnapshots;

/**
 * The gateway's configuration snapshots in {@code <data>/kura/snapshots}, and the Config Admin
 * listener that takes one after changes. Settings change without a restart ({@code @Modified}), so
 * importing a snapshot that changes them does not pull the service away mid-import.
 */
@Component(service = { ConfigurationSnapshots.class, KuraConfigurations.class, ConfigurationListener.class },
        configurationPid = ConfigurationSnapshotsComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = ConfigurationSnapshotsComponent.Config.class)
public class ConfigurationSnapshotsComponent implements KuraConfigurations, ConfigurationListener {
    static final String PID = "org.outpost.kura.snapshots";

    @ObjectClassDefinition(name = "Outpost configuration snapshots",
            description = "Kura-style snapshots (snapshot_<id>.xml) of every configurable component, taken after each change")
    public @interface Config {
        @AttributeDefinition(name = "Snapshots kept", description = "The newest ones are kept, the oldest removed", min = "1",
                max = "1000")
        int maxSnapshots() default 10;

        @AttributeDefinition(name = "Quiet period",
                description = "Milliseconds without further configuration changes before the automatic snapshot", min = "0",
                max = "600000")
        long debounceMillis() default 500;

        @AttributeDefinition(name = "Automatic snapshots",
                description = "Take a snapshot after configuration changes (imports, updates and rollbacks always take one)")
        boolean automatic() default true;
    }

    @Reference
    private ConfigurationAdmin configAdmin;

    @Reference
    private MetaTypeService metatype;

    @Reference
    private LocalNode node;

    private volatile ConfigurationSnapshotService service;

    @Activate
    void activate(BundleContext context, Config config) throws IOException {
        Path dir = node.dataDir().resolve("kura").resolve("snapshots");
        service = new ConfigurationSnapshotService(configAdmin, metatype, context, dir, settings(config));
        service.start();
    }

    @Modified
    void modified(Config config) {
        service.settings(settings(config));
    }

    @Deactivate
    void deactivate() {
        service.close();
    }

    private static ConfigurationSnapshotService.Settings settings(Config config) {
        return new ConfigurationSnapshotService.Settings(config.maxSnapshots(), config.debounceMillis(), config.automatic());
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        service.configurationEvent(event);
    }

    @Override
    public List<ConfigurableComponent> configurableComponents() {
        return service.configurableComponents();
    }

    @Override
    public List<String> factoryPids() {
        return service.factoryPids();
    }

    @Override
    public List<KuraComponent> snapshotComponents(long id) {
        return service.snapshotComponents(id);
    }

    @Override
    public void update(ParsedConfiguration changes, boolean takeSnapshot) {
        service.update(changes, takeSnapshot);
    }

    @Override
    public List<ComponentConfiguration> components() {
        return service.components();
    }

    @Override
    public void update(List<ComponentConfiguration> changes) {
        service.update(changes);
    }

    @Override
    public List<Long> snapshotIds() {
        return service.snapshotIds();
    }

    @Override
    public long takeSnapshot() {
        return service.takeSnapshot();
    }

    @Override
    public String exportCurrent() {
        return service.exportCurrent();
    }

    @Override
    public String export(long id) {
        return service.export(id);
    }

    @Override
    public long importXml(String xml) {
        return service.importXml(xml);
    }

    @Override
    public long rollback(long id) {
        return service.rollback(id);
    }
}
