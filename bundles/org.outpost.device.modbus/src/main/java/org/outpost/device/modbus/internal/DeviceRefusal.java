package org.outpost.device.modbus.internal;

/**
 * The device answered a request with a Modbus exception (e.g. illegal data address): the link is
 * fine, only this request failed.
 */
final class DeviceRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;

    DeviceRefusal(int code) {
        super(describe(code) + " (Modbus exception " + code + ")", null, false, false);
        this.code = code;
    }

    int code() {
        return code;
    }

    private static String describe(int code) {
        return switch (code) {
            case 1 -> "illegal function";
            case 2 -> "illegal data address";
            case 3 -> "illegal data value";
            case 4 -> "server device failure";
            case 5 -> "acknowledged, still processing";
            case 6 -> "server device busy";
            case 8 -> "memory parity error";
            case 10 -> "gateway path unavailable";
            case 11 -> "gateway target device failed to respond";
            default -> "exception";
        };
    }
}
