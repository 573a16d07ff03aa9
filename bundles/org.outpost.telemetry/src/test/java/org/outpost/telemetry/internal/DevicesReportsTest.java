package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.outpost.api.ServerLink;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DeviceStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A burst of changes makes one devices report; without a link none is made. */
class DevicesReportsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1);
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AtomicReference<ServerLink> link = new AtomicReference<>(new ServerLink() {
        @Override
        public String node() {
            return "gw-1";
        }

        @Override
        public boolean send(String message) {
            sent.add(message);
            return true;
        }

        @Override
        public boolean writable() {
            return true;
        }
    });
    private final DevicesReports reports = new DevicesReports(ticker, link::get,
            () -> json.createObjectNode().put("forwarded", 12),
            () -> List.of(new DeviceState(new Device("boiler", "fixed", Map.of(), List.of()), DeviceStatus.Connected, "", 0, 3, 0)),
            json, new DevicesReportSender(() -> 0));

    @Test
    void aBurstOfChangesMakesOneReportWithTheFieldsAndTheDevices() throws Exception {
        reports.queue();
        reports.queue();
        reports.queue();
        ticker.shutdown(); // runs what is scheduled, then ends
        assertTrue(ticker.awaitTermination(20, TimeUnit.SECONDS));

        assertEquals(1, sent.size(), sent.toString());
        JsonNode report = json.readTree(sent.get(0));
        assertEquals("devices", report.path("type").asText());
        assertEquals(12, report.path("forwarded").asLong());
        assertEquals("boiler", report.path("items").path(0).path("device").path("name").asText());
        assertEquals("Connected", report.path("items").path(0).path("status").asText());
    }

    @Test
    void aChangeAfterTheReportWentMakesAnotherAndNoLinkMeansNoReport() throws Exception {
        reports.queue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sent.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        reports.queue();
        link.set(null);
        reports.report();
        ticker.shutdown();
        assertTrue(ticker.awaitTermination(20, TimeUnit.SECONDS));
        assertEquals(1, sent.size(), "the second report found no link");

        reports.queue(); // a change while shutting down is dropped quietly
    }
}
