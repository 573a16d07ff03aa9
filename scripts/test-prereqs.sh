#!/usr/bin/env bash
# Installs the real components Outpost's tests start: Mosquitto (upstream broker, mosquitto_sub),
# protoc (independent payload decoding), pymodbus (an independent Modbus-TCP server), and curl (a
# REST client of its own for the Kura REST paths).
# Docker Engine is installed by scripts/docker-engine.sh when a container test first needs it.
set -euo pipefail
missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
/usr/bin/python3 -c 'import pymodbus' >/dev/null 2>&1 || missing+=(python3-pymodbus)
command -v ps >/dev/null 2>&1 || missing+=(procps)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "test-prereqs.sh: the tests need ${missing[*]} and there is no apt-get to install them" >&2
        exit 1
    fi
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts a system-wide broker on port 1883 when it installs the package; the tests start
# their own on free loopback ports and need nothing from it.
