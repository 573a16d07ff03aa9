package org.outpost.kura.internal.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A download from a server that stalls or trickles on is given up: the watch closes the JDK
 * client's body, and the read blocked on it fails instead of holding its thread.
 */
class ProgressWatchTest {
    private ServerSocket listener;
    private Thread server;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        if (server != null) {
            server.interrupt();
            server.join(5000);
        }
    }

    @Test
    void aStalledDownloadIsClosedAndItsBlockedReadFails() throws Exception {
        DeploymentPackageService.ProgressWatch watch = new DeploymentPackageService.ProgressWatch(
                download(0), Duration.ofMillis(200), Duration.ofMinutes(30));
        assertEquals(3, watch.readNBytes(3).length, "the bytes that came are read");

        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return watch.read(new byte[8]); // nothing more comes
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        watch.check();
        assertNull(watch.abandoned(), "not yet idle for 200 ms");
        Thread.sleep(300);
        watch.check();

        assertEquals("no data for 0.2 s", watch.abandoned());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getCause() instanceof IOException, failed.toString());
    }

    @Test
    void aDownloadThatKeepsTricklingIsGivenUpAtTheTotalLimit() throws Exception {
        DeploymentPackageService.ProgressWatch watch = new DeploymentPackageService.ProgressWatch(
                download(50), Duration.ofSeconds(60), Duration.ofMillis(600));
        long started = System.nanoTime();
        while (watch.abandoned() == null && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10)) {
            assertTrue(watch.read(new byte[1]) > 0, "a byte every 50 ms: never idle");
            watch.check();
        }
        assertEquals("not finished within 0.6 s", watch.abandoned());
        assertThrows(IOException.class, () -> watch.read(new byte[8]));
    }

    /** GET from a server that answers 200, sends 3 bytes, then one byte every {@code trickleMillis} (never, if 0). */
    private InputStream download(long trickleMillis) throws Exception {
        server = new Thread(() -> {
            try (Socket socket = listener.accept()) {
                socket.getInputStream().read(new byte[4096]);
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (true) {
                    Thread.sleep(trickleMillis == 0 ? 60_000 : trickleMillis);
                    out.write('x');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        }, "stalling-server");
        server.start();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/p.dp")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
