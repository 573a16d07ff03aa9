package org.outpost.device.modbus.internal;

import java.util.Locale;

/**
 * The order of the 16-bit words of a value that spans several registers
 * ({@code <channel>#word.order}). Bytes inside each register are always big-endian, as Modbus
 * sends them.
 */
enum WordOrder {
    /** The first register holds the most significant word (Modbus' own convention). */
    BIG_ENDIAN,
    /** The first register holds the least significant word ("word-swapped"). */
    LITTLE_ENDIAN;

    static final String NAMES = "BIG_ENDIAN, LITTLE_ENDIAN";

    /** The order named {@code text}, any case; null when none matches. */
    static WordOrder parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (WordOrder order : values()) {
            if (order.name().equals(name)) return order;
        }
        return null;
    }
}
