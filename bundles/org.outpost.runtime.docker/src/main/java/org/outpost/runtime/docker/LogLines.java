package org.outpost.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

/**
 * Turns one container's log frames into lines. The engine frames output as the container wrote
 * it, so a frame may hold part of a line or several; stdout and stderr are split apart so that
 * a half line on one is not glued to the other. Once closed, no further line is delivered.
 */
final class LogLines extends ResultCallback.Adapter<Frame> {

    private final String prefix;
    private final Consumer<String> lines;
    private final Object delivery;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private boolean closed;

    /**
     * @param delivery shared by every stream feeding the same consumer: lines reach it one at a time
     */
    LogLines(String prefix, Consumer<String> lines, Object delivery) {
        this.prefix = prefix;
        this.lines = lines;
        this.delivery = delivery;
    }

    @Override
    public void onNext(Frame frame) {
        ByteArrayOutputStream partial = frame.getStreamType() == StreamType.STDERR ? stderr : stdout;
        for (byte b : frame.getPayload()) {
            if (b == '\n') {
                deliver(partial);
            } else {
                partial.write(b);
            }
        }
    }

    @Override
    public void onComplete() {
        // a last line without a newline still counts
        if (stdout.size() > 0) {
            deliver(stdout);
        }
        if (stderr.size() > 0) {
            deliver(stderr);
        }
        super.onComplete();
    }

    private void deliver(ByteArrayOutputStream partial) {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        synchronized (delivery) {
            if (!closed) {
                lines.accept(prefix + line);
            }
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (delivery) {
            closed = true;
        }
        super.close();
    }
}
