package org.outpost.device.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonPathTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonNode doc = json("""
            {"a": {"b": [{"c": 1.5}, {"c": "two", "d.e": true}], "0": "field zero"},
             "list": [10, 20, [30, 31]], "empty": {}, "nothing": null}
            """);

    @Test
    void bracketAndDottedStylesReachTheSameValues() {
        assertEquals(1.5, select("$.a.b[0].c").doubleValue());
        assertEquals(1.5, select("a.b.0.c").doubleValue());
        assertEquals("two", select("$.a.b[1].c").textValue());
        assertEquals("two", select("a.b.1.c").textValue());
        assertEquals(31, select("$.list[2][1]").intValue());
        assertEquals(31, select("list.2.1").intValue());
        assertEquals(true, select("$.a.b[1]['d.e']").booleanValue());
        assertEquals(true, select("a.b.1[\"d.e\"]").booleanValue());
    }

    @Test
    void aDottedNumberNamesAFieldOfAnObject() {
        assertEquals("field zero", select("a.0").textValue());
        assertEquals("field zero", select("$.a['0']").textValue());
    }

    @Test
    void dollarAloneIsTheWholeDocument() {
        assertEquals(doc, select("$"));
        assertEquals(doc.get("list"), select("  $.list "));
    }

    @Test
    void missingStepsAreNamedWithWhereTheyWereLookedFor() {
        assertEquals("no .x at $.a (found an object)", missing("$.a.x"));
        assertEquals("no [5] at $.list (found an array of 3)", missing("$.list[5]"));
        assertEquals("no .c at $.a.b (found an array of 2)", missing("a.b.c"));
        assertEquals("no [0] at $.a (found an object)", missing("$.a[0]"));
        assertEquals("no .y at $.a.b[0].c (found a number)", missing("a.b.0.c.y"));
        assertEquals("no .x at $.empty (found an empty object)", missing("empty.x"));
        assertEquals("no .x at $.nothing (found null)", missing("nothing.x"));
    }

    @Test
    void badPathsAreRefusedWithTheReason() {
        assertEquals("is empty", invalid("  "));
        assertEquals("'$.a[0' has an unclosed '[' at position 4", invalid("$.a[0"));
        assertEquals("'a..b' has an empty or unreadable name at position 3", invalid("a..b"));
        assertEquals("'a.' has an empty or unreadable name at position 3", invalid("a."));
        assertEquals("'$a' needs '.' or '[' at position 2", invalid("$a"));
        assertEquals("'$.a[x]' has '[x]' at position 4; use an index like [0] or a quoted name like ['a.b']", invalid("$.a[x]"));
        assertEquals("'$.a[-1]' has '[-1]' at position 4; use an index like [0] or a quoted name like ['a.b']", invalid("$.a[-1]"));
    }

    private JsonNode select(String path) {
        return JsonPath.parse(path).select(doc);
    }

    private String missing(String path) {
        return assertThrows(IllegalArgumentException.class, () -> select(path)).getMessage();
    }

    private static String invalid(String path) {
        return assertThrows(IllegalArgumentException.class, () -> JsonPath.parse(path)).getMessage();
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
