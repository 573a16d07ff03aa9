#!/usr/bin/env bash
# Cloud uplink figures against a local Mosquitto the bench starts (and kills) itself: sustained
# QoS 1 publish rate of the real uplink draining a pre-filled real file outbox, and reading ->
# broker latency (p50/p99/max) at a steady append rate. Medians of RUNS runs; about a minute.
#
#   bench/cloud.sh                                  # 3 runs, 150,000 messages, 1,000 readings/s for 10 s
#   bench/cloud.sh --runs 5 --messages 300000
#   bench/cloud.sh --rate 2000 --seconds 5
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/outpost-bench-0.1.0.jar"
if [ ! -f "$jar" ] || [ ! -d "$root/bench/target/lib" ] \
        || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "bench: building (mvn -DskipTests install of the bundles bench/ needs, then bench/) ..." >&2
    (cd "$root" && mvn -B -q -DskipTests install -pl bench -am)
    (cd "$root" && mvn -B -q -f bench/pom.xml package)
fi
java_bin="java"
if [ -n "${JAVA_HOME:-}" ]; then
    java_bin="$JAVA_HOME/bin/java"
fi
exec "$java_bin" -Xmx512m -cp "$jar:$root/bench/target/lib/*" org.outpost.bench.CloudBench \
    --dir "$root/bench/target/cloud-work" "$@"
