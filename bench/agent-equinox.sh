#!/usr/bin/env bash
# Idle resident memory of the agent as a deployment package in a plain Equinox (no Karaf), next
# to the framework alone, under the launcher's JVM options and under Kura's -Xmx256m. A real
# Outpost server from the distribution is the agent's server. About 3 minutes.
#
#   bench/agent-equinox.sh                       # 30 s idle before sampling, samples 5 s apart
#   bench/agent-equinox.sh --idle 60 --spacing 10
#
# The table is printed at the end and kept in packaging/agent-dp/target/it-work/bench/results.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
idle=30
spacing=5
while [ $# -gt 0 ]; do
    case "$1" in
        --idle) idle="$2"; shift 2 ;;
        --spacing) spacing="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "bench/agent-equinox.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
if [ ! -f "$root/packaging/agent-dp/target/outpost-agent-0.1.0.dp" ] \
        || [ ! -f "$root/karaf-distribution/target/outpost-distribution-0.1.0.tar.gz" ]; then
    echo "bench: building the distribution and the agent's .dp (mvn -DskipTests install; takes a few minutes) ..." >&2
    (cd "$root" && mvn -B -q -DskipTests install)
fi
cd "$root"
exec mvn -B -ntp verify -Pbench -pl packaging/agent-dp -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Doutpost.bench.idleSeconds="$idle" -Doutpost.bench.sampleSpacingSeconds="$spacing"
