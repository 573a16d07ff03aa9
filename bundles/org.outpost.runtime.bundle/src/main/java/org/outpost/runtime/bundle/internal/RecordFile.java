package org.outpost.runtime.bundle.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The runtime's record on disk, {@code <data-dir>/agent/bundle-runtime.json}. Written whole to a
 * temporary file, forced to the disk and moved over the old one, so that a crash leaves either the
 * old record or the new one.
 */
final class RecordFile {
    private final Path file;
    private final ObjectMapper json = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    RecordFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** The saved record, or {@link RuntimeRecord#EMPTY} when there is none yet. */
    RuntimeRecord read() throws IOException {
        if (!Files.exists(file)) {
            return RuntimeRecord.EMPTY;
        }
        return json.readValue(file.toFile(), RuntimeRecord.class);
    }

    void write(RuntimeRecord record) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(json.writeValueAsBytes(record));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Moves an unreadable record out of the way, keeping it for a person to look at; returns where. */
    Path setAside() throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + System.currentTimeMillis());
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }
}
