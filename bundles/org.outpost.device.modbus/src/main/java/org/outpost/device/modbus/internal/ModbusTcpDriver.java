package org.outpost.device.modbus.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceException;

/**
 * The {@code modbus-tcp} driver: reads and writes coils, discrete inputs, input and holding
 * registers of Modbus-TCP devices.
 *
 * <pre>
 * host = 192.168.1.20   port = 502   unit.id = 1   timeout = 1s
 * temp#memory.area   = HOLDING_REGISTERS (or COILS, DISCRETE_INPUTS, INPUT_REGISTERS; singular too)
 * temp#start.address = 0                 (0..65535, zero-based as on the wire)
 * temp#data.type     = INT16             (BOOLEAN, INT16, UINT16, INT32, UINT32, FLOAT32, INT64, FLOAT64)
 * temp#word.order    = BIG_ENDIAN        (LITTLE_ENDIAN: low word first)
 * </pre>
 */
@Component(service = DeviceDriver.class, property = DeviceDriver.TYPE_PROPERTY + "=" + ModbusTcpDriver.TYPE)
public class ModbusTcpDriver implements DeviceDriver {

    static final String TYPE = "modbus-tcp";

    /** Open connections, closed when the driver goes away so no socket outlives the bundle. */
    private final Set<ModbusTcpConnection> connections = ConcurrentHashMap.newKeySet();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Modbus TCP: coils, discrete inputs, input and holding registers (16/32/64-bit integers, floats)";
    }

    @Override
    public List<String> channelArguments() {
        return ChannelAddress.ARGUMENTS;
    }

    @Override
    public List<String> deviceKeys() {
        return List.of(ModbusTcpEndpoint.HOST, ModbusTcpEndpoint.PORT, ModbusTcpEndpoint.UNIT_ID, ModbusTcpEndpoint.TIMEOUT);
    }

    @Override
    public List<String> validate(Device device) {
        List<String> problems = new ArrayList<>();
        ModbusTcpEndpoint.parse(device, problems);
        for (Channel channel : device.channels()) ChannelAddress.parse(channel, problems);
        return problems;
    }

    @Override
    public DeviceConnection open(Device device) throws DeviceException {
        List<String> problems = validate(device);
        if (!problems.isEmpty()) throw new DeviceException("device " + device.name() + ": " + String.join("; ", problems));
        ModbusTcpEndpoint endpoint = ModbusTcpEndpoint.parse(device, problems);
        ModbusTcpConnection connection = new ModbusTcpConnection(device, endpoint, connections::remove);
        connections.add(connection);
        connection.start();
        return connection;
    }

    @Deactivate
    void deactivate() {
        for (ModbusTcpConnection connection : List.copyOf(connections)) connection.close();
    }
}
