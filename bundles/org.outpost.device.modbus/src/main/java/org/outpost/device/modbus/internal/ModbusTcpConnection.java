package org.outpost.device.modbus.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadCoilsRequest;
import com.ghgande.j2mod.modbus.msg.ReadCoilsResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputDiscretesRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputDiscretesResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.WriteCoilRequest;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;

/**
 * An open Modbus-TCP device. Reads group adjacent values into few requests; when the link fails,
 * every reading of that call is BAD with the reason, the link is closed, and later calls reconnect
 * after a back-off ({@link ReconnectBackoff}), reporting the wait meanwhile. A Modbus exception
 * (e.g. illegal data address) only fails the channels it concerns.
 *
 * <p>The caller never overlaps calls for one device; {@link #connected()} and {@link #close()} may
 * come from other threads.
 */
final class ModbusTcpConnection implements DeviceConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ModbusTcpConnection.class);

    private final Device device;
    private final ModbusTcpEndpoint endpoint;
    private final ModbusTcpLink link;
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    private final Consumer<ModbusTcpConnection> onClose;
    /** Register values of one block, reused across reads. */
    private final int[] words = new int[MemoryArea.HOLDING_REGISTERS.maxPerRequest()];
    private ReadPlan plan;
    private volatile boolean answering;
    private volatile boolean closed;

    ModbusTcpConnection(Device device, ModbusTcpEndpoint endpoint, Consumer<ModbusTcpConnection> onClose) {
        this.device = device;
        this.endpoint = endpoint;
        this.link = new ModbusTcpLink(endpoint);
        this.onClose = onClose;
    }

    /** Tries to connect now; a device that cannot be reached is tried again by later calls. */
    synchronized void start() {
        try {
            link.connect();
            answering = true;
            LOG.info("Device {}: connected to {} (unit {})", device.name(), endpoint.address(), endpoint.unitId());
        } catch (LinkFailure failure) {
            recordFailure(failure);
        }
    }

    @Override
    public synchronized List<Reading> read(List<Channel> channels) {
        if (plan == null || !plan.covers(channels)) plan = ReadPlan.of(channels);
        ReadPlan current = plan;
        Reading[] readings = new Reading[channels.size()];
        long timestamp = System.currentTimeMillis();
        for (int i = 0; i < readings.length; i++) {
            String problem = current.problem(i);
            if (problem != null) readings[i] = Reading.bad(device.name(), channels.get(i).name(), timestamp, problem);
        }
        if (current.blocks().isEmpty()) return Arrays.asList(readings);

        String unavailable = closed ? endpoint.address() + ": the connection is closed"
                : link.isOpen() ? null : backoff.waiting(System.nanoTime());
        if (unavailable == null) {
            try {
                for (ReadPlan.Block block : current.blocks()) readBlock(current, block, channels, readings);
                recordSuccess();
            } catch (LinkFailure failure) {
                recordFailure(failure);
                unavailable = failure.getMessage();
            }
        }
        if (unavailable != null) {
            timestamp = System.currentTimeMillis();
            for (ReadPlan.Block block : current.blocks()) {
                for (int index : block.members()) {
                    readings[index] = Reading.bad(device.name(), channels.get(index).name(), timestamp, unavailable);
                }
            }
        }
        return Arrays.asList(readings);
    }

    @Override
    public synchronized void write(Channel channel, Object rawValue) throws DeviceException {
        if (closed) throw new DeviceException(endpoint.address() + ": the connection is closed");
        List<String> problems = new ArrayList<>();
        ChannelAddress address = ChannelAddress.parse(channel, problems);
        if (address == null) throw new DeviceException(String.join("; ", problems));
        if (!address.area().writable()) {
            throw new DeviceException(channel.name() + ": " + address.describe() + " is read-only");
        }
        if (!channel.mode().writable()) {
            throw new DeviceException(channel.name() + ": the channel is " + channel.mode() + " only");
        }
        ModbusRequest request;
        try {
            request = writeRequest(address, rawValue);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(channel.name() + ": " + e.getMessage());
        }
        // a write is what a user asked for just now: it is tried even while reads back off
        try {
            transact(request);
            recordSuccess();
        } catch (LinkFailure failure) {
            recordFailure(failure);
            throw new DeviceException(failure.getMessage());
        } catch (DeviceRefusal refusal) {
            recordSuccess();
            throw new DeviceException(channel.name() + ": the device refused the write to " + address.describe() + ": "
                    + refusal.getMessage());
        }
    }

    @Override
    public boolean connected() {
        return answering && !closed;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        answering = false;
        // a read blocked on the socket holds the monitor: closing the socket first ends it at once
        link.abort();
        synchronized (this) {
            link.close();
        }
        onClose.accept(this);
        LOG.debug("Device {}: connection to {} closed", device.name(), endpoint.address());
    }

    private void readBlock(ReadPlan current, ReadPlan.Block block, List<Channel> channels, Reading[] readings)
            throws LinkFailure {
        try {
            ModbusResponse response = transact(readRequest(block.area(), block.start(), block.count()));
            decode(current, block.area(), block.start(), block.count(), response, block.members(), channels, readings);
        } catch (DeviceRefusal refusal) {
            if (block.members().length == 1) {
                refused(current, block.members()[0], channels, readings, refusal);
                return;
            }
            // one request for each channel, so that only the addresses the device refuses turn BAD
            int[] single = new int[1];
            for (int index : block.members()) {
                ChannelAddress address = current.address(index);
                single[0] = index;
                try {
                    ModbusResponse response = transact(readRequest(address.area(), address.start(), address.dataType().width()));
                    decode(current, address.area(), address.start(), address.dataType().width(), response, single, channels,
                            readings);
                } catch (DeviceRefusal alone) {
                    refused(current, index, channels, readings, alone);
                }
            }
        }
    }

    private void refused(ReadPlan current, int index, List<Channel> channels, Reading[] readings, DeviceRefusal refusal) {
        readings[index] = Reading.bad(device.name(), channels.get(index).name(), System.currentTimeMillis(),
                current.address(index).describe() + ": " + refusal.getMessage());
    }

    private void decode(ReadPlan current, MemoryArea area, int start, int count, ModbusResponse response, int[] members,
            List<Channel> channels, Reading[] readings) throws LinkFailure {
        long timestamp = System.currentTimeMillis();
        if (area.bits()) {
            byte[] bits = area == MemoryArea.COILS
                    ? ((ReadCoilsResponse) response).getCoils().getBytes()
                    : ((ReadInputDiscretesResponse) response).getDiscretes().getBytes();
            if (bits.length * 8 < count) throw shortAnswer(bits.length * 8, count, area);
            for (int index : members) {
                int offset = current.address(index).start() - start;
                boolean on = (bits[offset >> 3] & (1 << (offset & 7))) != 0;
                readings[index] = Reading.good(device.name(), channels.get(index).name(), timestamp, on);
            }
            return;
        }
        int answered;
        if (area == MemoryArea.HOLDING_REGISTERS) {
            ReadMultipleRegistersResponse registers = (ReadMultipleRegistersResponse) response;
            answered = registers.getWordCount();
            if (answered < count) throw shortAnswer(answered, count, area);
            for (int i = 0; i < count; i++) words[i] = registers.getRegisterValue(i);
        } else {
            ReadInputRegistersResponse registers = (ReadInputRegistersResponse) response;
            answered = registers.getWordCount();
            if (answered < count) throw shortAnswer(answered, count, area);
            for (int i = 0; i < count; i++) words[i] = registers.getRegisterValue(i);
        }
        for (int index : members) {
            ChannelAddress address = current.address(index);
            Object value = address.dataType().decode(words, address.start() - start, address.wordOrder());
            readings[index] = Reading.good(device.name(), channels.get(index).name(), timestamp, value);
        }
    }

    private LinkFailure shortAnswer(int answered, int asked, MemoryArea area) {
        link.close();
        return new LinkFailure(endpoint.address() + ": answered " + answered + " " + area.label() + " instead of " + asked, false);
    }

    /**
     * One exchange, connecting first when needed. A connection the device dropped while idle is
     * replaced once, right away, before the failure counts.
     */
    private ModbusResponse transact(ModbusRequest request) throws LinkFailure, DeviceRefusal {
        boolean reused = link.isOpen();
        if (!reused) link.connect();
        try {
            return link.execute(request);
        } catch (LinkFailure failure) {
            if (!reused || !failure.closedByDevice()) throw failure;
            link.connect();
            return link.execute(request);
        }
    }

    private void recordSuccess() {
        if (backoff.failing()) {
            LOG.info("Device {}: {} answers again", device.name(), endpoint.address());
        }
        backoff.succeeded();
        answering = true;
    }

    private void recordFailure(LinkFailure failure) {
        link.close();
        answering = false;
        if (closed) return;
        boolean first = !backoff.failing();
        backoff.failed(failure.getMessage(), System.nanoTime());
        if (first) {
            LOG.warn("Device {}: {}; retrying every few seconds", device.name(), failure.getMessage());
        } else {
            LOG.debug("Device {}: {}", device.name(), failure.getMessage());
        }
    }

    private static ModbusRequest readRequest(MemoryArea area, int start, int count) {
        return switch (area) {
            case COILS -> new ReadCoilsRequest(start, count);
            case DISCRETE_INPUTS -> new ReadInputDiscretesRequest(start, count);
            case INPUT_REGISTERS -> new ReadInputRegistersRequest(start, count);
            case HOLDING_REGISTERS -> new ReadMultipleRegistersRequest(start, count);
        };
    }

    private static ModbusRequest writeRequest(ChannelAddress address, Object rawValue) {
        if (address.area() == MemoryArea.COILS) return new WriteCoilRequest(address.start(), DataType.toBit(rawValue));
        int[] values = address.dataType().encode(rawValue, address.wordOrder());
        if (values.length == 1) return new WriteSingleRegisterRequest(address.start(), new SimpleRegister(values[0]));
        Register[] registers = new Register[values.length];
        for (int i = 0; i < values.length; i++) registers[i] = new SimpleRegister(values[i]);
        return new WriteMultipleRegistersRequest(address.start(), registers);
    }

    @Override
    public String toString() {
        return "modbus-tcp " + device.name() + " at " + endpoint.address();
    }
}
