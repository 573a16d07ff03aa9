package org.outpost.cloud.mqtt.internal;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;

/**
 * The network interface and local address this node reaches the broker through, for the BIRTH's
 * {@code connection_interface} and {@code connection_ip}. Found by asking the kernel's routing
 * table (a connected UDP socket sends nothing), so the MQTT socket itself need not be reached.
 */
record BrokerRoute(String interfaceName, String localAddress) {

    static final BrokerRoute UNKNOWN = new BrokerRoute("", "");

    static BrokerRoute to(String brokerUrl) {
        try {
            URI uri = URI.create(brokerUrl);
            int port = uri.getPort() > 0 ? uri.getPort() : brokerUrl.startsWith("ssl://") ? 8883 : 1883;
            try (DatagramSocket probe = new DatagramSocket()) {
                probe.connect(new InetSocketAddress(uri.getHost(), port));
                InetAddress local = probe.getLocalAddress();
                NetworkInterface nic = NetworkInterface.getByInetAddress(local);
                return new BrokerRoute(nic == null ? "" : nic.getName(), local.getHostAddress());
            }
        } catch (Exception e) {
            return UNKNOWN; // unresolvable now; the connect attempt reports why
        }
    }
}
