package org.outpost.store.mvstore.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.StoreCompactedException;
import org.outpost.api.StoreConflictException;
import org.outpost.api.StoreException;
import org.outpost.api.Watch;
import org.outpost.api.WatchEvent;
import org.outpost.api.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster store on one H2 MVStore file, with kine/etcd semantics.
 *
 * <p>Three maps: {@code keys} (key to entry), {@code log} (revision to event, the watch history
 * above the compacted revision) and {@code meta} (the revision counter, the compacted revision
 * and the format). All writes go through one writer thread that applies a batch of queued
 * writes, then commits and fsyncs once for the whole batch (group commit); only then are the
 * callers answered, a new read snapshot published and the batch's events handed to watches.
 * Reads use the latest published snapshot, so they never see a write that is not yet on disk.
 */
public final class MVStoreKv implements ClusterStore, AutoCloseable {

    /**
     * Tuning that rarely needs changing.
     *
     * @param historyRevisions      how many revisions of watch history automatic compaction keeps;
     *                              0 turns automatic compaction off
     * @param maintenanceInterval   how often the writer compacts history and rewrites sparse
     *                              file chunks
     * @param writeTimeout          how long a caller waits for its write to be durable
     * @param maxPendingWatchEvents how many undelivered live events one watch may queue
     * @param maxBatchSize          how many queued writes share one commit at most
     * @param backupInterval        how often the verified backup {@code <file>.bak} is rewritten when the
     *                              revision moved (and at every clean close); zero for no backup
     */
    public record Options(long historyRevisions, Duration maintenanceInterval, Duration writeTimeout,
            int maxPendingWatchEvents, int maxBatchSize, Duration backupInterval) {

        public Options {
            requireArgument(historyRevisions >= 0, "historyRevisions must not be negative");
            requireArgument(!maintenanceInterval.isNegative() && !maintenanceInterval.isZero(),
                    "maintenanceInterval must be positive");
            requireArgument(!writeTimeout.isNegative() && !writeTimeout.isZero(), "writeTimeout must be positive");
            requireArgument(maxPendingWatchEvents > 0, "maxPendingWatchEvents must be positive");
            requireArgument(maxBatchSize > 0, "maxBatchSize must be positive");
            requireArgument(!backupInterval.isNegative(), "backupInterval must not be negative");
        }

        public static Options defaults() {
            return new Options(10_000, Duration.ofMinutes(1), Duration.ofSeconds(30), 10_000, 1_000,
                    DEFAULT_BACKUP_INTERVAL);
        }

        public Options withHistoryRevisions(long revisions) {
            return new Options(revisions, maintenanceInterval, writeTimeout, maxPendingWatchEvents, maxBatchSize,
                    backupInterval);
        }

        public Options withMaintenanceInterval(Duration interval) {
            return new Options(historyRevisions, interval, writeTimeout, maxPendingWatchEvents, maxBatchSize,
                    backupInterval);
        }

        public Options withMaxPendingWatchEvents(int events) {
            return new Options(historyRevisions, maintenanceInterval, writeTimeout, events, maxBatchSize,
                    backupInterval);
        }

        /** How often a verified backup is written when the revision moved; zero writes none, not even at close. */
        public Options withBackupInterval(Duration interval) {
            return new Options(historyRevisions, maintenanceInterval, writeTimeout, maxPendingWatchEvents, maxBatchSize,
                    interval);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(MVStoreKv.class);

    public static final Duration DEFAULT_BACKUP_INTERVAL = Duration.ofMinutes(10);

    static final long FORMAT = 1;
    private static final String META_FORMAT = "format";
    private static final String META_REVISION = "revision";
    private static final String META_COMPACTED_REVISION = "compactedRevision";
    private static final byte[] NO_VALUE = new byte[0];
    /** So that one maintenance pass never holds the writer up for long. */
    private static final long MAX_REVISIONS_COMPACTED_PER_PASS = 100_000;
    /** Rewrite file chunks once less than this percentage of them is live data. */
    private static final int REWRITE_BELOW_FILL_RATE = 50;
    private static final int MAX_REWRITE_BYTES_PER_PASS = 4 * 1024 * 1024;
    /** How long close() lets reads and watch replays that already started on other threads finish. */
    private static final long CLOSE_WAITS_FOR_READERS_MILLIS = 5_000;

    private final Path file;
    private final Options options;
    private final MVStore store;
    private final MVMap<String, byte[]> keys;
    private final MVMap<Long, byte[]> log;
    private final MVMap<String, Long> meta;

    private final BlockingQueue<PendingWrite<?>> queue = new LinkedBlockingQueue<>();
    /** Queued by close() so that a writer waiting for work notices at once. */
    private final PendingWrite<Void> wakeUp = PendingWrite.marker();
    private final Thread writer;
    private final ExecutorService deliveryPool;
    private final Path backupFile;
    /** Writes the periodic backup; null when backups are off. */
    private final ScheduledExecutorService backups;
    /** Held while a backup is written, so that the periodic one and the one at close never overlap. */
    private final Object backupLock = new Object();
    /** The revision of the newest verified backup, -1 when there is none; guarded by backupLock. */
    private long backedUpRevision = -1;
    /** Held while publishing a snapshot with its events, and while a watch picks its snapshot. */
    private final Object watchLock = new Object();
    private final Set<StoreWatch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicLong durableCommits = new AtomicLong();
    private final AtomicBoolean shutDown = new AtomicBoolean();
    private volatile boolean closed;
    /** Why the store stopped by itself; null while open or after an ordinary close. */
    private volatile StoreException failure;
    private volatile Snapshot current;
    private final Snapshot.Pins pins = new Snapshot.Pins();

    // Owned by the writer thread.
    private long revision;
    private long compactedRevision;
    private final List<WatchEvent> batchEvents = new ArrayList<>();

    private MVStoreKv(Path file, Options options, MVStore store) {
        this.file = file;
        this.options = options;
        this.store = store;
        this.keys = keysMap(store);
        this.log = logMap(store);
        this.meta = metaMap(store);
        this.backupFile = StoreBackup.backupOf(file);
        this.deliveryPool = Executors.newCachedThreadPool(daemonThreads("outpost-mvstore-watch-"));
        this.backups = options.backupInterval().isZero() ? null
                : Executors.newSingleThreadScheduledExecutor(daemonThreads("outpost-mvstore-backup-"));
        this.writer = new Thread(this::runWriter, "outpost-mvstore-writer");
        this.writer.setDaemon(true);
    }

    static MVMap<String, byte[]> keysMap(MVStore store) {
        return store.openMap("keys", new MVMap.Builder<String, byte[]>()
                .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    static MVMap<Long, byte[]> logMap(MVStore store) {
        return store.openMap("log", new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    static MVMap<String, Long> metaMap(MVStore store) {
        return store.openMap("meta", new MVMap.Builder<String, Long>()
                .keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE));
    }

    /**
     * Opens (or creates) the store in {@code file}, creating missing parent directories (the
     * directory and the file readable by the owner only), and verifies every record before use.
     *
     * @throws StoreDamagedException when the file cannot be read or fails verification, or holds
     *                               an older revision than its verified backup
     * @throws StoreException        when the file cannot be opened for another reason, for example
     *                               because another process holds it or it is not of this format
     */
    public static MVStoreKv open(Path file, Options options) {
        Path absolute = file.toAbsolutePath().normalize();
        MVStore store = null;
        try {
            Files.createDirectories(absolute.getParent());
            FilePermissions.ownerOnly(absolute.getParent());
            boolean created = !Files.exists(absolute);
            StoreOpening.Opened opened = StoreOpening.open(absolute);
            store = opened.store();
            FilePermissions.ownerOnly(absolute);
            // MVStore keeps dead chunks for 45 s by default in case the OS has not yet written the
            // newer ones; here every commit is fsynced before anyone relies on it and readers pin
            // their version, so the space can be reused at once instead of growing the file by
            // 45 s worth of writes.
            store.setRetentionTime(0);
            MVStoreKv kv = new MVStoreKv(absolute, options, store);
            kv.loadState();
            StoreVerifier.Verified verified = StoreOpening.verify(absolute, store, FORMAT);
            kv.checkAgainstBackup(created);
            if (created) {
                FilePermissions.syncDirectory(absolute.getParent());
            }
            kv.writer.start();
            kv.scheduleBackups();
            if (opened.interruptedVersion() >= 0) {
                LOG.warn("Cluster store {}: the commit being written when the node stopped (version {}) was incomplete"
                        + " and never acknowledged; the store came back at revision {}", absolute,
                        opened.interruptedVersion(), kv.revision);
            }
            LOG.info("Opened cluster store {} at revision {} (history compacted through revision {}; {} keys and {}"
                    + " events verified)", absolute, kv.revision, kv.compactedRevision, verified.keys(), verified.events());
            return kv;
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                // never a clean close here: it would rewrite the file header and hide the damage
                store.closeImmediately();
            }
            if (e instanceof StoreException storeException) {
                throw storeException;
            }
            if (e instanceof MVStoreException mvStoreException && !StoreOpening.isDamage(mvStoreException)) {
                throw new StoreException("could not open cluster store " + absolute + ": " + e.getMessage(), e);
            }
            if (e instanceof IOException) {
                throw new StoreException("could not open cluster store " + absolute + ": " + e.getMessage(), e);
            }
            // the maps' root pages or the revision counters cannot be read
            throw new StoreDamagedException(absolute, e instanceof MVStoreException mvStoreException
                    ? StoreOpening.shortMessage(mvStoreException) : "unreadable: " + e, e);
        }
    }

    /**
     * A store older than its own verified backup has lost acknowledged writes. A store created
     * just now (the old file was moved away to start a new cluster) starts afresh: the backup
     * beside it is the old cluster's and is replaced by the new store's first one.
     */
    private void checkAgainstBackup(boolean created) {
        if (backups == null) {
            return;
        }
        Optional<StoreBackup.Info> backup = StoreBackup.usable(backupFile, FORMAT);
        if (created) {
            backup.ifPresent(old -> LOG.warn("Cluster store {} is new; the backup beside it ({}, revision {}) is of an"
                    + " earlier store and is replaced by this store's first backup", file, backupFile, old.revision()));
            return;
        }
        if (backup.isPresent()) {
            long backupRevision = backup.get().revision();
            if (backupRevision > revision) {
                throw new StoreDamagedException(file, "it is at revision " + revision + ", older than its verified"
                        + " backup at revision " + backupRevision + ": acknowledged writes are missing", null);
            }
            synchronized (backupLock) {
                backedUpRevision = backupRevision;
            }
        }
    }

    private void loadState() {
        Long format = meta.get(META_FORMAT);
        if (format == null) {
            meta.put(META_FORMAT, FORMAT);
            meta.put(META_REVISION, 0L);
            meta.put(META_COMPACTED_REVISION, 0L);
            commitDurably();
        } else if (format != FORMAT) {
            throw new StoreException(ErrorCode.UNAVAILABLE, "cluster store " + file + " has format " + format
                    + "; this version reads format " + FORMAT);
        }
        revision = meta.get(META_REVISION);
        compactedRevision = meta.get(META_COMPACTED_REVISION);
        current = Snapshot.ofLatestCommit(store, pins, keys, log, revision, compactedRevision);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public long revision() {
        checkOpen();
        return current.revision;
    }

    @Override
    public long compactedRevision() {
        checkOpen();
        return current.compactedRevision;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        requireKey(key);
        return read(snapshot -> snapshot.get(key));
    }

    @Override
    public List<KeyValue> list(String prefix) {
        requirePrefix(prefix);
        return read(snapshot -> snapshot.list(prefix));
    }

    @Override
    public String describe() {
        return "mvstore " + file;
    }

    public Path file() {
        return file;
    }

    /** How many commits reached the disk; lets tests see that writers share commits. */
    long durableCommits() {
        return durableCommits.get();
    }

    private <T> T read(Function<Snapshot, T> reader) {
        Snapshot snapshot = acquireSnapshot();
        try {
            return reader.apply(snapshot);
        } catch (MVStoreException e) {
            checkOpen();
            throw new StoreException("could not read cluster store " + file + ": " + e.getMessage(), e);
        } finally {
            snapshot.release();
        }
    }

    private Snapshot acquireSnapshot() {
        while (true) {
            checkOpen();
            Snapshot snapshot = current;
            if (snapshot.tryAcquire()) {
                return snapshot;
            }
            // The writer replaced it just now; take the newer one.
        }
    }

    // ---------------------------------------------------------------- writes (caller side)

    @Override
    public KeyValue put(String key, byte[] value) {
        requireKey(key);
        byte[] copy = copyOf(value);
        return withOwnValue(submit(() -> applyPut(key, copy)));
    }

    @Override
    public KeyValue compareAndSet(String key, long expectedModRevision, byte[] value) {
        requireKey(key);
        requireArgument(expectedModRevision >= 0,
                "expected modification revision must be 0 (key absent) or positive, not " + expectedModRevision);
        byte[] copy = copyOf(value);
        return withOwnValue(submit(() -> applyCompareAndSet(key, expectedModRevision, copy)));
    }

    @Override
    public boolean delete(String key) {
        requireKey(key);
        return submit(() -> applyDelete(key));
    }

    @Override
    public void compareAndDelete(String key, long expectedModRevision) {
        requireKey(key);
        requireArgument(expectedModRevision > 0,
                "expected modification revision of a delete must be positive, not " + expectedModRevision);
        submit(() -> applyCompareAndDelete(key, expectedModRevision));
    }

    @Override
    public long compact(long targetRevision) {
        requireArgument(targetRevision >= 0, "cannot compact to a negative revision (" + targetRevision + ")");
        return submit(() -> applyCompact(targetRevision));
    }

    /** Queues one write for the writer thread and waits until it is durable (package-private for tests). */
    <T> T submit(WriteOperation<T> operation) {
        checkOpen();
        PendingWrite<T> write = new PendingWrite<>(operation);
        queue.add(write);
        // close() sets "closed" before it drains the queue, so one of the two sees this write.
        if (closed && queue.remove(write)) {
            write.fail(closedException());
        }
        Duration timeout = options.writeTimeout();
        try {
            return write.result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw asStoreException(e.getCause());
        } catch (TimeoutException e) {
            write.abandon();
            throw new StoreException(ErrorCode.UNAVAILABLE, "cluster store " + file + " did not confirm the write within "
                    + timeout.toSeconds() + " s; it may or may not have been applied");
        } catch (InterruptedException e) {
            write.abandon();
            Thread.currentThread().interrupt();
            throw new StoreException(ErrorCode.UNAVAILABLE,
                    "interrupted while waiting for the cluster store; the write may or may not have been applied");
        }
    }

    private static StoreException asStoreException(Throwable failure) {
        return failure instanceof StoreException storeException ? storeException
                : new StoreException("cluster store write failed: " + failure, failure);
    }

    // ---------------------------------------------------------------- watches

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        requirePrefix(prefix);
        requireArgument(afterRevision >= 0, "a watch starts after a revision of 0 or more, not " + afterRevision);
        requireArgument(listener != null, "a watch needs a listener");
        synchronized (watchLock) {
            checkOpen();
            Snapshot snapshot = current;
            if (afterRevision < snapshot.compactedRevision) {
                throw new StoreCompactedException(afterRevision, snapshot.compactedRevision);
            }
            boolean replayNeeded = afterRevision < snapshot.revision && snapshot.tryAcquire();
            StoreWatch watch = new StoreWatch(prefix, afterRevision, listener, replayNeeded ? snapshot : null,
                    deliveryPool, options.maxPendingWatchEvents(), watches::remove);
            watches.add(watch);
            watch.start();
            return watch;
        }
    }

    // ---------------------------------------------------------------- the writer thread

    private void runWriter() {
        List<PendingWrite<?>> batch = new ArrayList<>();
        long maintenanceInterval = options.maintenanceInterval().toNanos();
        long nextMaintenance = System.nanoTime() + maintenanceInterval;
        try {
            while (!closed) {
                PendingWrite<?> first = queue.poll(nextMaintenance - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, options.maxBatchSize() - 1);
                    if (closed) {
                        break;
                    }
                    writeBatch(batch);
                    batch.clear();
                }
                if (!closed && System.nanoTime() - nextMaintenance >= 0) {
                    maintain();
                    nextMaintenance = System.nanoTime() + maintenanceInterval;
                }
            }
            batch.forEach(write -> write.fail(closedException()));
        } catch (InterruptedException | RuntimeException | Error e) {
            StoreException reason = new StoreException("cluster store " + file + " failed and was closed: " + e, e);
            LOG.error("Cluster store {} failed; closing it", file, e);
            batch.forEach(write -> write.fail(reason));
            failure = reason;
            closed = true;
            shutDown(reason, false);
        }
    }

    private void writeBatch(List<PendingWrite<?>> batch) {
        long revisionBefore = revision;
        long compactedBefore = compactedRevision;
        for (PendingWrite<?> broken; (broken = applyAll(batch)) != null; ) {
            // Not a rejection but a failure (a bug, a StackOverflowError...) that may have left the
            // maps half-changed: back to the last commit, then the batch again without that write.
            LOG.error("Cluster store {}: a write failed unexpectedly; it was rolled back and refused, and the store"
                    + " goes on", file, broken.failure);
            store.rollback();
            revision = revisionBefore;
            compactedRevision = compactedBefore;
            batchEvents.clear();
        }
        if (revision != revisionBefore || compactedRevision != compactedBefore) {
            if (revision != revisionBefore) {
                meta.put(META_REVISION, revision);
            }
            commitDurably();
            publish();
        }
        for (PendingWrite<?> write : batch) {
            write.complete();
        }
    }

    /** Applies the writes in order; returns the first that failed unexpectedly, or null. */
    private static PendingWrite<?> applyAll(List<PendingWrite<?>> batch) {
        for (PendingWrite<?> write : batch) {
            if (!write.apply()) {
                return write;
            }
        }
        return null;
    }

    private void commitDurably() {
        store.commit();
        store.sync();
        durableCommits.incrementAndGet();
    }

    /** Makes the latest commit visible to readers and hands its events to the watches. */
    private void publish() {
        List<WatchEvent> events = List.copyOf(batchEvents);
        batchEvents.clear();
        synchronized (watchLock) {
            Snapshot previous = current;
            current = Snapshot.ofLatestCommit(store, pins, keys, log, revision, compactedRevision);
            previous.release();
            if (!events.isEmpty()) {
                for (StoreWatch watch : watches) {
                    watch.offer(events);
                }
            }
        }
    }

    private void maintain() {
        long history = options.historyRevisions();
        if (history > 0) {
            long target = Math.min(revision - history, compactedRevision + MAX_REVISIONS_COMPACTED_PER_PASS);
            if (target > compactedRevision) {
                writeBatch(List.of(new PendingWrite<>(() -> applyCompact(target))));
            }
        }
        // MVStore's own housekeeping runs only with auto-commit, so sparse chunks are rewritten here.
        if (store.compact(REWRITE_BELOW_FILL_RATE, MAX_REWRITE_BYTES_PER_PASS)) {
            commitDurably();
        }
    }

    /** Runs on the writer thread only (package-private so that tests can fail a write half-way). */
    KeyValue applyPut(String key, byte[] value) {
        KeyValue previous = liveEntry(key);
        long putRevision = ++revision;
        KeyValue kv = previous == null
                ? new KeyValue(key, value, putRevision, putRevision, 1)
                : new KeyValue(key, value, previous.createRevision(), putRevision, previous.version() + 1);
        keys.put(key, Codec.encodeEntry(kv));
        logEvent(new WatchEvent(WatchEvent.Type.PUT, kv));
        return kv;
    }

    private KeyValue applyCompareAndSet(String key, long expectedModRevision, byte[] value) {
        requireNotAhead(expectedModRevision);
        requireModRevision(key, expectedModRevision);
        return applyPut(key, value);
    }

    private boolean applyDelete(String key) {
        if (liveEntry(key) == null) {
            return false;
        }
        remove(key);
        return true;
    }

    private Void applyCompareAndDelete(String key, long expectedModRevision) {
        requireNotAhead(expectedModRevision);
        requireModRevision(key, expectedModRevision);
        remove(key);
        return null;
    }

    private long applyCompact(long targetRevision) {
        requireArgument(targetRevision <= revision,
                "cannot compact to revision " + targetRevision + ": the store is at revision " + revision);
        if (targetRevision <= compactedRevision) {
            return compactedRevision;
        }
        Cursor<Long, byte[]> dropped = log.cursor(compactedRevision + 1, targetRevision, false);
        while (dropped.hasNext()) {
            log.remove(dropped.next());
        }
        compactedRevision = targetRevision;
        meta.put(META_COMPACTED_REVISION, targetRevision);
        return targetRevision;
    }

    private void remove(String key) {
        long deleteRevision = ++revision;
        keys.remove(key);
        logEvent(new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, NO_VALUE, 0, deleteRevision, 0)));
    }

    private void logEvent(WatchEvent event) {
        log.put(event.revision(), Codec.encodeEvent(event));
        batchEvents.add(event);
    }

    /** The key as the writer sees it, including earlier writes of the batch not yet committed. */
    private KeyValue liveEntry(String key) {
        byte[] record = keys.get(key);
        return record == null ? null : Codec.decodeEntry(key, record);
    }

    private void requireModRevision(String key, long expectedModRevision) {
        KeyValue entry = liveEntry(key);
        long actual = entry == null ? 0 : entry.modRevision();
        if (actual != expectedModRevision) {
            throw new StoreConflictException(key, expectedModRevision, actual);
        }
    }

    private void requireNotAhead(long expectedModRevision) {
        requireArgument(expectedModRevision <= revision, "expected modification revision " + expectedModRevision
                + " is ahead of the store's revision " + revision);
    }

    // ---------------------------------------------------------------- closing

    /**
     * Stops the writer after the batch it is writing, fails queued and later calls with
     * {@link ErrorCode#UNAVAILABLE}, ends every watch (its listener's onClose is told) and closes
     * the file.
     */
    @Override
    public void close() {
        closed = true;
        queue.add(wakeUp);
        if (Thread.currentThread() != writer) {
            joinUninterruptibly(writer);
        }
        shutDown(closedException(), true);
    }

    private void shutDown(StoreException reason, boolean normally) {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        for (PendingWrite<?> write; (write = queue.poll()) != null; ) {
            write.fail(reason);
        }
        stopBackups(normally);
        synchronized (watchLock) {
            for (StoreWatch watch : watches) {
                watch.fail(reason);
            }
            current.release();
        }
        deliveryPool.shutdown();
        int stillReading = normally ? pins.awaitNone(CLOSE_WAITS_FOR_READERS_MILLIS) : 0;
        if (stillReading > 0) {
            LOG.warn("Closing cluster store {} while {} read(s) on other threads are still in progress; they will fail",
                    file, stillReading);
            store.closeImmediately();
        } else if (normally) {
            store.close();
            LOG.info("Closed cluster store {} at revision {}", file, revision);
        } else {
            store.closeImmediately();
        }
    }

    // ---------------------------------------------------------------- the verified backup

    private void scheduleBackups() {
        if (backups != null) {
            long interval = options.backupInterval().toMillis();
            backups.scheduleWithFixedDelay(this::backUpIfMoved, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** The periodic backup: of the latest durable version, when the revision moved since the last one. */
    private void backUpIfMoved() {
        try {
            Snapshot snapshot = acquireSnapshot();
            try {
                backUp(snapshot);
            } finally {
                snapshot.release();
            }
        } catch (StoreException closing) {
            // the store is closing; the backup at close takes over
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // a periodic task that throws is never run again
            LOG.error("Cluster store {}: the periodic backup failed; trying again in {}", file,
                    options.backupInterval(), e);
        }
    }

    /**
     * Lets a backup in progress finish (interrupting it could close the store's file channel under
     * it) and, at a clean close, writes the last one from the final durable version.
     */
    private void stopBackups(boolean normally) {
        if (backups == null) {
            return;
        }
        backups.shutdown();
        try {
            if (!backups.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.warn("Cluster store {}: the backup in progress did not finish within 5 minutes", file);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Snapshot last = current;
        if (normally && last.tryAcquire()) {
            try {
                backUp(last);
            } finally {
                last.release();
            }
        }
    }

    private void backUp(Snapshot snapshot) {
        synchronized (backupLock) {
            if (snapshot.revision == backedUpRevision) {
                return;
            }
            long started = System.nanoTime();
            try {
                StoreBackup.Info written = StoreBackup.write(snapshot, FORMAT, backupFile);
                backedUpRevision = written.revision();
                LOG.info("Cluster store {}: verified backup {} written at revision {} in {} ms", file, backupFile,
                        written.revision(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            } catch (IOException e) {
                LOG.warn("Cluster store {}: could not write the verified backup {} ({}); the previous one is kept",
                        file, backupFile, e.getMessage());
            }
        }
    }

    /** The backup file next to the store ({@code <file>.bak}). */
    public Path backupFile() {
        return backupFile;
    }

    private void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private StoreException closedException() {
        StoreException cause = failure;
        return cause == null ? new StoreException(ErrorCode.UNAVAILABLE, "store closed")
                : new StoreException(cause.getMessage(), cause);
    }

    // ---------------------------------------------------------------- helpers

    /** One queued write. Its outcome is kept until the batch is durable, then given to the caller. */
    private static final class PendingWrite<T> {

        final WriteOperation<T> operation;
        final CompletableFuture<T> result = new CompletableFuture<>();
        private T outcome;
        private RuntimeException rejection;
        /** What made this write fail unexpectedly; it is then skipped when its batch is applied again. */
        private Throwable failure;

        PendingWrite(WriteOperation<T> operation) {
            this.operation = operation;
        }

        /** A write that is already done, so the writer skips it. */
        static PendingWrite<Void> marker() {
            PendingWrite<Void> marker = new PendingWrite<>(() -> null);
            marker.result.complete(null);
            return marker;
        }

        /**
         * Conflicts and invalid arguments reject this write only. Any other failure, an Error
         * included, rejects it too but returns false: the batch must be rolled back and applied
         * again without it. An OutOfMemoryError ends the writer (and the process).
         */
        boolean apply() {
            if (result.isDone() || failure != null) {
                return true; // abandoned by its caller, a marker, or failed in an earlier attempt
            }
            outcome = null;
            rejection = null;
            try {
                outcome = operation.apply();
            } catch (StoreException e) {
                rejection = e;
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                failure = e;
                rejection = new StoreException(ErrorCode.INTERNAL, "the cluster store could not apply this write ("
                        + e + "); nothing of it was written");
                return false;
            }
            return true;
        }

        void complete() {
            if (rejection != null) {
                result.completeExceptionally(rejection);
            } else {
                result.complete(outcome);
            }
        }

        void fail(StoreException reason) {
            result.completeExceptionally(reason);
        }

        void abandon() {
            result.cancel(false);
        }
    }

    @FunctionalInterface
    interface WriteOperation<T> {
        T apply();
    }

    private static byte[] copyOf(byte[] value) {
        requireArgument(value != null, "value must not be null (use an empty array for no value)");
        return value.clone();
    }

    /** The stored value also goes to the watches; the caller gets its own copy. */
    private static KeyValue withOwnValue(KeyValue kv) {
        return new KeyValue(kv.key(), kv.value().clone(), kv.createRevision(), kv.modRevision(), kv.version());
    }

    private static void requireKey(String key) {
        requireArgument(key != null && !key.isEmpty(), "key must be a non-empty string");
        requireWellFormed(key, "key");
    }

    private static void requirePrefix(String prefix) {
        requireArgument(prefix != null, "prefix must not be null (use \"\" for every key)");
        requireWellFormed(prefix, "prefix");
    }

    /** Keys are stored as UTF-8 in the event log, which cannot represent a lone surrogate. */
    private static void requireWellFormed(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new StoreException(ErrorCode.INVALID_ARGUMENT,
                        what + " contains an unpaired surrogate at index " + i + "; it must be valid Unicode");
            }
        }
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new StoreException(ErrorCode.INVALID_ARGUMENT, message);
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String namePrefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, namePrefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
