#!/usr/bin/env bash
# Outpost benchmark: builds what is missing (the distribution, this module), then runs
# org.outpost.bench.Bench, which prints a Markdown table of the figures next to their targets and
# writes it to bench/target/bench-work/results.md. See docs/performance.md.
#
#   bench/run.sh                                   # everything, N = 100, 500, 1000 simulated agents
#   bench/run.sh --agents 100,500,1000 --server-java-opts -Xmx512m
#   bench/run.sh --sections size,server --runs 3   # sections: size, server, agent, load
#
# Options (all optional):
#   --agents LIST            simulated agent counts for the load test (default 100,500,1000)
#   --duration S             heartbeat measurement window per N (default 60)
#   --heartbeat-ms MS        heartbeat interval of the simulated agents (default 2000)
#   --join-parallelism P     joins (+ channel set-up) in flight at once (default 8)
#   --server-java-opts OPTS  OUTPOST_JAVA_OPTS for the load-test servers (default: none, launcher defaults)
#   --client-java-opts OPTS  JVM options of the SimulatedAgents JVM (default "-Xms256m -Xmx1g")
#   --load-node-timeout S    --node-timeout of the load-test servers (default 30)
#   --runs N                 start-up runs per figure (default 3)
#   --idle S                 idle seconds before RSS sampling (default 30)
#   --sections LIST          any of size,server,agent,load (default all)
#   --setup-timeout S        bound on join + connect of all agents per N (default 900)
#   --start-timeout S        bound on each server/agent start (default 180)
#   --work-dir DIR           instance directories and results (default bench/target/bench-work)
#   --no-snapshot            run ./outpost itself instead of a private copy of the assembly
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/bench"

for arg in "$@"; do
    case "$arg" in
        -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    esac
done

dist="$root/karaf-distribution/target"
if [ ! -f "$dist/outpost-distribution-0.1.0.tar.gz" ] || [ ! -f "$dist/assembly/bin/outpost" ] \
        || [ ! -f "$dist/assembly/lib/launcher/outpost-launcher.jar" ]; then
    echo "bench: building the distribution (mvn -DskipTests install; takes a few minutes) ..." >&2
    (cd "$root" && mvn -B -q -DskipTests install)
fi

jar="$bench/target/outpost-bench-0.1.0.jar"
if [ ! -f "$jar" ] || [ ! -d "$bench/target/lib" ] \
        || [ -n "$(find "$bench/src" "$bench/pom.xml" -newer "$jar" -print -quit)" ]; then
    echo "bench: building bench/ ..." >&2
    if ! (cd "$root" && mvn -B -q -f bench/pom.xml package); then
        # org.outpost.security is not in the local repository yet: install it, then retry.
        echo "bench: installing org.outpost.security for bench/ ..." >&2
        (cd "$root" && mvn -B -q -DskipTests install -pl bench -am)
        (cd "$root" && mvn -B -q -f bench/pom.xml package)
    fi
fi

java_bin="java"
if [ -n "${JAVA_HOME:-}" ]; then
    java_bin="$JAVA_HOME/bin/java"
fi
exec "$java_bin" -Xmx256m -cp "$jar:$bench/target/lib/*" org.outpost.bench.Bench --root "$root" "$@"
