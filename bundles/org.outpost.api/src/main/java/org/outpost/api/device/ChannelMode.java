package org.outpost.api.device;

/** Whether a channel is read, written or both ({@code <channel>#+type} in Kura's layout). */
public enum ChannelMode {
    READ, WRITE, READ_WRITE;

    public boolean readable() {
        return this != WRITE;
    }

    public boolean writable() {
        return this != READ;
    }
}
