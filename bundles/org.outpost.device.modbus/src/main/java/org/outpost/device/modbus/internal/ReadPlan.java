package org.outpost.device.modbus.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.outpost.api.device.Channel;

/**
 * The requests that read a list of channels: values of one table that touch or overlap share one
 * request (up to the protocol's limit per request); gaps are never read, as devices often refuse
 * addresses they do not have. Built once per channel list and reused while the list stays the same.
 */
final class ReadPlan {

    /** One read request and the channels (indexes into the list) it answers. */
    record Block(MemoryArea area, int start, int count, int[] members) {
    }

    private final List<Channel> channels;
    private final ChannelAddress[] addresses;
    private final String[] problems;
    private final List<Block> blocks;

    private ReadPlan(List<Channel> channels, ChannelAddress[] addresses, String[] problems, List<Block> blocks) {
        this.channels = channels;
        this.addresses = addresses;
        this.problems = problems;
        this.blocks = blocks;
    }

    static ReadPlan of(List<Channel> channels) {
        int size = channels.size();
        ChannelAddress[] addresses = new ChannelAddress[size];
        String[] problems = new String[size];
        // sort key: table, then address, then position in the list
        long[] order = new long[size];
        int valid = 0;
        List<String> found = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            found.clear();
            ChannelAddress address = ChannelAddress.parse(channels.get(i), found);
            if (address == null) {
                problems[i] = String.join("; ", found);
            } else {
                addresses[i] = address;
                order[valid++] = ((long) address.area().ordinal() << 40) | ((long) address.start() << 20) | i;
            }
        }
        Arrays.sort(order, 0, valid);

        List<Block> blocks = new ArrayList<>();
        int[] members = new int[valid];
        int memberCount = 0;
        MemoryArea area = null;
        int start = 0;
        int end = 0;
        for (int k = 0; k < valid; k++) {
            int index = (int) (order[k] & 0xFFFFF);
            ChannelAddress address = addresses[index];
            boolean joins = address.area() == area && address.start() <= end
                    && Math.max(end, address.end()) - start <= area.maxPerRequest();
            if (!joins) {
                if (memberCount > 0) blocks.add(new Block(area, start, end - start, Arrays.copyOf(members, memberCount)));
                memberCount = 0;
                area = address.area();
                start = address.start();
                end = address.end();
            }
            end = Math.max(end, address.end());
            members[memberCount++] = index;
        }
        if (memberCount > 0) blocks.add(new Block(area, start, end - start, Arrays.copyOf(members, memberCount)));
        return new ReadPlan(List.copyOf(channels), addresses, problems, List.copyOf(blocks));
    }

    /** Whether this plan was made for these channels. */
    boolean covers(List<Channel> others) {
        return channels.equals(others);
    }

    List<Block> blocks() {
        return blocks;
    }

    /** The address of the channel at {@code index}, or null when its keys are wrong. */
    ChannelAddress address(int index) {
        return addresses[index];
    }

    /** Why the channel at {@code index} cannot be read, or null. */
    String problem(int index) {
        return problems[index];
    }
}
