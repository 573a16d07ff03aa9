package org.outpost.store.mvstore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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
import org.outpost.api.StoreException;
import org.outpost.api.Watch;
import org.outpost.api.WatchListener;
import org.outpost.store.mvstore.internal.DamageReport;
import org.outpost.store.mvstore.internal.MVStoreKv;
import org.outpost.store.mvstore.internal.StoreDamagedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

        @AttributeDefinition(name = "Backup interval (minutes)",
                description = "How often the verified backup <file>.bak is rewritten when the store changed"
                        + " (and at every clean stop); 0 writes no backup", min = "0")
        long backupIntervalMinutes() default 10;
    }

    /** Set by the launcher: the role this JVM was started in (a live role switch leaves it as it was). */
    static final String START_ROLE_PROPERTY = "outpost.startRole";
    /** The exit status of a node that refused its damaged store. */
    static final int DAMAGED_STORE_EXIT_STATUS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(MVStoreClusterStoreComponent.class);

    private final MVStoreKv store;

    @Activate
    public MVStoreClusterStoreComponent(@Reference(name = "localNode") LocalNode localNode, Config config) {
        this(localNode, config, MVStoreClusterStoreComponent::exitAfterRefusal);
    }

    /**
     * @param refused told the sentence when the store is damaged, before activation fails
     */
    MVStoreClusterStoreComponent(LocalNode localNode, Config config, Consumer<String> refused) {
        Path file = config.file().isBlank() ? DEFAULT_FILE : Path.of(config.file().trim());
        MVStoreKv.Options options = MVStoreKv.Options.defaults()
                .withHistoryRevisions(config.historyRevisions())
                .withBackupInterval(Duration.ofMinutes(Math.max(0, config.backupIntervalMinutes())));
        try {
            store = MVStoreKv.open(localNode.dataDir().resolve(file), options);
        } catch (StoreDamagedException e) {
            String sentence = DamageReport.sentence(e);
            LOG.error("Refusing to start: {}", sentence, e.getCause());
            refused.accept(sentence);
            throw new StoreException(sentence, e);
        }
    }

    /**
     * A node started as a server has nothing to serve without its store: it says why on its
     * terminal and exits, rather than stay up without its HTTPS port. The exit runs on a fresh
     * thread (this one is inside the framework, which the shutdown hook stops). A live role
     * switch only fails, so that the switch can be rolled back.
     */
    private static void exitAfterRefusal(String sentence) {
        System.out.println("outpost: " + sentence);
        System.out.flush();
        if ("server".equals(System.getProperty(START_ROLE_PROPERTY))) {
            Thread exit = new Thread(() -> System.exit(DAMAGED_STORE_EXIT_STATUS), "outpost-damaged-store-exit");
            exit.setDaemon(false);
            exit.start();
        }
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
