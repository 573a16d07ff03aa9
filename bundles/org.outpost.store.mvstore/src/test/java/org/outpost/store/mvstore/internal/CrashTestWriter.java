package org.outpost.store.mvstore.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link CrashRecoveryTest}: several threads put new keys as fast as they
 * can and print {@code acked <key>} after each put returns, until the process is killed.
 */
public final class CrashTestWriter {

    static final int THREADS = 4;

    private CrashTestWriter() {
    }

    public static void main(String[] args) {
        MVStoreKv store = MVStoreKv.open(Path.of(args[0]), MVStoreKv.Options.defaults());
        PrintStream out = System.out;
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            new Thread(() -> {
                for (int i = 0; ; i++) {
                    String key = "crash/" + thread + "/" + i;
                    store.put(key, valueOf(key));
                    synchronized (out) {
                        out.println("acked " + key);
                        out.flush();
                    }
                }
            }, "crash-writer-" + t).start();
        }
    }

    static byte[] valueOf(String key) {
        return ("value of " + key).getBytes(UTF_8);
    }
}
