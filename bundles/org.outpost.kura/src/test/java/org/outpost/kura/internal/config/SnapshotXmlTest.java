package org.outpost.kura.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class SnapshotXmlTest {

    private static KuraProperty one(KuraType type, Object value) {
        return KuraProperty.single(type, value);
    }

    private static KuraProperty many(KuraType type, Object... values) {
        return KuraProperty.array(type, List.of(values));
    }

    @Test
    void everyTypeAndArrayRoundTripsExactly() {
        Map<String, KuraProperty> properties = new LinkedHashMap<>();
        properties.put("string", one(KuraType.STRING, "  a <b> & \"c\" 'd' \r\n\ttabbed, comma \u00e9\u4e2d "));
        properties.put("empty.string", one(KuraType.STRING, ""));
        properties.put("long", one(KuraType.LONG, Long.MIN_VALUE));
        properties.put("double", one(KuraType.DOUBLE, 0.1 + 0.2));
        properties.put("double.tiny", one(KuraType.DOUBLE, Double.MIN_VALUE));
        properties.put("double.negative.zero", one(KuraType.DOUBLE, -0.0));
        properties.put("float", one(KuraType.FLOAT, 1.1f));
        properties.put("integer", one(KuraType.INTEGER, Integer.MAX_VALUE));
        properties.put("byte", one(KuraType.BYTE, (byte) -128));
        properties.put("char", one(KuraType.CHAR, '&'));
        properties.put("char.space", one(KuraType.CHAR, ' '));
        properties.put("boolean", one(KuraType.BOOLEAN, false));
        properties.put("short", one(KuraType.SHORT, (short) -32768));
        properties.put("strings", many(KuraType.STRING, "a,b", "", " c "));
        properties.put("longs", many(KuraType.LONG, 1L, -2L));
        properties.put("doubles", many(KuraType.DOUBLE, 1e300, -1.5));
        properties.put("floats", many(KuraType.FLOAT, 3.4028235e38f));
        properties.put("integers", many(KuraType.INTEGER, 1, 2, 3));
        properties.put("bytes", many(KuraType.BYTE, (byte) 1, (byte) 127));
        properties.put("chars", many(KuraType.CHAR, 'a', '<'));
        properties.put("booleans", many(KuraType.BOOLEAN, true, false));
        properties.put("shorts", many(KuraType.SHORT, (short) 5));
        properties.put("empty.array", many(KuraType.INTEGER));
        KuraComponent singleton = new KuraComponent("org.outpost.x", null, properties);
        KuraComponent factory = new KuraComponent("boiler-1", "org.outpost.device", Map.of("driver.pid", one(KuraType.STRING, "sim")));

        ParsedConfiguration read = SnapshotXml.read(SnapshotXml.write(List.of(singleton, factory)));

        assertEquals(List.of(), read.problems());
        assertEquals(2, read.components().size());
        KuraComponent back = read.components().get(0);
        assertEquals("org.outpost.x", back.pid());
        assertNull(back.factoryPid());
        assertEquals(properties.keySet().stream().sorted().toList(), List.copyOf(back.properties().keySet()));
        properties.forEach((key, value) -> assertEquals(value, back.properties().get(key), key));
        KuraComponent backFactory = read.components().get(1);
        assertEquals("boiler-1", backFactory.pid());
        assertEquals("org.outpost.device", backFactory.factoryPid());
        assertEquals(Map.of("driver.pid", one(KuraType.STRING, "sim")), backFactory.properties());
    }

    @Test
    void writesKurasLayoutAndNeverAPassword() {
        KuraComponent pump = new KuraComponent("org.outpost.test.pump", null, Map.of(
                "rate", one(KuraType.INTEGER, 5),
                "secret", one(KuraType.PASSWORD, "s3cret-value"),
                "ports", many(KuraType.INTEGER),
                "sensors", many(KuraType.STRING, "a", "b")));
        KuraComponent device = new KuraComponent("boiler-1", "org.outpost.device", Map.of("device.name", one(KuraType.STRING, "boiler-1")));

        String xml = SnapshotXml.write(List.of(pump, device));

        assertTrue(xml.contains("<esf:configurations xmlns:esf=\"http://eurotech.com/esf/2.0\" "
                + "xmlns:ocd=\"http://www.osgi.org/xmlns/metatype/v1.2.0\">"), xml);
        assertTrue(xml.contains("<esf:configuration pid=\"org.outpost.test.pump\">\n        <esf:properties>"), xml);
        assertTrue(xml.contains("<esf:property name=\"rate\" array=\"false\" encrypted=\"false\" type=\"Integer\">\n"
                + "                <esf:value>5</esf:value>\n            </esf:property>"), xml);
        assertTrue(xml.contains("<esf:property name=\"secret\" array=\"false\" encrypted=\"true\" type=\"Password\">\n"
                + "                <esf:value>placeholder</esf:value>"), xml);
        assertTrue(xml.contains("<esf:property name=\"ports\" array=\"true\" encrypted=\"false\" type=\"Integer\"></esf:property>"), xml);
        assertTrue(xml.contains("<esf:value>a</esf:value>\n                <esf:value>b</esf:value>"), xml);
        assertTrue(xml.contains("<esf:configuration pid=\"boiler-1\">\n        <esf:properties>\n"
                + "            <esf:property name=\"service.factoryPid\" array=\"false\" encrypted=\"false\" type=\"String\">\n"
                + "                <esf:value>org.outpost.device</esf:value>\n            </esf:property>\n"
                + "            <esf:property name=\"kura.service.pid\" array=\"false\" encrypted=\"false\" type=\"String\">\n"
                + "                <esf:value>boiler-1</esf:value>"), xml);
        assertFalse(xml.contains("s3cret"), xml);
    }

    @Test
    void readsAKuraWrittenSnapshotIgnoringFrameworkKeysAndDefinitions() {
        String kura = """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <!-- as Kura writes them -->
                <esf:configurations xmlns:ocd="http://www.osgi.org/xmlns/metatype/v1.2.0" xmlns:esf="http://eurotech.com/esf/2.0">
                    <esf:configuration pid="org.outpost.test.pump">
                        <ocd:OCD id="org.outpost.test.pump" name="ignored"/>
                        <esf:properties>
                            <esf:property name="enabled" array="false" encrypted="false" type="Boolean">
                                <esf:value>false</esf:value>
                            </esf:property>
                            <esf:property name="service.pid" array="false" encrypted="false" type="String">
                                <esf:value>org.outpost.test.pump</esf:value>
                            </esf:property>
                            <esf:property name="secret" array="false" encrypted="false" type="Password">
                                <esf:value>clear-text</esf:value>
                            </esf:property>
                        </esf:properties>
                    </esf:configuration>
                </esf:configurations>
                """;

        ParsedConfiguration read = SnapshotXml.read(kura);

        assertEquals(List.of(), read.problems());
        assertEquals(Map.of("enabled", one(KuraType.BOOLEAN, false), "secret", one(KuraType.PASSWORD, "clear-text")),
                read.components().get(0).properties());
    }

    @Test
    void refusesDoctypesSoNoExternalEntityIsRead(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT", StandardCharsets.UTF_8);
        String external = """
                <?xml version="1.0"?>
                <!DOCTYPE esf:configurations [ <!ENTITY leak SYSTEM "%s"> ]>
                <esf:configurations xmlns:esf="http://eurotech.com/esf/2.0">
                  <esf:configuration pid="org.outpost.x"><esf:properties>
                    <esf:property name="a" array="false" encrypted="false" type="String"><esf:value>&leak;</esf:value></esf:property>
                  </esf:properties></esf:configuration>
                </esf:configurations>
                """.formatted(secret.toUri());
        String laughs = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [ <!ENTITY lol "lol"> <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"> ]>
                <esf:configurations xmlns:esf="http://eurotech.com/esf/2.0">&lol2;</esf:configurations>
                """;

        for (String xml : List.of(external, laughs)) {
            OutpostException refused = assertThrows(OutpostException.class, () -> SnapshotXml.read(xml));
            assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
            assertTrue(refused.getMessage().contains("DOCTYPE"), refused.getMessage());
            assertFalse(refused.getMessage().contains("TOP-SECRET"), refused.getMessage());
        }
    }

    @Test
    void refusesWhatIsNotASnapshot() {
        OutpostException notXml = assertThrows(OutpostException.class, () -> SnapshotXml.read("{\"configs\": []}"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, notXml.code());
        assertTrue(notXml.getMessage().startsWith("not a Kura snapshot: line 1"), notXml.getMessage());

        OutpostException wrongRoot = assertThrows(OutpostException.class,
                () -> SnapshotXml.read("<configurations><configuration pid=\"a\"/></configurations>"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, wrongRoot.code());
        assertTrue(wrongRoot.getMessage().contains("not esf:configurations"), wrongRoot.getMessage());
    }

    @Test
    void namesEveryValueItCannotReadWithoutShowingSecrets() {
        String xml = """
                <esf:configurations xmlns:esf="http://eurotech.com/esf/2.0">
                  <esf:configuration pid="org.outpost.a"><esf:properties>
                    <esf:property name="count" array="false" encrypted="false" type="Integer"><esf:value>12x</esf:value></esf:property>
                    <esf:property name="flag" array="false" encrypted="false" type="Boolean"><esf:value>yes</esf:value></esf:property>
                    <esf:property name="letter" array="false" encrypted="false" type="Char"><esf:value>ab</esf:value></esf:property>
                    <esf:property name="when" array="false" encrypted="false" type="Date"><esf:value>now</esf:value></esf:property>
                    <esf:property name="list" array="true" encrypted="false" type="Long"><esf:value>1</esf:value><esf:value>two</esf:value></esf:property>
                    <esf:property name="single" array="false" encrypted="false" type="String"></esf:property>
                    <esf:property name="ok" array="false" encrypted="false" type="String"><esf:value>fine</esf:value></esf:property>
                  </esf:properties></esf:configuration>
                  <esf:configuration pid="org.outpost.b"><esf:properties>
                    <esf:property name="password" array="false" encrypted="true" type="Password"><esf:value>ENCRYPTED-BLOB</esf:value></esf:property>
                    <esf:property name="hidden" array="false" encrypted="true" type="String"><esf:value>x</esf:value></esf:property>
                  </esf:properties></esf:configuration>
                  <esf:configuration><esf:properties/></esf:configuration>
                </esf:configurations>
                """;

        ParsedConfiguration read = SnapshotXml.read(xml);

        List<String> problems = read.problems();
        assertEquals(9, problems.size(), problems.toString());
        assertTrue(problems.contains("org.outpost.a: count: '12x' is not an Integer"), problems.toString());
        assertTrue(problems.contains("org.outpost.a: flag: 'yes' is not true or false"), problems.toString());
        assertTrue(problems.contains("org.outpost.a: letter: 'ab' is not a single character"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("org.outpost.a: when: type 'Date' is not one of")), problems.toString());
        assertTrue(problems.contains("org.outpost.a: list: value 1: 'two' is not a Long"), problems.toString());
        assertTrue(problems.contains("org.outpost.a: single: a single value needs exactly one esf:value, not 0"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("org.outpost.b: password: an encrypted password cannot be read here")),
                problems.toString());
        assertTrue(problems.contains("org.outpost.b: hidden: only Password values can be encrypted"), problems.toString());
        assertTrue(problems.contains("configuration 3: no pid"), problems.toString());
        assertFalse(problems.toString().contains("ENCRYPTED-BLOB"));
        assertEquals(Map.of("ok", one(KuraType.STRING, "fine")), read.components().get(0).properties());
    }
}
