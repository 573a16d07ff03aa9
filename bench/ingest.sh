#!/usr/bin/env bash
# Ingest under a flood: a server, one real agent whose simulated devices each read at the
# per-device limit (20 channels every 100 ms), and 100 simulated agents sending heartbeats. Prints
# the server's RSS against its heap bound, the quiet agents' heartbeat p50/p99, readings accepted
# per second and the flooding node's excess (throttled, dropped, refused). See docs/performance.md.
#
#   bench/ingest.sh                                  # 100 agents, 25 flooding devices (5,000 readings/s), 60 s
#   bench/ingest.sh --agents 100 --flood-devices 10 --duration 60 --server-java-opts -Xmx96m
#   bench/ingest.sh --budget 500                     # the server's per-node budget (default 1000/s)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dist="$root/karaf-distribution/target"
if [ ! -f "$dist/assembly/bin/outpost" ] || [ ! -f "$dist/assembly/lib/launcher/outpost-launcher.jar" ]; then
    echo "bench: building the distribution (mvn -DskipTests install; takes a few minutes) ..." >&2
    (cd "$root" && mvn -B -q -DskipTests install)
fi
jar="$root/bench/target/outpost-bench-0.1.0.jar"
if [ ! -f "$jar" ] || [ ! -d "$root/bench/target/lib" ] \
        || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "bench: building bench/ ..." >&2
    (cd "$root" && mvn -B -q -f bench/pom.xml package)
fi
java_bin="java"
if [ -n "${JAVA_HOME:-}" ]; then
    java_bin="$JAVA_HOME/bin/java"
fi
exec "$java_bin" -Xmx256m -cp "$jar:$root/bench/target/lib/*" org.outpost.bench.IngestBench --root "$root" "$@"
