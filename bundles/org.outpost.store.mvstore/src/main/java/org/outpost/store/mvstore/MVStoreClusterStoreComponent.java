package org.outpost.store.mvstore;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.ClusterStore;
import org.outpost.api.KeyValue;
import org.outpost.api.LocalNode;
import org.outpost.api.Watch;
import org.outpost.api.WatchListener;
import org.outpost.store.mvstore.internal.MVStoreKv;

/**
 * Registers the embedded cluster store. It opens on activation and closes on deactivation; the
 * service hands calls to the store, so that no consumer can reach its close method.
 */
@Component(service = ClusterStore.class, configurationPid = MVStoreClusterStoreComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MVStoreClusterStoreComponent.Config.class)
public class MVStoreClusterStoreComponent implements ClusterStore {

    public static final String PID = "org.outpost.store.mvstore";

    /** Where the store file goes unless configured, relative to the node's data directory. */
    static final Path DEFAULT_FILE = Path.of("server", "db", "cluster.mv");

    @ObjectClassDefinition(id = PID, name = "Outpost cluster store (MVStore)",
            description = "The embedded key-value store that holds the cluster's state")
    public @interface Config {

        @AttributeDefinition(name = "File",
                description = "The store file; empty for <data dir>/server/db/cluster.mv. "
                        + "A relative path is taken relative to the data directory.")
        String file() default "";

        @AttributeDefinition(name = "History revisions",
                description = "How many revisions of change history to keep for watches; 0 keeps all", min = "0")
        long historyRevisions() default 10_000;
    }

    private final MVStoreKv store;

    @Activate
    public MVStoreClusterStoreComponent(@Reference(name = "localNode") LocalNode localNode, Config config) {
        Path file = config.file().isBlank() ? DEFAULT_FILE : Path.of(config.file().trim());
        store = MVStoreKv.open(localNode.dataDir().resolve(file),
                MVStoreKv.Options.defaults().withHistoryRevisions(config.historyRevisions()));
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    @Override
    public long revision() {
        return store.revision();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return store.get(key);
    }

    @Override
    public List<KeyValue> list(String prefix) {
        return store.list(prefix);
    }

    @Override
    public KeyValue put(String key, byte[] value) {
        return store.put(key, value);
    }

    @Override
    public KeyValue compareAndSet(String key, long expectedModRevision, byte[] value) {
        return store.compareAndSet(key, expectedModRevision, value);
    }

    @Override
    public boolean delete(String key) {
        return store.delete(key);
    }

    @Override
    public void compareAndDelete(String key, long expectedModRevision) {
        store.compareAndDelete(key, expectedModRevision);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        return store.watch(prefix, afterRevision, listener);
    }

    @Override
    public long compact(long revision) {
        return store.compact(revision);
    }

    @Override
    public long compactedRevision() {
        return store.compactedRevision();
    }

    @Override
    public String describe() {
        return store.describe();
    }
}
