#!/usr/bin/env bash
# Outbox throughput on this machine's disk: durable appends with grouped fsync from 8 producers,
# one fsync per record from one thread, and replay of a 500,000-record log through a cursor.
# Prints medians of RUNS runs (about a minute in all with the defaults).
#
#   bench/outbox.sh                      # 3 runs, 3 s per append figure
#   bench/outbox.sh --runs 5 --seconds 5
#   bench/outbox.sh --dir /mnt/data/outbox-bench   # measure another disk
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
exec "$java_bin" -Xmx512m -cp "$jar:$root/bench/target/lib/*" org.outpost.bench.OutboxBench \
    --dir "$root/bench/target/outbox-work" "$@"
