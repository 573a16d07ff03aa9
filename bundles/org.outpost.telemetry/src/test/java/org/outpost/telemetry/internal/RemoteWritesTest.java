package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.ServerLink;
import org.outpost.api.device.Reading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The server's writes are answered with the request's number and the written reading or the error. */
class RemoteWritesTest {

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> sent = new ArrayList<>();
    private final List<Runnable> queued = new ArrayList<>();
    private final Executor later = queued::add;
    private ServerLink link = new ServerLink() {
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
    };

    private final RemoteWrites writes = new RemoteWrites((device, channel, value) -> {
        if (!device.equals("valve")) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + device + " on this node");
        return Reading.good(device, channel, 7, Double.valueOf(value));
    }, () -> link, later, json);

    private JsonNode request(String device) throws Exception {
        return json.readTree("{\"type\":\"device-write\",\"request\":42,\"device\":\"" + device
                + "\",\"channel\":\"open\",\"value\":\"0.5\"}");
    }

    @Test
    void aWriteIsAnsweredWithTheReadingItMade() throws Exception {
        JsonNode reply = json.readTree(writes.answer(request("valve")));
        assertEquals("device-write-result", reply.path("type").asText());
        assertEquals(42, reply.path("request").asLong());
        assertEquals("open", reply.path("reading").path("channel").asText());
        assertEquals(0.5, reply.path("reading").path("value").asDouble());
        assertFalse(reply.has("error"));
    }

    @Test
    void aRefusedWriteIsAnsweredWithItsCodeAndMessage() throws Exception {
        JsonNode reply = json.readTree(writes.answer(request("pump")));
        assertEquals(42, reply.path("request").asLong());
        assertEquals(ErrorCode.NOT_FOUND.wireName(), reply.path("code").asText());
        assertEquals("no device pump on this node", reply.path("error").asText());
        assertFalse(reply.has("reading"));
    }

    @Test
    void theWriteRunsOnTheExecutorAndTheAnswerGoesToTheLinkThenUp() throws Exception {
        writes.requested(request("valve"));
        assertTrue(sent.isEmpty(), "nothing is done on the caller's thread");
        queued.remove(0).run();
        assertEquals(1, sent.size());

        writes.requested(request("valve"));
        link = null;
        queued.remove(0).run();
        assertEquals(1, sent.size(), "without a link the answer is dropped");
    }
}
