package org.outpost.outbox.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The cursor positions and the lifetime drop count, replaced atomically (temp file, fsync, rename,
 * directory fsync) so that a crash leaves either the old or the new version.
 *
 * <pre>
 * file    := magic "OPOC" (int), version (int = 1), droppedTotal (long), highestSeq (long),
 *            count (int), cursor*, crc (int, CRC32C of everything before it)
 * cursor  := name (unsigned short length + UTF-8), urgentPosition (long), normalPosition (long)
 * </pre>
 */
final class CursorFile {

    static final String FILE_NAME = "cursors";
    static final String TEMP_NAME = "cursors.tmp";
    private static final int MAGIC = 0x4F504F43; // "OPOC"
    private static final int VERSION = 1;
    private static final int MAX_NAME_BYTES = 65535;

    /** One cursor's durable positions per lane. */
    record Position(String name, long urgent, long normal) {
    }

    /** What the file held. */
    record Contents(List<Position> cursors, long droppedTotal, long highestSeq) {
        static final Contents EMPTY = new Contents(List.of(), 0, 0);
    }

    private CursorFile() {
    }

    static void checkName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a cursor needs a non-blank name");
        if (name.getBytes(UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("cursor name too long (" + name.length() + " characters)");
        }
    }

    /** The contents, {@link Contents#EMPTY} when there is no file; IOException when it is damaged. */
    static Contents read(Path dir) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(FILE_NAME));
        } catch (NoSuchFileException e) {
            return Contents.EMPTY;
        }
        if (bytes.length < 32) throw new IOException("cursor file too short (" + bytes.length + " bytes)");
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt(bytes.length - 4) != (int) crc.getValue()) throw new IOException("cursor file checksum mismatch");
        if (in.getInt() != MAGIC) throw new IOException("not a cursor file (bad magic)");
        int version = in.getInt();
        if (version != VERSION) throw new IOException("unknown cursor file version " + version);
        long droppedTotal = in.getLong();
        long highestSeq = in.getLong();
        int count = in.getInt();
        if (count < 0) throw new IOException("bad cursor count " + count);
        List<Position> cursors = new ArrayList<>(Math.min(count, 1024));
        try {
            for (int i = 0; i < count; i++) {
                int nameLength = Short.toUnsignedInt(in.getShort());
                byte[] name = new byte[nameLength];
                in.get(name);
                cursors.add(new Position(new String(name, UTF_8), in.getLong(), in.getLong()));
            }
        } catch (RuntimeException e) {
            throw new IOException("cursor file truncated inside its entries", e);
        }
        return new Contents(List.copyOf(cursors), droppedTotal, highestSeq);
    }

    static void write(Path dir, Contents contents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + contents.cursors().size() * 48);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(contents.droppedTotal());
            out.writeLong(contents.highestSeq());
            out.writeInt(contents.cursors().size());
            for (Position cursor : contents.cursors()) {
                byte[] name = cursor.name().getBytes(UTF_8);
                out.writeShort(name.length);
                out.write(name);
                out.writeLong(cursor.urgent());
                out.writeLong(cursor.normal());
            }
            CRC32C crc = new CRC32C();
            byte[] body = bytes.toByteArray();
            crc.update(body, 0, body.length);
            out.writeInt((int) crc.getValue());
        }
        Path temp = dir.resolve(TEMP_NAME);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(true);
        }
        Files.move(temp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.syncDirectory(dir);
    }
}
