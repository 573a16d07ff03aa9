#!/usr/bin/env bash
# Workload start latency: apply (POST /v1/workloads) → Running of a 1-replica Deployment on the
# server's own agent with the Docker runtime and a private Docker Engine (scripts/docker-engine.sh:
# installed when missing, no network for containers, local image). Prints p50/p99/max of RUNS.
#
#   bench/workload-latency.sh          # 50 runs
#   bench/workload-latency.sh 100
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/outpost-bench-0.1.0.jar"
if [ ! -f "$root/karaf-distribution/target/assembly/bin/outpost" ]; then
    echo "bench: building the distribution (mvn -DskipTests install; takes a few minutes) ..." >&2
    (cd "$root" && mvn -B -q -DskipTests install)
fi
if [ ! -f "$jar" ] || [ -n "$(find "$root/bench/src" "$root/bench/pom.xml" -newer "$jar" -print -quit)" ]; then
    (cd "$root" && mvn -B -q -f bench/pom.xml package)
fi
engine=$(mktemp -d /tmp/outpost-docker-bench-XXXXXX)
trap 'bash "$root/scripts/docker-engine.sh" stop "$engine"; rm -rf "$engine"' EXIT
eval "export $(bash "$root/scripts/docker-engine.sh" start "$engine" | tail -1)"
cleanup_containers() {
    local ids
    ids=$(docker ps -aq --filter label=org.outpost.node=srv)
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
}
java_bin="java"
if [ -n "${JAVA_HOME:-}" ]; then
    java_bin="$JAVA_HOME/bin/java"
fi
status=0
"$java_bin" -Xmx256m -cp "$jar:$root/bench/target/lib/*" org.outpost.bench.WorkloadLatency "$root" "${1:-50}" || status=$?
cleanup_containers
exit $status
