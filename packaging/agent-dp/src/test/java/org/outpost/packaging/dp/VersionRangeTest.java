package org.outpost.packaging.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionRangeTest {

    @Test
    void halfOpenRangeTakesTheFloorAndStopsBeforeTheCeiling() {
        VersionRange range = VersionRange.parse("[1.7,2)");
        assertTrue(range.includes(OsgiVersion.parse("1.7.0")));
        assertTrue(range.includes(OsgiVersion.parse("1.7.36")));
        assertFalse(range.includes(OsgiVersion.parse("2.0.0")));
        assertFalse(range.includes(OsgiVersion.parse("1.6.99")));
        assertTrue(VersionRange.parse("(1,2]").includes(OsgiVersion.parse("2")));
        assertFalse(VersionRange.parse("(1,2]").includes(OsgiVersion.parse("1")));
    }

    @Test
    void bareVersionMeansThatOneOrLaterAndNoneMeansAny() {
        assertTrue(VersionRange.parse("1.2").includes(OsgiVersion.parse("7")));
        assertFalse(VersionRange.parse("1.2").includes(OsgiVersion.parse("1.1.9")));
        assertTrue(VersionRange.parse(null).includes(OsgiVersion.ZERO));
    }

    @Test
    void qualifiersSortAfterTheBareVersion() {
        assertTrue(OsgiVersion.parse("4.1.137.Final").compareTo(OsgiVersion.parse("4.1.137")) > 0);
        assertTrue(VersionRange.parse("[4.1,5)").includes(OsgiVersion.parse("4.1.137.Final")));
    }

    @Test
    void mavenVersionsBecomeOsgiVersions() {
        assertEquals("0.1.0", OsgiVersion.fromMaven("0.1.0").toString());
        assertEquals("1.2.0.SNAPSHOT", OsgiVersion.fromMaven("1.2-SNAPSHOT").toString());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> OsgiVersion.parse("1.x"));
        assertTrue(bad.getMessage().contains("'1.x'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VersionRange.parse("[1,2"));
    }
}
