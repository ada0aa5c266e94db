#!/usr/bin/env bash
# Installs what a fresh Debian or Ubuntu machine lacks for the tests and the
# benchmarks, without prompts, and does nothing that is already done:
# - redis-server from apt, for the child process way (and for the image);
# - the local Redis image for testcontainers, when a Docker daemon answers
#   and the image is missing (scripts/build-redis-image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        echo "setup: need root to run: $*" >&2
        return 1
    fi
}

server="${MCP_PERF_REDIS_SERVER:-redis-server}"
if command -v "$server" >/dev/null 2>&1; then
    echo "setup: redis-server present ($(command -v "$server"))"
elif [ -n "${MCP_PERF_REDIS_SERVER:-}" ]; then
    echo "setup: MCP_PERF_REDIS_SERVER=$server is not an executable; fix or unset it" >&2
    exit 1
elif command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing redis-server"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends redis-server
else
    echo "setup: redis-server is missing and apt-get is not here; install redis-server" >&2
    exit 1
fi

if ! command -v docker >/dev/null 2>&1; then
    echo "setup: no docker client; the testcontainers way stays off"
elif ! timeout 10 docker info >/dev/null 2>&1; then
    echo "setup: the docker daemon does not answer; the testcontainers way stays off"
else
    scripts/build-redis-image.sh
fi

# The official Python MCP SDK for the interop test.
scripts/setup-python-mcp.sh >/dev/null
echo "setup: python mcp sdk present (target/mcp-interop-venv)"
