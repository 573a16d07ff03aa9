package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class StartLabelsTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void validLabelsAreTakenAsTheyAre() {
        ObjectNode labels = json.createObjectNode().put("site", "plant-a").put("example.com/gpu", "");
        StartLabels start = StartLabels.of(labels);
        assertEquals(Map.of("site", "plant-a", "example.com/gpu", ""), start.accepted());
        assertNull(start.warning());
        assertEquals(Map.of(), StartLabels.of(json.missingNode()).accepted(), "a hello without labels");
    }

    @Test
    void beyondSixtyFourTheFirstByKeyAreKept() {
        ObjectNode labels = json.createObjectNode();
        for (int i = 0; i < 70; i++) {
            labels.put(String.format("l%02d", i), "v");
        }
        labels.put("count", 3); // not text
        StartLabels start = StartLabels.of(labels);
        assertEquals(64, start.accepted().size());
        assertTrue(start.accepted().containsKey("l63") && !start.accepted().containsKey("l64"), start.accepted().toString());
        assertEquals(7, start.dropped().size());
        String warning = start.warning();
        assertTrue(warning.startsWith("7 start labels were not applied"), warning);
        assertTrue(warning.contains("label \"count\" has no text value"), warning);
        assertTrue(warning.endsWith("; and 2 more"), warning);
    }
}
