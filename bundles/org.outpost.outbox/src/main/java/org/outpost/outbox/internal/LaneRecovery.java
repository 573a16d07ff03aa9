package org.outpost.outbox.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a lane after a clean close or a crash: checks every frame of every segment, cuts a torn or
 * corrupt tail off the newest segment, and drops the rest of an older segment after a corrupt
 * record (keeping the records before it). Never refuses to open because of damaged data.
 */
final class LaneRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LaneRecovery.class);
    private static final int SCAN_BUFFER_BYTES = 1 << 20;

    /** The lane as found, and how many damaged bytes were cut off. */
    record Result(Lane lane, long recoveredBytes, long highestSeq) {
    }

    private final String laneName;
    private final Path dir;
    private final FrameReader frames = new FrameReader(SCAN_BUFFER_BYTES);
    private long recoveredBytes;
    private long previousSeq;
    private long ordinal;
    private long highestSeq;

    private LaneRecovery(String laneName, Path dir) {
        this.laneName = laneName;
        this.dir = dir;
    }

    static Result recover(Path root, String laneName) throws IOException {
        Path dir = root.resolve(laneName);
        Files.createDirectories(dir);
        return new LaneRecovery(laneName, dir).run();
    }

    private Result run() throws IOException {
        List<Path> files = segmentFiles();
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            boolean newest = i == files.size() - 1;
            Segment segment = scan(files.get(i), newest);
            if (segment != null) segments.add(segment);
        }
        Lane lane = new Lane(laneName, dir, segments, ordinal, previousSeq);
        return new Result(lane, recoveredBytes, highestSeq);
    }

    private List<Path> segmentFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(dir)) {
            listing.filter(p -> Frames.parseSegmentFileName(p.getFileName().toString()) >= 0)
                    .filter(Files::isRegularFile)
                    .forEach(files::add);
        }
        files.sort((a, b) -> Long.compare(Frames.parseSegmentFileName(a.getFileName().toString()),
                Frames.parseSegmentFileName(b.getFileName().toString())));
        return files;
    }

    /** The segment with its good records, or null when nothing of it was worth keeping (file deleted). */
    private Segment scan(Path file, boolean newest) throws IOException {
        long baseSeq = Frames.parseSegmentFileName(file.getFileName().toString());
        highestSeq = Math.max(highestSeq, baseSeq - 1);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (!hasValidHeader(channel, size)) {
                if (!newest) {
                    LOG.warn("Outbox segment {}/{} has no valid header; deleting it ({} bytes)", laneName,
                            file.getFileName(), size);
                    recoveredBytes += size;
                    channel.close();
                    Files.delete(file);
                    return null;
                }
                if (size > 0) {
                    LOG.warn("Outbox segment {}/{} has no valid header; starting it afresh ({} bytes cut)", laneName,
                            file.getFileName(), size);
                }
                recoveredBytes += size;
                channel.truncate(0);
                channel.write(SegmentFiles.header(), 0);
                channel.force(true);
                size = Frames.SEGMENT_HEADER_BYTES;
            }
            Segment segment = new Segment(file, baseSeq, ordinal);
            long records = 0;
            long firstAppendedAt = 0;
            long lastAppendedAt = 0;
            frames.open(channel, Frames.SEGMENT_HEADER_BYTES, size);
            FrameReader.Result result;
            String problem = null;
            while ((result = frames.next()) == FrameReader.Result.FRAME) {
                problem = check(baseSeq);
                if (problem != null) break;
                segment.index.maybeAdd(frames.seq(), frames.frameOffset(), ordinal);
                if (records == 0) firstAppendedAt = frames.appendedAt();
                lastAppendedAt = frames.appendedAt();
                previousSeq = frames.seq();
                highestSeq = Math.max(highestSeq, previousSeq);
                ordinal++;
                records++;
            }
            if (result == FrameReader.Result.BAD) problem = frames.problem();
            long goodSize = frames.position();
            if (problem != null) {
                long cut = size - goodSize;
                if (newest) {
                    LOG.info("Outbox segment {}/{}: cut a torn tail of {} bytes at offset {} ({}); {} records kept",
                            laneName, file.getFileName(), cut, goodSize, problem, records);
                } else {
                    LOG.warn("Outbox segment {}/{}: corrupt record at offset {} ({}); dropping the rest of the segment, "
                                    + "{} ({} bytes), keeping {} records before it", laneName, file.getFileName(), goodSize,
                            problem, describeDropped(channel, goodSize, size), cut, records);
                }
                recoveredBytes += cut;
                channel.truncate(goodSize);
                channel.force(true);
            }
            segment.commit(goodSize, records, firstAppendedAt, previousSeq, lastAppendedAt);
            if (records == 0 && !newest) {
                channel.close();
                Files.delete(file);
                return null;
            }
            if (!newest) segment.seal();
            return segment;
        }
    }

    /** Why the frame just read does not belong in this lane, or null. */
    private String check(long baseSeq) {
        if (frames.seq() <= previousSeq) {
            return "sequence number " + frames.seq() + " not above the previous " + previousSeq;
        }
        if (frames.seq() < baseSeq) return "sequence number " + frames.seq() + " below the segment's first " + baseSeq;
        int priority = frames.priority();
        if (priority < Frames.MIN_PRIORITY || priority > Frames.MAX_PRIORITY
                || Lane.isUrgent(priority) != Lane.URGENT.equals(laneName)) {
            return "priority " + priority + " does not belong in the " + laneName + " lane";
        }
        return null;
    }

    /** How many records look present after a corrupt one (counted by walking the lengths), for the log. */
    private String describeDropped(FileChannel channel, long badOffset, long size) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Frames.FRAME_HEADER_BYTES);
        long offset = badOffset;
        long count = 0;
        while (size - offset >= Frames.FRAME_HEADER_BYTES) {
            header.clear();
            if (channel.read(header, offset) < Frames.FRAME_HEADER_BYTES) break;
            int length = header.getInt(0);
            if (!Frames.isPlausibleBodyLength(length) || offset + Frames.FRAME_HEADER_BYTES + length > size) break;
            count++;
            offset += Frames.FRAME_HEADER_BYTES + length;
        }
        return count == 0 ? "an unknown number of records" : "about " + count + " records";
    }

    private static boolean hasValidHeader(FileChannel channel, long size) throws IOException {
        if (size < Frames.SEGMENT_HEADER_BYTES) return false;
        ByteBuffer header = ByteBuffer.allocate(Frames.SEGMENT_HEADER_BYTES);
        while (header.hasRemaining()) {
            if (channel.read(header, header.position()) < 0) return false;
        }
        return header.getInt(0) == Frames.MAGIC && header.getInt(4) == Frames.FORMAT_VERSION;
    }
}
