package org.outpost.outbox.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends frames to a lane's newest segment for the writer thread: frames of a group collect in a
 * reused direct buffer; {@link #force} writes them and calls {@code force} once; {@link #publish}
 * shows them to readers. Rolls to a new segment when the current one is full.
 */
final class LaneWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LaneWriter.class);
    static final int BUFFER_BYTES = 256 * 1024;

    private final Lane lane;
    private final long rollBytes;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final byte[] fixed = new byte[Frames.BODY_FIXED_BYTES];
    private final CRC32C crc = new CRC32C();

    private Segment active;
    private FileChannel channel;
    /** Bytes in the active file, including what sits in the buffer. */
    private long size;
    /** Bytes already handed to the file (not necessarily forced). */
    private long written;
    /** The lane ordinal of the next record added. */
    private long endOrdinal;
    /** The highest sequence number made durable and the ordinal after it. */
    private long durableSeq;
    private long durableEndOrdinal;

    // the group not yet committed to the active segment
    private long groupRecords;
    private long groupFirstAppendedAt;
    private long groupLastSeq;
    private long groupLastAppendedAt;
    private boolean rolled;

    LaneWriter(Lane lane, long rollBytes) throws IOException {
        this.lane = lane;
        this.rollBytes = rollBytes;
        this.endOrdinal = lane.endOrdinal();
        this.durableEndOrdinal = endOrdinal;
        this.durableSeq = lane.lastSeq();
        Segment[] segments = lane.segments();
        if (segments.length > 0) {
            Segment newest = segments[segments.length - 1];
            if (!newest.isSealed()) openForAppend(newest);
        }
    }

    Lane lane() {
        return lane;
    }

    Segment active() {
        return active;
    }

    /** Adds one record to the group; {@link #force} makes it durable and {@link #publish} visible. */
    void add(long seq, int priority, long appendedAt, byte[] payload) throws IOException {
        int frameBytes = Frames.frameBytes(payload.length);
        if (active == null) {
            startSegment(seq);
        } else if (size + frameBytes > rollBytes && size > Frames.SEGMENT_HEADER_BYTES) {
            force();
            publish();
            seal();
            startSegment(seq);
            rolled = true;
        }
        Frames.putLong(fixed, 0, seq);
        fixed[8] = (byte) priority;
        Frames.putLong(fixed, 9, appendedAt);
        crc.reset();
        crc.update(fixed, 0, fixed.length);
        crc.update(payload, 0, payload.length);
        if (buffer.remaining() < frameBytes) flushBuffer();
        buffer.putInt(Frames.BODY_FIXED_BYTES + payload.length).putInt((int) crc.getValue()).put(fixed);
        if (buffer.remaining() >= payload.length) {
            buffer.put(payload);
        } else {
            flushBuffer();
            writeFully(ByteBuffer.wrap(payload));
        }
        active.index.maybeAdd(seq, size, endOrdinal);
        endOrdinal++;
        size += frameBytes;
        if (groupRecords == 0) groupFirstAppendedAt = appendedAt;
        groupLastSeq = seq;
        groupLastAppendedAt = appendedAt;
        groupRecords++;
    }

    /** True once per roll since the last call: the caller then checks the bounds. */
    boolean takeRolled() {
        boolean result = rolled;
        rolled = false;
        return result;
    }

    /** Writes what is buffered and forces it to disk. */
    void force() throws IOException {
        if (groupRecords == 0) return;
        flushBuffer();
        channel.force(false);
    }

    /** Shows the forced group to readers of the segment. */
    void publish() {
        if (groupRecords == 0) return;
        active.commit(size, groupRecords, groupFirstAppendedAt, groupLastSeq, groupLastAppendedAt);
        durableSeq = groupLastSeq;
        durableEndOrdinal = active.endOrdinal();
        groupRecords = 0;
    }

    /** Updates the lane's counters (under the commit lock, so that new cursors see a consistent end). */
    void publishLane() {
        lane.published(durableEndOrdinal, durableSeq);
    }

    /** The highest sequence number of this lane made durable. */
    long durableSeq() {
        return durableSeq;
    }

    /** After a failed write: forgets the group and cuts the file back to its committed size. */
    void abandonGroup() {
        groupRecords = 0;
        endOrdinal = durableEndOrdinal;
        buffer.clear();
        if (active == null) return;
        long committed = active.committedSize();
        size = committed;
        written = committed;
        active.index.truncate(committed);
        try {
            channel.truncate(committed);
        } catch (IOException e) {
            LOG.warn("Could not cut outbox segment {} back to {} bytes after a failed write: {}", active, committed,
                    e.toString());
        }
    }

    /** Stops writing to the active segment (the bound dropped it, or the outbox closes). */
    void releaseActive() {
        if (active == null) return;
        active.seal();
        closeChannel();
        active = null;
    }

    private void seal() {
        active.seal();
        closeChannel();
        active = null;
    }

    private void startSegment(long seq) throws IOException {
        Segment segment = new Segment(lane.dir.resolve(Frames.segmentFileName(seq)), seq, endOrdinal);
        FileChannel created = FileChannel.open(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ByteBuffer header = SegmentFiles.header();
            while (header.hasRemaining()) created.write(header, header.position());
            created.force(true);
        } catch (IOException e) {
            created.close();
            throw e;
        }
        SegmentFiles.syncDirectory(lane.dir);
        channel = created;
        active = segment;
        size = Frames.SEGMENT_HEADER_BYTES;
        written = size;
        lane.add(segment);
    }

    private void openForAppend(Segment segment) throws IOException {
        channel = FileChannel.open(segment.path, StandardOpenOption.WRITE);
        active = segment;
        size = segment.committedSize();
        written = size;
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            written += channel.write(source, written);
        }
    }

    private void closeChannel() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing outbox segment {} failed", active, e);
        }
        channel = null;
    }

    @Override
    public void close() {
        closeChannel();
    }
}
