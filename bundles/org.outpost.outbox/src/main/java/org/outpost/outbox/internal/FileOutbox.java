package org.outpost.outbox.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox in a directory: {@code urgent/} and {@code normal/} segment files (see {@link Frames}),
 * {@code cursors} (see {@link CursorFile}) and a {@code lock} file that keeps a second instance out.
 * Appends go through one writer thread that fsyncs whole groups; cursors read the files.
 *
 * <p>The payload array is copied on append; the caller may reuse it. Futures returned by
 * {@link #appendAsync} complete on the writer thread: actions chained to them must be short and
 * must not call the blocking {@link #append} (that is refused, it would wait for itself).
 */
public final class FileOutbox implements Outbox, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileOutbox.class);
    static final String LOCK_FILE = "lock";

    private final Path dir;
    private final FileChannel lockChannel;
    private final Lane urgent;
    private final Lane normal;
    private final AppendQueue queue = new AppendQueue();
    private final CommitSignal commits;
    private final CursorRegistry cursors;
    private final Retention retention;
    private final OutboxWriter writer;
    private final AppendRate rate;
    private final Thread writerThread;
    private final long recoveredBytes;
    /** The cursor file was lost: new cursors start at the beginning rather than skip records. */
    private final boolean cursorsLost;
    private final Object cursorCreation = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final BooleanSupplier isClosed = () -> closed.get();

    private FileOutbox(Path dir, FileChannel lockChannel, OutboxOptions options, LaneRecovery.Result urgentLane,
            LaneRecovery.Result normalLane, CursorFile.Contents saved, boolean cursorsLost) throws IOException {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.urgent = urgentLane.lane();
        this.normal = normalLane.lane();
        this.recoveredBytes = urgentLane.recoveredBytes() + normalLane.recoveredBytes();
        this.cursorsLost = cursorsLost;
        long highestSeq = Math.max(Math.max(urgentLane.highestSeq(), normalLane.highestSeq()), saved.highestSeq());
        for (CursorFile.Position position : saved.cursors()) {
            highestSeq = Math.max(highestSeq, Math.max(position.urgent(), position.normal()));
        }
        this.commits = new CommitSignal(highestSeq);
        this.cursors = new CursorRegistry(dir, saved.droppedTotal(), commits::committedSeq);
        for (CursorFile.Position position : saved.cursors()) {
            cursors.restore(new FileCursor(position.name(), this, restoreLane(urgent, position.urgent()),
                    restoreLane(normal, position.normal())));
        }
        LaneWriter urgentWriter = new LaneWriter(urgent, options.rollBytes());
        LaneWriter normalWriter = new LaneWriter(normal, options.rollBytes());
        this.retention = new Retention(options, urgentWriter, normalWriter, cursors);
        this.rate = new AppendRate(System.currentTimeMillis());
        this.writer = new OutboxWriter(dir.toString(), queue, urgentWriter, normalWriter, commits, cursors, retention,
                rate, highestSeq + 1);
        this.writerThread = new Thread(writer, "outpost-outbox-writer");
        writerThread.setDaemon(true);
        writerThread.start();
        LOG.info("Outbox opened at {}: {} urgent and {} normal records, {} cursors, next sequence number {}{}", dir,
                urgent.records(), normal.records(), saved.cursors().size(), highestSeq + 1,
                recoveredBytes > 0 ? ", " + recoveredBytes + " damaged bytes cut off" : "");
    }

    /**
     * Opens (creating if needed) the outbox in {@code dir}, recovering from a crash if there was one.
     *
     * @throws IOException when the directory cannot be used or another outbox has it open
     */
    public static FileOutbox open(Path dir, OutboxOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        Files.createDirectories(dir);
        FileChannel lockChannel = lock(dir);
        try {
            Files.deleteIfExists(dir.resolve(CursorFile.TEMP_NAME));
            LaneRecovery.Result urgentLane = LaneRecovery.recover(dir, Lane.URGENT);
            LaneRecovery.Result normalLane = LaneRecovery.recover(dir, Lane.NORMAL);
            CursorFile.Contents saved;
            boolean lost = false;
            try {
                saved = CursorFile.read(dir);
            } catch (IOException e) {
                Path kept = dir.resolve(CursorFile.FILE_NAME + ".damaged");
                LOG.error("Outbox {}: the cursor file is damaged ({}); kept as {}. Cursors start again from the "
                        + "oldest record, so some records are delivered twice", dir, e.getMessage(), kept.getFileName());
                Files.move(dir.resolve(CursorFile.FILE_NAME), kept, StandardCopyOption.REPLACE_EXISTING);
                saved = CursorFile.Contents.EMPTY;
                lost = true;
            }
            return new FileOutbox(dir, lockChannel, options, urgentLane, normalLane, saved, lost);
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    private static FileChannel lock(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) throw new IOException("outbox directory " + dir + " is in use by another process");
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("outbox directory " + dir + " is already open in this process");
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private LaneCursor restoreLane(Lane lane, long position) throws IOException {
        long ordinal;
        try (LaneReader reader = new LaneReader(lane, position, 4096)) {
            ordinal = reader.advance() ? reader.ordinal() : lane.endOrdinal();
        }
        return new LaneCursor(lane, position, ordinal);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public long append(int priority, byte[] payload) throws IOException {
        if (Thread.currentThread() == writerThread) {
            throw new IOException("append() from an action chained to an appendAsync() future would wait for itself; "
                    + "use appendAsync() there");
        }
        CompletableFuture<Long> future = appendAsync(priority, payload);
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw new IOException(io.getMessage(), io);
            throw new IOException("append failed: " + cause, cause);
        }
    }

    @Override
    public CompletableFuture<Long> appendAsync(int priority, byte[] payload) {
        if (priority < Frames.MIN_PRIORITY || priority > Frames.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be between " + Frames.MIN_PRIORITY + " and "
                    + Frames.MAX_PRIORITY + ", not " + priority);
        }
        Objects.requireNonNull(payload, "payload");
        if (payload.length > Frames.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes is larger than the outbox limit of "
                    + Frames.MAX_PAYLOAD_BYTES + " bytes");
        }
        AppendRequest request = new AppendRequest(priority, payload.clone());
        IOException refusal = queue.offer(request);
        if (refusal != null) request.completeExceptionally(new IOException(refusal.getMessage(), refusal));
        return request;
    }

    @Override
    public OutboxCursor cursor(String name) throws IOException {
        CursorFile.checkName(name);
        checkReadable();
        FileCursor existing = cursors.get(name);
        if (existing != null) return existing;
        synchronized (cursorCreation) {
            existing = cursors.get(name);
            if (existing != null) return existing;
            FileCursor cursor = commits.snapshot(() -> cursorsLost
                    ? new FileCursor(name, this, new LaneCursor(urgent, 0, urgent.firstOrdinal()),
                            new LaneCursor(normal, 0, normal.firstOrdinal()))
                    : new FileCursor(name, this, new LaneCursor(urgent, commits.committedSeq(), urgent.endOrdinal()),
                            new LaneCursor(normal, commits.committedSeq(), normal.endOrdinal())));
            cursors.addDurably(cursor);
            LOG.info("Outbox {}: cursor '{}' created", dir, name);
            return cursor;
        }
    }

    @Override
    public void removeCursor(String name) throws IOException {
        checkReadable();
        FileCursor removed;
        synchronized (cursorCreation) {
            removed = cursors.removeDurably(name);
        }
        if (removed == null) return;
        removed.markRemoved();
        removed.closeReaders();
        commits.wakeAll();
        queue.wake();
        LOG.info("Outbox {}: cursor '{}' removed", dir, name);
    }

    @Override
    public OutboxStats stats() {
        long now = System.currentTimeMillis();
        long depth = heldRecords(urgent) + heldRecords(normal);
        long oldestUrgent = urgent.oldestAppendedAt();
        long oldestNormal = normal.oldestAppendedAt();
        long oldest = oldestUrgent == 0 ? oldestNormal : oldestNormal == 0 ? oldestUrgent : Math.min(oldestUrgent, oldestNormal);
        long appended = writer.appended();
        return new OutboxStats(depth, retention.bytes(), oldest, appended, rate.perSecond(now, appended),
                retention.dropped(), cursors.droppedTotal(), recoveredBytes, cursors.pendingByCursor());
    }

    /** Records not acknowledged by every cursor (all records, without cursors). */
    private long heldRecords(Lane lane) {
        long from = lane.firstOrdinal();
        long slowest = cursors.minNextOrdinal(lane);
        if (slowest > from) from = slowest;
        return Math.max(0, lane.endOrdinal() - from);
    }

    /**
     * Finishes the appends already queued, writes the cursor positions and releases the files. Later
     * appends fail; a waiting poll returns with an IOException.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == writerThread) {
            throw new IllegalStateException("close() from an action chained to an appendAsync() future would wait "
                    + "for itself");
        }
        if (!closed.compareAndSet(false, true)) return;
        queue.close(new IOException("outbox at " + dir + " is closed"));
        commits.wakeAll();
        boolean interrupted = false;
        while (writerThread.isAlive()) {
            try {
                writerThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (FileCursor cursor : cursors.all()) cursor.closeReaders();
        try {
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("Releasing the outbox lock failed", e);
        }
        LOG.info("Outbox {} closed", dir);
        if (interrupted) Thread.currentThread().interrupt();
    }

    // --- for cursors ---

    long committedSeq() {
        return commits.committedSeq();
    }

    void checkReadable() throws IOException {
        if (closed.get()) throw new IOException("outbox at " + dir + " is closed");
    }

    void awaitCommit(long seenSeq, long nanos, BooleanSupplier wake) throws InterruptedException {
        commits.await(seenSeq, nanos, () -> wake.getAsBoolean() || isClosed.getAsBoolean());
    }

    void cursorMoved() {
        cursors.markChanged();
    }

    void wakePollers() {
        commits.wakeAll();
    }
}
