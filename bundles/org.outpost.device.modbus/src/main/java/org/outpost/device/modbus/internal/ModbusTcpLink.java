package org.outpost.device.modbus.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import com.ghgande.j2mod.modbus.msg.ExceptionResponse;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;

/**
 * One TCP connection to one device and the request/response exchange on it (j2mod frames the
 * messages). Transaction ids are this link's own, so devices never share state. Not thread-safe:
 * its connection calls it one request at a time.
 */
final class ModbusTcpLink {

    private final ModbusTcpEndpoint endpoint;
    /** Volatile for {@link #abort()}, which may come from another thread. */
    private volatile Socket socket;
    private ModbusTCPTransport transport;
    private int lastTransactionId;

    ModbusTcpLink(ModbusTcpEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    boolean isOpen() {
        return transport != null;
    }

    /** Opens a fresh connection, closing any old one; waits at most the device's timeout to connect. */
    void connect() throws LinkFailure {
        close();
        Socket candidate = new Socket();
        socket = candidate; // so that abort() can end a slow connect
        try {
            InetAddress address = InetAddress.getByName(endpoint.host());
            candidate.setTcpNoDelay(true);
            candidate.setKeepAlive(true);
            candidate.connect(new InetSocketAddress(address, endpoint.port()), endpoint.timeoutMillis());
            candidate.setSoTimeout(endpoint.timeoutMillis());
            ModbusTCPTransport opened = new ModbusTCPTransport(candidate);
            opened.setTimeout(endpoint.timeoutMillis());
            transport = opened;
        } catch (IOException | RuntimeException e) {
            socket = null;
            closeQuietly(candidate);
            throw failure(connectFailure(e), false);
        }
    }

    /**
     * Sends one request to the device's unit and waits for its answer.
     *
     * @throws LinkFailure when the exchange failed; the link is closed then
     * @throws DeviceRefusal when the device answered with a Modbus exception; the link stays open
     */
    ModbusResponse execute(ModbusRequest request) throws LinkFailure, DeviceRefusal {
        if (transport == null) throw failure("not connected", false);
        lastTransactionId = (lastTransactionId + 1) & 0xFFFF;
        request.setUnitID(endpoint.unitId());
        request.setTransactionID(lastTransactionId);
        ModbusResponse response;
        try {
            transport.writeRequest(request);
            response = transport.readResponse();
        } catch (ModbusIOException e) {
            close();
            throw classify(e);
        } catch (RuntimeException e) {
            close();
            throw failure("garbled answer (" + e.getClass().getSimpleName() + ")", false);
        }
        if (response.getTransactionID() != lastTransactionId) {
            close();
            throw failure("answered transaction " + response.getTransactionID() + " instead of " + lastTransactionId, false);
        }
        if (response instanceof ExceptionResponse refusal) throw new DeviceRefusal(refusal.getExceptionCode());
        if (response.getFunctionCode() != request.getFunctionCode()) {
            close();
            throw failure("answered function " + response.getFunctionCode() + " to function " + request.getFunctionCode(), false);
        }
        return response;
    }

    /**
     * Closes the socket under a request in progress on another thread, which then fails at once;
     * that thread's {@link #close()} releases the rest. Never throws.
     */
    void abort() {
        Socket open = socket;
        if (open != null) closeQuietly(open);
    }

    /** Closes the connection; never throws. */
    void close() {
        ModbusTCPTransport open = transport;
        Socket openSocket = socket;
        transport = null;
        socket = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException | RuntimeException e) {
                // the socket is closed below either way
            }
        }
        if (openSocket != null) closeQuietly(openSocket);
    }

    /** j2mod keeps only the text of I/O errors, so the kind of failure is read from it. */
    private LinkFailure classify(ModbusIOException e) {
        String text = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (text.contains("timeout") || text.contains("timed out")) {
            return failure("no answer within " + endpoint.timeoutMillis() + "ms", false);
        }
        if (text.contains("reset")) return failure("connection reset by the device", true);
        if (text.contains("end of stream") || text.contains("end of file") || text.contains("broken pipe")
                || text.contains("socket closed")) {
            return failure("the device closed the connection", true);
        }
        int detail = text.lastIndexOf(" - ");
        return failure(detail >= 0 ? text.substring(detail + 3) : text, false);
    }

    private String connectFailure(Exception e) {
        if (e instanceof UnknownHostException) return "unknown host";
        if (e instanceof SocketTimeoutException) return "no answer to connect within " + endpoint.timeoutMillis() + "ms";
        if (e instanceof ConnectException) return lowerCase(e.getMessage(), "connection refused");
        return lowerCase(e.getMessage(), e.getClass().getSimpleName());
    }

    private LinkFailure failure(String what, boolean closedByDevice) {
        return new LinkFailure(endpoint.address() + ": " + what, closedByDevice);
    }

    private static String lowerCase(String message, String fallback) {
        if (message == null || message.isBlank()) return fallback;
        // "Connection refused (Connection refused)" on some JDKs
        int paren = message.indexOf(" (");
        String text = paren > 0 ? message.substring(0, paren) : message;
        return Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
