package org.outpost.device.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.device.linux.internal.LinuxDevices.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceException;

class LinuxDriverTest {

    private final LinuxDriver driver = new LinuxDriver();

    @Test
    void describesItselfAndRegistersAsTheLinuxDriver() throws IOException {
        assertEquals("linux", driver.type());
        assertEquals(List.of("source"), driver.channelArguments());
        String component;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("OSGI-INF/org.outpost.device.linux.internal.LinuxDriver.xml")) {
            if (in == null) throw new AssertionError("bnd did not generate the component description");
            component = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(component.contains("<property name=\"outpost.driver\" type=\"String\" value=\"linux\"/>"), component);
        assertTrue(component.contains("interface=\"org.outpost.api.device.DeviceDriver\""), component);
    }

    @Test
    void acceptsEverySourceName() {
        Device device = device("a=loadavg.1", "b=loadavg.5", "c=loadavg.15", "d=memory.total", "e=memory.available",
                "f=memory.used.percent", "g=uptime", "h=cpu.usage.percent", "i=disk.free", "i#path=/var",
                "j=disk.total", "k=disk.used.percent", "l=thermal.thermal_zone7", "m=hwmon.coretemp.temp1",
                "n=hwmon.nct6775.fan2", "o=hwmon.nct6775.in10", "p=hwmon.ina3221.curr1", "q=hwmon.amdgpu.power1",
                "r=hwmon.some.dotted.chip.temp3", "s=loadavg.1", "s#+value.type=STRING", "t=uptime",
                "t#+value.type=INTEGER", "u=memory.total", "u#+value.type=INTEGER", "u#+scale=0.000001");
        assertEquals(List.of(), driver.validate(device));
    }

    @Test
    void validateNamesEveryProblemByKey() {
        Device device = device("proc.root=proc", "sys.root=/sys",
                "a=loadavg.2",
                "b#+value.type=DOUBLE",
                "c=thermal.", "d=thermal.../etc",
                "e=hwmon.coretemp", "f=hwmon.coretemp.temperature1", "g=hwmon..temp1",
                "h=memory.total", "h#+value.type=INTEGER",
                "i=disk.free", "i#path=relative/dir",
                "j=uptime", "j#path=/", "j#colour=red",
                "k=uptime", "k#+type=READ_WRITE",
                "l=uptime", "l#+value.type=BOOLEAN");
        assertEquals(List.of(
                "proc.root: 'proc' is not an absolute path",
                "a#source: 'loadavg.2' is not a source (" + HostSources.NAMES + ")",
                "b#source: missing (e.g. loadavg.1, memory.used.percent, thermal.thermal_zone0)",
                "c#source: 'thermal.' does not name a thermal zone (e.g. thermal.thermal_zone0)",
                "d#source: 'thermal.../etc' does not name a thermal zone (e.g. thermal.thermal_zone0)",
                "e#source: 'hwmon.coretemp' does not name a hwmon sensor (hwmon.<chip>.<sensor>, e.g. hwmon.coretemp.temp1, "
                        + "hwmon.nct6775.fan1, hwmon.nct6775.in0)",
                "f#source: 'hwmon.coretemp.temperature1' does not name a hwmon sensor (hwmon.<chip>.<sensor>, "
                        + "e.g. hwmon.coretemp.temp1, hwmon.nct6775.fan1, hwmon.nct6775.in0)",
                "g#source: 'hwmon..temp1' does not name a hwmon sensor (hwmon.<chip>.<sensor>, e.g. hwmon.coretemp.temp1, "
                        + "hwmon.nct6775.fan1, hwmon.nct6775.in0)",
                "h#+value.type: memory.total is a byte count too large for INTEGER; use LONG or DOUBLE, or scale it",
                "i#path: 'relative/dir' is not an absolute path",
                "j#colour: unknown key for the linux driver (it takes source, path)",
                "j#path: only disk.* sources take a path",
                "k#+type: the linux driver only reads (READ), READ_WRITE is not possible",
                "l#+value.type: the linux driver gives numbers; use DOUBLE, FLOAT, LONG, INTEGER or STRING, not BOOLEAN"),
                driver.validate(device));
        DeviceException refused = assertThrows(DeviceException.class, () -> driver.open(device));
        assertTrue(refused.getMessage().contains("a#source: 'loadavg.2' is not a source"), refused.getMessage());
    }
}
