package org.outpost.packaging.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.outpost.packaging.dp.ManifestClauses.Clause;

class ManifestClausesTest {

    @Test
    void quotedRangesKeepTheirCommasAndDirectivesAreSeparateFromAttributes() {
        List<Clause> clauses = ManifestClauses.parse(
                "org.apache.karaf.features;resolution:=optional;version=\"[4.4,5)\",org.slf4j;version=\"[1.7,3)\",javax.management");
        assertEquals(3, clauses.size());
        assertEquals(List.of("org.apache.karaf.features"), clauses.get(0).paths());
        assertEquals("optional", clauses.get(0).directive("resolution"));
        assertEquals("[4.4,5)", clauses.get(0).attribute("version"));
        assertEquals("[1.7,3)", clauses.get(1).attribute("version"));
        assertTrue(clauses.get(2).attributes().isEmpty());
    }

    @Test
    void severalPathsShareOneClauseAndTypedAttributesAreKeyedByName() {
        List<Clause> clauses = ManifestClauses.parse(
                "a.b;c.d;version=1.2, osgi.extender;osgi.extender=\"osgi.component\";version:Version=\"1.5\";uses:=\"x,y\"");
        assertEquals(List.of("a.b", "c.d"), clauses.get(0).paths());
        assertEquals("1.2", clauses.get(0).attribute("version"));
        assertEquals("osgi.component", clauses.get(1).attribute("osgi.extender"));
        assertEquals("1.5", clauses.get(1).attribute("version"));
        assertEquals("x,y", clauses.get(1).directive("uses"));
    }

    @Test
    void filtersWithEqualsSignsAndEscapedQuotesSurvive() {
        List<Clause> clauses = ManifestClauses.parse(
                "osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=17))\",x;note=\"say \\\"hi\\\"\"");
        assertEquals("(&(osgi.ee=JavaSE)(version=17))", clauses.get(0).directive("filter"));
        assertEquals("say \"hi\"", clauses.get(1).attribute("note"));
    }

    @Test
    void absentHeaderHasNoClausesAndBrokenOnesAreNamed() {
        assertTrue(ManifestClauses.parse(null).isEmpty());
        assertTrue(ManifestClauses.parse("  ").isEmpty());
        IllegalArgumentException unbalanced = assertThrows(IllegalArgumentException.class,
                () -> ManifestClauses.parse("a;version=\"[1,2)"));
        assertTrue(unbalanced.getMessage().contains("unbalanced quotes"), unbalanced.getMessage());
        IllegalArgumentException pathAfterParameter = assertThrows(IllegalArgumentException.class,
                () -> ManifestClauses.parse("a;version=1;b"));
        assertTrue(pathAfterParameter.getMessage().contains("'b'"), pathAfterParameter.getMessage());
    }
}
