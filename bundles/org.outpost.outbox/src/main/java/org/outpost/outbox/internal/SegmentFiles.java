package org.outpost.outbox.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File-system steps shared by the writer and recovery. */
final class SegmentFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentFiles.class);

    private SegmentFiles() {
    }

    static ByteBuffer header() {
        return ByteBuffer.allocate(Frames.SEGMENT_HEADER_BYTES).putInt(Frames.MAGIC).putInt(Frames.FORMAT_VERSION).flip();
    }

    /**
     * Makes a directory's entries (new, renamed or deleted files) durable. Some platforms cannot open
     * a directory; there the rename or creation is as durable as the OS makes it.
     */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot sync directory {}: {}", dir, e.toString());
        }
    }
}
