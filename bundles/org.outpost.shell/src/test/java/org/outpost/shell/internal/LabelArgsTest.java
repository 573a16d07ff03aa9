package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelArgsTest {

    @Test
    void setsAndRemoves() {
        LabelArgs.Changes c = LabelArgs.parse(List.of("zone=north", "tier-", "example.com/gpu=true", "empty=",
                "a.b_c-d=V1.2_x-y"));
        assertEquals(Map.of("zone", "north", "example.com/gpu", "true", "empty", "", "a.b_c-d", "V1.2_x-y"),
                c.set());
        assertEquals(Set.of("tier"), c.remove());
    }

    @Test
    void acceptsLimits() {
        String name63 = "a".repeat(63);
        String prefix253 = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);
        assertEquals(253, prefix253.length());
        LabelArgs.Changes c = LabelArgs.parse(List.of(prefix253 + "/" + name63 + "=" + name63, "x=1", "x=1"));
        assertEquals(2, c.set().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"zone", "=v", "-", "", "zone=north=x"})
    void refusesArgumentsThatAreNeitherSetNorRemove(String arg) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of(arg)));
        assertTrue(e.getMessage().startsWith("invalid "), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "=v | invalid label key \"\": the name must not be empty",
        "example.com/=v | invalid label key \"example.com/\": the name must not be empty",
        "/x=v | invalid label key \"/x\": the prefix before '/' must be a DNS subdomain",
        "Example.com/x=v | invalid label key \"Example.com/x\": the prefix before '/' must be a DNS subdomain",
        "a_b.com/x=v | invalid label key \"a_b.com/x\": the prefix before '/' must be a DNS subdomain",
        "a/b/c=v | invalid label key \"a/b/c\": a key has at most one '/'",
        "-zone=v | invalid label key \"-zone\": the name must start and end with a letter or digit",
        "zone.=v | invalid label key \"zone.\": the name must start and end with a letter or digit",
        "zo ne=v | invalid label key \"zo ne\": the name must start and end with a letter or digit",
        "zo:ne=v | invalid label key \"zo:ne\": the name must start and end with a letter or digit",
        "zone=-north | invalid value \"-north\" for label zone: must be empty or start and end",
        "zone=north_ | invalid value \"north_\" for label zone: must be empty or start and end",
        "zone=a b | invalid value \"a b\" for label zone: must be empty or start and end",
        "zone=a/b | invalid value \"a/b\" for label zone: must be empty or start and end",
        "-zone- | invalid label key \"-zone\": the name must start and end with a letter or digit",
        "zone=north- | invalid value \"north-\" for label zone: must be empty or start and end"})
    void refusesEachBadKeyOrValue(String arg, String messageStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of(arg)));
        assertTrue(e.getMessage().startsWith(messageStart.strip()), e.getMessage());
    }

    @Test
    void refusesTooLongNamesPrefixesAndValues() {
        String name64 = "a".repeat(64);
        assertEquals("invalid label key \"" + name64 + "\": the name must be at most 63 characters",
                assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of(name64 + "=v"))).getMessage());
        assertEquals("invalid value \"" + name64 + "\" for label k: must be at most 63 characters",
                assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of("k=" + name64))).getMessage());
        String prefix254 = "a".repeat(254);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> LabelArgs.parse(List.of(prefix254 + "/k=v"))).getMessage().contains("at most 253 characters"));
    }

    @Test
    void refusesContradictions() {
        assertEquals("label zone is both set and removed", assertThrows(IllegalArgumentException.class,
                () -> LabelArgs.parse(List.of("zone=a", "zone-"))).getMessage());
        assertEquals("label zone is given twice with different values", assertThrows(IllegalArgumentException.class,
                () -> LabelArgs.parse(List.of("zone=a", "zone=b"))).getMessage());
    }

    @Test
    void refusesNoArguments() {
        assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of()));
        assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(null));
    }

    @Test
    void formatsSortedOrNone() {
        assertEquals("a=1,b=,z=9", LabelArgs.format(Map.of("z", "9", "a", "1", "b", "")));
        assertEquals("<none>", LabelArgs.format(Map.of()));
        assertEquals("<none>", LabelArgs.format(null));
    }

    @Test
    void aHugeValueIsRefusedWithoutBeingRepeated() {
        String huge = "x".repeat(600 * 1024);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelArgs.parse(List.of("notes=" + huge)));
        assertEquals("invalid value \"xxxxxxxxxxxxxxxxxxxx…\" (614400 characters) for label notes: must be at most 63 characters",
                e.getMessage());
    }
}
