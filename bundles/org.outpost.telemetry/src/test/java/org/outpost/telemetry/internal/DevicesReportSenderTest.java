package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.outpost.api.ServerLink;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Reports go out whole or in chunks of one report each; what a server would refuse is not sent. */
class DevicesReportSenderTest {
    private final ObjectMapper json = new ObjectMapper();

    /** A link that keeps what is sent. */
    private static final class Link implements ServerLink {
        final List<String> sent = new ArrayList<>();
        boolean writable = true;

        @Override
        public String node() {
            return "gw-1";
        }

        @Override
        public boolean send(String frame) {
            sent.add(frame);
            return true;
        }

        @Override
        public boolean writable() {
            return writable;
        }
    }

    private static List<String> devices(int count, int bytes) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add("{\"device\":{\"name\":\"d" + i + "\",\"driver\":\"simulated\",\"config\":{\"asset.desc\":\"" + "x".repeat(bytes)
                    + "\"},\"channels\":[]},\"status\":\"Connected\"}");
        }
        return items;
    }

    @Test
    void eachLongReportHasItsOwnNumberAndAWholeReportIsOneFrame() throws Exception {
        Link link = new Link();
        DevicesReportSender sender = new DevicesReportSender(() -> 0);

        assertEquals(1, sender.send(link, "\"forwarded\":1", devices(3, 10)));
        assertEquals(3, sender.send(link, "\"forwarded\":2", devices(5, 200 * 1024)));
        assertEquals(3, sender.send(link, "\"forwarded\":3", devices(5, 200 * 1024)));

        assertEquals(7, link.sent.size());
        assertTrue(!json.readTree(link.sent.get(0)).has("report"), link.sent.get(0).substring(0, 60));
        long first = json.readTree(link.sent.get(1)).path("report").asLong();
        long second = json.readTree(link.sent.get(4)).path("report").asLong();
        assertEquals(first, json.readTree(link.sent.get(3)).path("report").asLong());
        assertTrue(second > first, first + " then " + second);
    }

    @Test
    void aLongReportWaitsForTheLinkToDrainAndOneThatNeedsTooManyFramesIsNotSent() {
        Link link = new Link();
        DevicesReportSender sender = new DevicesReportSender(() -> 0);
        link.writable = false;

        assertEquals(0, sender.send(link, "", devices(5, 200 * 1024)), "the link still holds the last long one");
        assertEquals(1, sender.send(link, "", devices(1, 10)), "a short report goes as before");
        link.writable = true;
        assertEquals(0, sender.send(link, "", devices(DevicesReportFrames.MAX_CHUNKS + 1, 300 * 1024)),
                "more frames than a server takes would only get the channel closed");
        assertEquals(1, link.sent.size());
    }
}
