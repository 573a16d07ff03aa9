package org.outpost.telemetry.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DriverInfo;

/** The device drivers installed now (the driver whiteboard), by type, with the bundle that brought each. */
final class InstalledDrivers {

    private final Map<String, DeviceDriver> drivers = new ConcurrentHashMap<>();
    private final Map<String, String> bundles = new ConcurrentHashMap<>();

    /** A driver's type: its service's {@link DeviceDriver#TYPE_PROPERTY} when it has one, else what it says. */
    static String type(DeviceDriver driver, Object typeProperty) {
        return typeProperty == null ? driver.type() : String.valueOf(typeProperty);
    }

    /** @param bundle the bundle that registered it, as {@code symbolic-name version} */
    void add(String type, DeviceDriver driver, String bundle) {
        drivers.put(type, driver);
        bundles.put(type, bundle);
    }

    /** @return false when {@code driver} is not (any longer) the one installed for its type */
    boolean remove(String type, DeviceDriver driver) {
        if (!drivers.remove(type, driver)) return false;
        bundles.remove(type);
        return true;
    }

    /** @return null when no driver of that type is installed */
    DeviceDriver get(String type) {
        return drivers.get(type);
    }

    /** The installed types for a sentence: {@code a, b} in order, or {@code none}. */
    String typesText() {
        return drivers.isEmpty() ? "none" : String.join(", ", new TreeSet<>(drivers.keySet()));
    }

    List<DriverInfo> list() {
        List<DriverInfo> list = new ArrayList<>();
        drivers.forEach((type, driver) -> list.add(new DriverInfo(type, driver.description(), driver.channelArguments(),
                bundles.getOrDefault(type, ""))));
        list.sort(Comparator.comparing(DriverInfo::type));
        return list;
    }
}
