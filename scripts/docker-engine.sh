#!/usr/bin/env bash
# Starts a private Docker Engine for Outpost's container tests and builds the local test image.
#
#   scripts/docker-engine.sh start DIR   installs docker.io and busybox-static when missing, starts
#                                        dockerd on DIR/docker.sock (no bridge, no iptables: containers
#                                        get no network), imports outpost/busybox:1 from Debian's
#                                        busybox-static, prints DOCKER_HOST=unix://DIR/docker.sock
#   scripts/docker-engine.sh stop DIR    stops the dockerd started for DIR (by its PID file)
#
# Nothing is pulled: the only image is made here with `docker import`.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
command=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
socket="$dir/docker.sock"
pidfile="$dir/docker.pid"
export DOCKER_HOST="unix://$socket"

install_missing() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    [ -x /bin/busybox ] || missing+=(busybox-static)
    if [ ${#missing[@]} -gt 0 ]; then
        command -v apt-get >/dev/null 2>&1 || { echo "docker-engine.sh: need ${missing[*]} and there is no apt-get" >&2; exit 1; }
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
    install_missing
    if ! running; then
        dockerd --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
            --host "unix://$socket" --data-root "$dir/root" --exec-root "$dir/exec" \
            --pidfile "$pidfile" >"$dir/dockerd.log" 2>&1 &
    fi
    for _ in $(seq 1 120); do
        docker version >/dev/null 2>&1 && break
        sleep 0.5
    done
    docker version >/dev/null 2>&1 || { echo "docker-engine.sh: dockerd did not answer on $socket; see $dir/dockerd.log" >&2; exit 1; }
    if ! docker image inspect outpost/busybox:1 >/dev/null 2>&1; then
        local rootfs="$dir/busybox-rootfs"
        rm -rf "$rootfs"
        mkdir -p "$rootfs/bin" "$rootfs/tmp"
        cp /bin/busybox "$rootfs/bin/busybox"
        for applet in sh echo sleep cat ls env date true false yes kill ps; do
            ln -sf busybox "$rootfs/bin/$applet"
        done
        tar -C "$rootfs" -c . | docker import - outpost/busybox:1 >/dev/null
    fi
    echo "DOCKER_HOST=$DOCKER_HOST"
}

stop() {
    if running; then
        local pid
        pid=$(cat "$pidfile")
        kill "$pid"
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.5
        done
        echo "docker-engine.sh: dockerd $pid did not stop within 30 s" >&2
        exit 1
    fi
}

case "$command" in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
