package org.outpost.device.modbus.internal;

import java.util.List;

import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.ValueType;

/**
 * Where a channel's value lives on the device, from the channel's driver keys: its table, first
 * address, layout and word order.
 */
record ChannelAddress(MemoryArea area, int start, DataType dataType, WordOrder wordOrder) {

    static final String MEMORY_AREA = "memory.area";
    static final String START_ADDRESS = "start.address";
    static final String DATA_TYPE = "data.type";
    static final String WORD_ORDER = "word.order";
    /** What {@code edge:device-add --channel NAME:AREA:ADDRESS:TYPE} fills, in that order. */
    static final List<String> ARGUMENTS = List.of(MEMORY_AREA, START_ADDRESS, DATA_TYPE);
    static final List<String> KEYS = List.of(MEMORY_AREA, START_ADDRESS, DATA_TYPE, WORD_ORDER);

    static final int LAST_ADDRESS = 0xFFFF;

    /** One past the last address the value takes. */
    int end() {
        return start + dataType.width();
    }

    /** "holding registers 10..11", "coil 3": for messages. */
    String describe() {
        String label = area.label();
        if (dataType.width() == 1) return label.substring(0, label.length() - 1) + " " + start;
        return label + " " + start + ".." + (end() - 1);
    }

    /**
     * The channel's address, or null after adding every problem found to {@code problems}, each
     * naming its key ({@code temp#start.address: ...}).
     */
    static ChannelAddress parse(Channel channel, List<String> problems) {
        int before = problems.size();
        String prefix = channel.name() + DeviceConfig.CHANNEL_SEPARATOR;
        for (String key : channel.driverConfig().keySet()) {
            if (!KEYS.contains(key)) {
                problems.add(prefix + key + ": unknown key; a Modbus channel has " + String.join(", ", KEYS));
            }
        }

        MemoryArea area = null;
        String areaText = channel.driverValue(MEMORY_AREA, null);
        if (areaText == null || areaText.isBlank()) {
            problems.add(prefix + MEMORY_AREA + ": missing; one of " + MemoryArea.NAMES);
        } else {
            area = MemoryArea.parse(areaText);
            if (area == null) problems.add(prefix + MEMORY_AREA + ": '" + areaText + "' is not one of " + MemoryArea.NAMES);
        }

        int start = -1;
        String startText = channel.driverValue(START_ADDRESS, null);
        if (startText == null || startText.isBlank()) {
            problems.add(prefix + START_ADDRESS + ": missing; an address 0.." + LAST_ADDRESS);
        } else {
            start = address(startText.trim());
            if (start < 0) {
                problems.add(prefix + START_ADDRESS + ": " + startText.trim() + " is not an address (0.." + LAST_ADDRESS + ")");
            }
        }

        DataType dataType = area == null ? null : DataType.defaultFor(area);
        String typeText = channel.driverValue(DATA_TYPE, null);
        if (typeText != null && !typeText.isBlank()) {
            dataType = DataType.parse(typeText);
            if (dataType == null) {
                problems.add(prefix + DATA_TYPE + ": '" + typeText + "' is not one of " + DataType.NAMES);
            } else if (area != null && !dataType.fits(area)) {
                String fitting = area.bits() ? "BOOLEAN" : "INT16, UINT16, INT32, UINT32, FLOAT32, INT64 or FLOAT64";
                problems.add(prefix + DATA_TYPE + ": " + dataType + " does not fit " + area.label() + "; use " + fitting);
                dataType = null;
            }
        }

        WordOrder wordOrder = WordOrder.BIG_ENDIAN;
        String orderText = channel.driverValue(WORD_ORDER, null);
        if (orderText != null && !orderText.isBlank()) {
            wordOrder = WordOrder.parse(orderText);
            if (wordOrder == null) problems.add(prefix + WORD_ORDER + ": '" + orderText + "' is not one of " + WordOrder.NAMES);
        }

        if (start >= 0 && dataType != null && start + dataType.width() - 1 > LAST_ADDRESS) {
            problems.add(prefix + START_ADDRESS + ": a " + dataType + " at " + start + " takes " + dataType.width()
                    + " registers and runs past the last address (" + LAST_ADDRESS + ")");
        }

        if (area != null && !area.writable() && channel.mode().writable()) {
            problems.add(prefix + DeviceConfig.CH_TYPE + ": " + area.label() + " are read-only; use READ");
        }
        ValueType valueType = channel.valueType();
        if (!valueType.numeric() && valueType != ValueType.BOOLEAN) {
            problems.add(prefix + DeviceConfig.CH_VALUE_TYPE + ": a Modbus channel cannot be " + valueType
                    + "; use BOOLEAN, INTEGER, LONG, FLOAT or DOUBLE");
        } else if (valueType == ValueType.INTEGER && !channel.scaled()
                && (dataType == DataType.UINT32 || dataType == DataType.INT64)) {
            problems.add(prefix + DeviceConfig.CH_VALUE_TYPE + ": INTEGER cannot hold every " + dataType + " value; use LONG");
        }

        if (problems.size() > before) return null;
        return new ChannelAddress(area, start, dataType, wordOrder);
    }

    /** 0..65535 from decimal or 0x-hexadecimal text; -1 otherwise. */
    private static int address(String text) {
        try {
            int value = text.startsWith("0x") || text.startsWith("0X")
                    ? Integer.parseInt(text.substring(2), 16)
                    : Integer.parseInt(text);
            return value >= 0 && value <= LAST_ADDRESS ? value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
