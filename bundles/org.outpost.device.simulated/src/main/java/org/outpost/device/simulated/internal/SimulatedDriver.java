package org.outpost.device.simulated.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceException;

/**
 * Devices that exist only in software: deterministic sine, ramp, step, random and constant signals
 * for demos and tests, with writable channels that echo what was written.
 */
@Component(service = DeviceDriver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = DeviceDriver.TYPE_PROPERTY + "=" + SimulatedDriver.TYPE)
public class SimulatedDriver implements DeviceDriver {

    static final String TYPE = "simulated";
    static final String SEED = "seed";
    static final long DEFAULT_SEED = 42;

    private final Clock clock;

    public SimulatedDriver() {
        this(Clock.systemUTC());
    }

    /** A driver whose signals follow {@code clock} (tests pass one they control). */
    SimulatedDriver(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Simulated signals (sine, ramp, random, step, constant) for demos and tests";
    }

    @Override
    public List<String> channelArguments() {
        return List.of(SignalSettings.SIGNAL);
    }

    @Override
    public List<String> deviceKeys() {
        return List.of(SEED);
    }

    @Override
    public List<String> validate(Device device) {
        List<String> problems = new ArrayList<>();
        seed(device, problems);
        for (Channel channel : device.channels()) {
            SignalSettings.parse(channel, problems);
        }
        return problems;
    }

    @Override
    public DeviceConnection open(Device device) throws DeviceException {
        List<String> problems = validate(device);
        if (!problems.isEmpty()) {
            throw new DeviceException("device " + device.name() + ": " + String.join("; ", problems));
        }
        return new SimulatedConnection(device, seed(device, problems), clock);
    }

    private static long seed(Device device, List<String> problems) {
        String text = device.value(SEED, null);
        if (text == null) return DEFAULT_SEED;
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            problems.add(SEED + ": '" + text + "' is not a whole number");
            return DEFAULT_SEED;
        }
    }
}
