package org.outpost.outbox.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads and checks frames of one segment file through a reusable heap buffer, never past a limit
 * (the committed size while the file is written to, the file size during recovery).
 */
final class FrameReader {

    enum Result { FRAME, END, BAD }

    private final CRC32C crc = new CRC32C();
    private byte[] bytes;
    private ByteBuffer buffer;
    private FileChannel channel;
    /** File offset of {@code bytes[0]}; the buffer holds file bytes up to {@code buffer.limit()}. */
    private long bufferStart;
    private long limit;

    private long frameOffset;
    private long seq;
    private int priority;
    private long appendedAt;
    private int payloadStart;
    private int payloadLength;
    private String problem;

    FrameReader(int bufferBytes) {
        bytes = new byte[bufferBytes];
        buffer = ByteBuffer.wrap(bytes);
    }

    /** Starts reading {@code channel} at {@code offset} (a frame boundary). */
    void open(FileChannel channel, long offset, long limit) {
        this.channel = channel;
        this.bufferStart = offset;
        this.limit = limit;
        buffer.clear().limit(0);
    }

    void setLimit(long limit) {
        this.limit = limit;
    }

    /** The file offset of the next frame. */
    long position() {
        return bufferStart + buffer.position();
    }

    /** Jumps to the limit, leaving an unreadable stretch behind. */
    void skipToLimit() {
        bufferStart = limit;
        buffer.clear().limit(0);
    }

    /**
     * Reads the next frame. {@link Result#END} when the limit is reached exactly; {@link Result#BAD}
     * (see {@link #problem()}) for a short frame, an impossible length or a checksum mismatch; the
     * position then stays on the bad frame.
     */
    Result next() throws IOException {
        long at = position();
        long available = limit - at;
        if (available <= 0) return Result.END;
        frameOffset = at;
        if (available < Frames.FRAME_HEADER_BYTES) return bad("short frame header (" + available + " bytes)");
        if (!fill(Frames.FRAME_HEADER_BYTES)) return bad("file ends inside a frame header");
        int start = buffer.position();
        int length = Frames.getInt(bytes, start);
        int expectedCrc = Frames.getInt(bytes, start + 4);
        if (!Frames.isPlausibleBodyLength(length)) return bad("impossible frame length " + length);
        if (available - Frames.FRAME_HEADER_BYTES < length) {
            return bad("short frame (" + length + " bytes announced, " + (available - Frames.FRAME_HEADER_BYTES) + " present)");
        }
        if (!fill(Frames.FRAME_HEADER_BYTES + length)) return bad("file ends inside a frame");
        start = buffer.position();
        int body = start + Frames.FRAME_HEADER_BYTES;
        crc.reset();
        crc.update(bytes, body, length);
        if ((int) crc.getValue() != expectedCrc) return bad("checksum mismatch");
        seq = Frames.getLong(bytes, body);
        priority = bytes[body + 8];
        appendedAt = Frames.getLong(bytes, body + 9);
        payloadStart = body + Frames.BODY_FIXED_BYTES;
        payloadLength = length - Frames.BODY_FIXED_BYTES;
        buffer.position(start + Frames.FRAME_HEADER_BYTES + length);
        return Result.FRAME;
    }

    private Result bad(String why) {
        problem = why;
        return Result.BAD;
    }

    /** Makes {@code n} bytes from the position available in the buffer; false if the file is shorter. */
    private boolean fill(int n) throws IOException {
        if (buffer.remaining() >= n) return true;
        if (buffer.position() > 0) {
            int remaining = buffer.remaining();
            System.arraycopy(bytes, buffer.position(), bytes, 0, remaining);
            bufferStart += buffer.position();
            buffer.position(0).limit(remaining);
        }
        if (bytes.length < n) {
            byte[] larger = new byte[Math.max(n, bytes.length * 2)];
            System.arraycopy(bytes, 0, larger, 0, buffer.limit());
            int kept = buffer.limit();
            bytes = larger;
            buffer = ByteBuffer.wrap(bytes);
            buffer.limit(kept);
        }
        while (buffer.remaining() < n) {
            long fileOffset = bufferStart + buffer.limit();
            int room = (int) Math.min(bytes.length - buffer.limit(), limit - fileOffset);
            if (room <= 0) return false;
            int position = buffer.position();
            buffer.position(buffer.limit()).limit(buffer.limit() + room);
            int read;
            try {
                read = channel.read(buffer, fileOffset);
            } catch (EOFException e) {
                read = -1;
            }
            int newLimit = buffer.position();
            buffer.limit(newLimit).position(position);
            if (read <= 0) return false;
        }
        return true;
    }

    long frameOffset() {
        return frameOffset;
    }

    long seq() {
        return seq;
    }

    int priority() {
        return priority;
    }

    long appendedAt() {
        return appendedAt;
    }

    byte[] copyPayload() {
        byte[] payload = new byte[payloadLength];
        System.arraycopy(bytes, payloadStart, payload, 0, payloadLength);
        return payload;
    }

    String problem() {
        return problem;
    }
}
