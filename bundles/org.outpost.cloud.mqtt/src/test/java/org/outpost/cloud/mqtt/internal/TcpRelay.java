package org.outpost.cloud.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay between a client and the broker. {@link #cut()} resets every relayed
 * connection at once: the broker sees the client vanish without DISCONNECT, as when the gateway
 * loses power or its network.
 */
final class TcpRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean refusing;
    /** While true, bytes from the broker wait in the relay: the client gets no PUBACK. */
    private boolean holdingReplies;

    TcpRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "test-relay-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Resets every open connection (RST on both sides); new connections are relayed again. */
    void cut() {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
        sockets.clear();
    }

    /** Cuts every connection and turns new ones away until {@link #resume()}: the broker is unreachable. */
    void pause() {
        refusing = true;
        cut();
    }

    void resume() {
        refusing = false;
    }

    /** The broker still receives everything, but its answers (PUBACKs) stay in the relay. */
    synchronized void holdReplies() {
        holdingReplies = true;
    }

    synchronized void releaseReplies() {
        holdingReplies = false;
        notifyAll();
    }

    private synchronized void awaitRepliesReleased() throws InterruptedException {
        while (holdingReplies) wait();
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket broker = new Socket();
                try {
                    broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                sockets.add(client);
                sockets.add(broker);
                pump(client, broker, false);
                pump(broker, client, true);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0;) {
                    if (replies) awaitRepliesReleased();
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // one side went away
            } finally {
                try {
                    to.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "test-relay-pump");
        thread.setDaemon(true);
        thread.start();
    }
}
