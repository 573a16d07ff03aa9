package org.outpost.node.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

final class NodeNames {
    private NodeNames() {
    }

    static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName().split("\\.")[0];
            return host.toLowerCase(Locale.ROOT).replaceAll("[^-a-z0-9]", "-");
        } catch (UnknownHostException e) {
            return "outpost";
        }
    }
}
