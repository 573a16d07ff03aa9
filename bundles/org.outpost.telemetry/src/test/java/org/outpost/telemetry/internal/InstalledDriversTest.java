package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.DriverInfo;

class InstalledDriversTest {

    private final InstalledDrivers drivers = new InstalledDrivers();

    @Test
    void theServicePropertyNamesTheTypeBeforeTheDriverDoes() {
        FixedDriver driver = new FixedDriver("fixed", 1);
        assertEquals("modbus", InstalledDrivers.type(driver, "modbus"));
        assertEquals("fixed", InstalledDrivers.type(driver, null));
    }

    @Test
    void listsTheInstalledDriversInOrderWithTheirBundles() {
        assertEquals("none", drivers.typesText());
        drivers.add("zeta", new FixedDriver("zeta", 1), "org.example.zeta 1.0.0");
        drivers.add("alpha", new FixedDriver("alpha", 2), "org.example.alpha 2.0.0");
        assertEquals("alpha, zeta", drivers.typesText());
        assertEquals(List.of(new DriverInfo("alpha", "reads 2.0", List.of(), "org.example.alpha 2.0.0"),
                new DriverInfo("zeta", "reads 1.0", List.of(), "org.example.zeta 1.0.0")), drivers.list());
    }

    @Test
    void aDriverThatWasReplacedCannotRemoveItsSuccessor() {
        FixedDriver old = new FixedDriver("fixed", 1);
        FixedDriver successor = new FixedDriver("fixed", 2);
        drivers.add("fixed", old, "a 1");
        drivers.add("fixed", successor, "a 2");
        assertFalse(drivers.remove("fixed", old));
        assertSame(successor, drivers.get("fixed"));
        assertTrue(drivers.remove("fixed", successor));
        assertNull(drivers.get("fixed"));
        assertEquals(List.of(), drivers.list());
    }
}
