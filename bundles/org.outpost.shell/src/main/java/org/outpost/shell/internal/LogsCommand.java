package org.outpost.shell.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.workload.Instance;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.WorkloadLogs;
import org.outpost.workload.WorkloadRegistry;

@Command(scope = "edge", name = "logs", description = "Prints a workload's logs from its nodes.",
        detailedDescription = "Reads the log of every instance of a workload (or only those on --node) from the node"
                + " that runs it, through the server. Lines are prefixed with the instance when there are several."
                + " --follow keeps printing new lines until Ctrl-C. Runs on the server.")
@Service
public class LogsCommand extends EdgeAction {
    /** How long a node may take to start answering before the command gives up on it. */
    static final long FIRST_ANSWER_SECONDS = 30;

    @Argument(index = 0, name = "name", required = true, description = "The workload: NAME or NAMESPACE/NAME")
    String name;

    @Argument(index = 1, name = "OPTIONS", description = "options may also follow the argument", multiValued = true)
    List<String> trailing;

    @Option(name = "--node", description = "Only the instances on this node")
    String node;

    @Option(name = "-f", aliases = "--follow", description = "Keep printing new lines until Ctrl-C")
    boolean follow;

    @Option(name = "--tail", description = "Lines from the end of each log to start with (default: all)")
    String tail;

    @Reference(optional = true)
    WorkloadRegistry registry;

    @Reference(optional = true)
    WorkloadLogs logs;

    /** One queued event: a line to print, or the end of one instance's stream. */
    private record Event(String line, Instance ended, String error) {
    }

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + extra.get(0) + "'");
        }
        int tailLines = tailLines();
        WorkloadRegistry workloads = requireServer(registry, "workload");
        WorkloadLogs reader = requireServer(logs, "workload");
        StoredWorkload stored = WorkloadNames.find(workloads, name);
        List<Instance> instances = workloads.instances(stored.workload().namespace(), stored.workload().name()).stream()
                .filter(i -> node == null || i.assignment().node().equals(node))
                .sorted(java.util.Comparator.comparing((Instance i) -> i.assignment().node()).thenComparing(i -> i.assignment().instance()))
                .toList();
        if (instances.isEmpty()) {
            throw new IllegalArgumentException(WorkloadNames.describe(stored) + " has no instances"
                    + (node == null ? "" : " on node " + node) + " (see edge:workload " + name + ")");
        }
        boolean prefix = instances.size() > 1;
        if (!follow) {
            for (Instance instance : instances) {
                printOne(reader, instance, prefix, tailLines);
            }
            return;
        }
        java.io.PrintStream live = liveOut();
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        List<Closeable> streams = new ArrayList<>();
        try {
            int open = 0;
            for (Instance instance : instances) {
                String label = prefix ? "[" + instance.assignment().instance() + "@" + instance.assignment().node() + "] " : "";
                try {
                    streams.add(reader.stream(instance.assignment().node(), instance.assignment().id(), tailLines, true, new WorkloadLogs.Listener() {
                        @Override
                        public void line(String line) {
                            events.add(new Event(label + line, null, null));
                        }

                        @Override
                        public void ended(String error) {
                            events.add(new Event(null, instance, error));
                        }
                    }));
                    open++;
                } catch (RuntimeException e) {
                    live.println(label + "(" + e.getMessage() + ")");
                }
            }
            while (open > 0) {
                Event event = events.take(); // Ctrl-C interrupts the command thread
                if (event.line() != null) {
                    live.println(event.line());
                    live.flush();
                } else {
                    open--;
                    if (event.error() != null) {
                        live.println((prefix ? "[" + event.ended().assignment().instance() + "] " : "") + "(" + event.error() + ")");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Closeable stream : streams) {
                closeQuietly(stream);
            }
        }
    }

    private void printOne(WorkloadLogs reader, Instance instance, boolean prefix, int tailLines) throws Exception {
        String label = prefix ? "[" + instance.assignment().instance() + "@" + instance.assignment().node() + "] " : "";
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Closeable stream;
        try {
            stream = reader.stream(instance.assignment().node(), instance.assignment().id(), tailLines, false, new WorkloadLogs.Listener() {
                @Override
                public void line(String line) {
                    events.add(new Event(line, null, null));
                }

                @Override
                public void ended(String error) {
                    events.add(new Event(null, instance, error));
                }
            });
        } catch (RuntimeException e) {
            if (!prefix) {
                throw e;
            }
            out().println(label + "(" + e.getMessage() + ")");
            return;
        }
        try {
            while (true) {
                Event event = events.poll(FIRST_ANSWER_SECONDS, TimeUnit.SECONDS);
                if (event == null) {
                    throw new OutpostException(ErrorCode.UNAVAILABLE, "node " + instance.assignment().node() + " did not send the log of "
                            + instance.assignment().instance() + " within " + FIRST_ANSWER_SECONDS + " s");
                }
                if (event.line() != null) {
                    out().println(label + event.line());
                    continue;
                }
                if (event.error() != null) {
                    if (!prefix) {
                        throw new IllegalArgumentException(event.error());
                    }
                    out().println(label + "(" + event.error() + ")");
                }
                return;
            }
        } finally {
            closeQuietly(stream);
        }
    }

    private int tailLines() {
        if (tail == null) {
            return -1;
        }
        try {
            int lines = Integer.parseInt(tail.trim());
            if (lines >= 0) {
                return lines;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--tail must be a whole number of lines, 0 or more, got '" + tail + "'");
    }

    private static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // the stream is gone either way
        }
    }
}
