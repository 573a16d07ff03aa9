#!/usr/bin/env bash
# Scheduler throughput: the real scheduler (planner + compare-and-set bindings) on the real
# embedded store with simulated Ready nodes; one replica per node, medians of RUNS runs.
#
#   bench/scheduler.sh                 # 1000 and 5000 nodes, 5 runs each
#   bench/scheduler.sh 1000,5000,10000 3
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/outpost-bench-0.1.0.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "bench: building (mvn -DskipTests install of the bundles bench/ needs, then bench/) ..." >&2
    (cd "$root" && mvn -B -q -DskipTests install -pl bench -am)
    (cd "$root" && mvn -B -q -f bench/pom.xml package)
fi
java_bin="java"
if [ -n "${JAVA_HOME:-}" ]; then
    java_bin="$JAVA_HOME/bin/java"
fi
exec "$java_bin" -Xmx1g -cp "$jar:$root/bench/target/lib/*" org.outpost.scheduler.internal.SchedulerBench "${1:-1000,5000}" "${2:-5}"
