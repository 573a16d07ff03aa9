package org.outpost.telemetry.internal;

import java.util.List;
import java.util.function.LongSupplier;

import org.outpost.api.ServerLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the node's devices reports over the server link, in as many frames as each needs
 * ({@link DevicesReportFrames}). Used from one thread only (the devices ticker), so the frames of
 * one report leave together and in order.
 */
final class DevicesReportSender {
    private static final Logger LOG = LoggerFactory.getLogger(DevicesReportSender.class);
    private static final long LOG_EVERY_MILLIS = 60_000;

    private final LongSupplier clock;
    private long reports;
    private long tooLongLoggedAt = Long.MIN_VALUE;

    DevicesReportSender(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * @param fields the report's fields other than {@code type} and {@code items}, as compact JSON
     *               members without the braces
     * @param items  each device's state as compact JSON
     * @return how many frames were sent: 0 when the report was not sent
     */
    int send(ServerLink up, String fields, List<String> items) {
        List<String> frames = DevicesReportFrames.of(++reports, fields, items, DevicesReportFrames.MAX_FRAME_BYTES);
        if (frames.size() > DevicesReportFrames.MAX_CHUNKS) {
            long now = clock.getAsLong();
            if (tooLongLoggedAt == Long.MIN_VALUE || now - tooLongLoggedAt >= LOG_EVERY_MILLIS) {
                tooLongLoggedAt = now;
                LOG.error("The devices report ({} devices) needs {} frames, more than the {} a server takes; it is not sent"
                        + " (lower {} devicesPerNode or remove devices)", items.size(), frames.size(),
                        DevicesReportFrames.MAX_CHUNKS, DeviceLimits.PID);
            }
            return 0;
        }
        if (frames.size() > 1 && !up.writable()) {
            return 0; // the last long report is still on its way: the next one (within 10 s) says the same and more
        }
        for (int i = 0; i < frames.size(); i++) {
            if (!up.send(frames.get(i))) return i; // the channel closed: the next one gets a whole report
        }
        return frames.size();
    }
}
