package org.outpost.sample.ticker.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample workload {@code outpost demo} deploys as a BundleDeployment: it runs inside the
 * agent's own framework and logs the host's load average every 10 s, which shows in karaf.log.
 */
@Component(immediate = true, service = {})
public class Ticker {
    private static final Logger LOG = LoggerFactory.getLogger(Ticker.class);
    private ScheduledExecutorService timer;

    @Activate
    void activate() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outpost-sample-ticker");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, 10, TimeUnit.SECONDS);
        LOG.info("Sample workload started");
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        LOG.info("Sample workload stopped");
    }

    private void tick() {
        try {
            String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            LOG.info("Sample workload: load average {} {} {}", load[0], load[1], load[2]);
        } catch (IOException | RuntimeException e) {
            LOG.info("Sample workload: no load average here ({})", e.toString());
        }
    }
}
