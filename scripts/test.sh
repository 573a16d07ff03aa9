#!/usr/bin/env bash
# Runs Outpost's whole test suite: unit tests, Pax Exam tests in the real distribution and
# multi-process end-to-end tests. Installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
if ! need java || ! need mvn; then
    echo "test.sh: a JDK 17 and Maven are needed (java and mvn on PATH)" >&2
    exit 1
fi
# Real components the tests start: Mosquitto, protoc, pymodbus (and procps for ps/kill). Docker
# Engine comes with scripts/docker-engine.sh when a container test first needs it.
bash scripts/test-prereqs.sh
# Stale cached bundles from an earlier build would shadow the ones just built.
exec mvn -B -ntp clean install "$@"
