package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DeviceStatus;
import org.outpost.api.device.ValueType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A node at its device limits reports in frames the server takes; a small report stays one frame as before. */
class DevicesReportFramesTest {
    private final ObjectMapper json = new ObjectMapper();

    /** A Modbus-like device with the most channels a node allows, each with the driver keys such a channel has. */
    private static Device device(int index, int channels) {
        List<Channel> list = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            list.add(new Channel(String.format("register-%03d", c), ChannelMode.READ_WRITE, ValueType.DOUBLE, 0.1, -40, "°C", 5_000,
                    false, true, Map.of("memory.area", "HOLDING_REGISTER", "address", String.valueOf(40_001 + c),
                            "data.type", "FLOAT32", "byte.order", "BIG_ENDIAN")));
        }
        return new Device(String.format("plc-%03d", index), "modbus-tcp",
                Map.of("host", "192.0.2." + (index % 250), "port", "502", "unit.id", "1", "timeout", "2000"), list);
    }

    private String fields() {
        ObjectNode fields = json.createObjectNode();
        fields.putArray("drivers").addObject().put("type", "modbus-tcp");
        fields.putArray("rules");
        fields.putObject("outbox").put("depth", 12);
        fields.put("forwarded", 1_000);
        String text = fields.toString();
        return text.substring(1, text.length() - 1);
    }

    @Test
    void aNodeAtItsLimitsReportsInChunksUnderHalfAMebibyteThatMakeUpTheWholeReport() throws Exception {
        List<String> items = new ArrayList<>();
        long deviceBytes = 0;
        for (int d = 0; d < DeviceLimits.DEFAULT_DEVICES_PER_NODE; d++) {
            Device device = device(d, DeviceLimits.DEFAULT_CHANNELS_PER_DEVICE);
            long bytes = DeviceLimits.jsonBytes(device);
            assertTrue(bytes <= DeviceLimits.MAX_DEVICE_JSON_BYTES, "a device the limits allow: " + bytes);
            assertTrue(DeviceLimits.defaults().problems(device, d).isEmpty(), DeviceLimits.defaults().problems(device, d).toString());
            deviceBytes = bytes;
            items.add(json.valueToTree(new DeviceState(device, DeviceStatus.Connected, "", 1_700_000_000_000L, d, 0)).toString());
        }

        List<String> frames = DevicesReportFrames.of(42, fields(), items, DevicesReportFrames.MAX_FRAME_BYTES);

        long total = frames.stream().mapToLong(f -> f.getBytes(StandardCharsets.UTF_8).length).sum();
        System.out.printf("256 devices x 256 channels: %,d bytes a device, %,d bytes in all, %d frames%n", deviceBytes, total,
                frames.size());
        assertTrue(frames.size() > 1, "far more than one frame's worth");
        assertTrue(frames.size() <= DevicesReportFrames.MAX_CHUNKS, "within what a server takes: " + frames.size());
        List<JsonNode> received = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            String frame = frames.get(i);
            assertTrue(frame.getBytes(StandardCharsets.UTF_8).length < DevicesReportFrames.MAX_FRAME_BYTES,
                    "frame " + i + " is under 512 KiB: " + frame.length());
            JsonNode chunk = json.readTree(frame);
            assertEquals("devices", chunk.path("type").asText());
            assertEquals(42, chunk.path("report").asLong(), "one report number for all chunks");
            assertEquals(i, chunk.path("chunk").asInt(), "chunks in order");
            assertEquals(frames.size(), chunk.path("chunks").asInt());
            assertEquals(i == 0, chunk.has("drivers") && chunk.has("outbox") && chunk.has("forwarded"),
                    "the other fields go in chunk 0 only: " + i);
            chunk.path("items").forEach(received::add);
        }
        List<JsonNode> sent = new ArrayList<>();
        for (String item : items) sent.add(json.readTree(item));
        assertEquals(sent, received, "every device, once, in order, unchanged");
        assertEquals(12, json.readTree(frames.get(0)).path("outbox").path("depth").asInt());
    }

    @Test
    void aReportThatFitsIsOneFrameWithoutChunkFieldsAsBefore() throws Exception {
        List<String> items = List.of(json.valueToTree(new DeviceState(device(1, 3), DeviceStatus.Connected, "", 5, 10, 0)).toString());

        List<String> frames = DevicesReportFrames.of(7, fields(), items, DevicesReportFrames.MAX_FRAME_BYTES);

        assertEquals(1, frames.size());
        JsonNode whole = json.readTree(frames.get(0));
        assertEquals("devices", whole.path("type").asText());
        assertFalse(whole.has("report") || whole.has("chunk") || whole.has("chunks"), whole.toString());
        assertEquals("plc-001", whole.path("items").get(0).path("device").path("name").asText());
        assertEquals(1_000, whole.path("forwarded").asInt());
        assertEquals(0, DevicesReportFrames.of(8, "", List.of(), 1024).size() - 1, "no devices: one frame still");
        assertEquals("{\"type\":\"devices\",\"items\":[]}", DevicesReportFrames.of(8, "", List.of(), 1024).get(0));
    }

    @Test
    void devicesAtTheSizeLimitOnANodeAtItsDeviceLimitFitInTheChunksAServerTakes() throws Exception {
        List<String> items = new ArrayList<>();
        for (int d = 0; d < DeviceLimits.DEFAULT_DEVICES_PER_NODE; d++) {
            Device bare = new Device(String.format("big-%03d", d), "modbus-tcp", Map.of(), List.of());
            int room = DeviceLimits.MAX_DEVICE_JSON_BYTES - (int) DeviceLimits.jsonBytes(bare) - 32;
            Device big = new Device(bare.name(), bare.driver(), Map.of("asset.desc", "x".repeat(room)), List.of());
            assertTrue(DeviceLimits.MAX_DEVICE_JSON_BYTES - DeviceLimits.jsonBytes(big) < 64, "at the limit");
            assertTrue(DeviceLimits.defaults().problems(big, 0).isEmpty(), DeviceLimits.defaults().problems(big, 0).toString());
            items.add(json.valueToTree(new DeviceState(big, DeviceStatus.Error, "connection refused (192.0.2.1:502)",
                    1_700_000_000_000L, 123_456_789, 1_234)).toString());
        }

        List<String> frames = DevicesReportFrames.of(Long.MAX_VALUE, fields(), items, DevicesReportFrames.MAX_FRAME_BYTES);

        System.out.printf("256 devices of 96 KiB: %d frames%n", frames.size());
        assertTrue(frames.size() <= DevicesReportFrames.MAX_CHUNKS, frames.size() + " frames");
        for (String frame : frames) assertTrue(frame.getBytes(StandardCharsets.UTF_8).length < DevicesReportFrames.MAX_FRAME_BYTES);
    }
}
