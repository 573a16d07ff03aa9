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
# The tests use only the JDK, Maven and what Maven Central serves; procps gives ps/kill to the scripts.
if ! need ps && need apt-get; then
    apt-get update -qq && apt-get install -y -qq procps >/dev/null
fi
# Stale cached bundles from an earlier build would shadow the ones just built.
exec mvn -B -ntp clean install "$@"
