package org.outpost.device.modbus.internal;

import java.util.Locale;

/** The four Modbus tables a channel can live in ({@code <channel>#memory.area}). */
enum MemoryArea {
    COILS(true, true, 2000),
    DISCRETE_INPUTS(true, false, 2000),
    INPUT_REGISTERS(false, false, 125),
    HOLDING_REGISTERS(false, true, 125);

    static final String NAMES = "COILS, DISCRETE_INPUTS, INPUT_REGISTERS, HOLDING_REGISTERS";

    private final boolean bits;
    private final boolean writable;
    private final int maxPerRequest;

    MemoryArea(boolean bits, boolean writable, int maxPerRequest) {
        this.bits = bits;
        this.writable = writable;
        this.maxPerRequest = maxPerRequest;
    }

    /** Whether the area holds single bits (coils, discrete inputs) rather than 16-bit registers. */
    boolean bits() {
        return bits;
    }

    boolean writable() {
        return writable;
    }

    /** The most addresses one read request may cover (Modbus application protocol, 6.1-6.4). */
    int maxPerRequest() {
        return maxPerRequest;
    }

    /** Plain words for messages: "holding registers". */
    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /**
     * The area named {@code text}, plural or singular, any case ({@code HOLDING_REGISTER},
     * {@code holding_registers}, {@code holding-register}); null when none matches.
     */
    static MemoryArea parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (MemoryArea area : values()) {
            if (area.name().equals(name) || area.name().equals(name + "S")) return area;
        }
        return null;
    }
}
