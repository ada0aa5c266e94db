#!/usr/bin/env bash
# Builds a Redis image for testcontainers from the redis-server installed on
# this machine, for machines that reach no container registry: the binary,
# the shared libraries ldd names, a minimal root file system, and
# `docker import`. No base image, nothing pulled.
#
# The image is tagged under the name the harness asks for
# ($MCP_PERF_REDIS_IMAGE, default redis:7-alpine), so testcontainers finds it
# locally. It skips the build when that image exists, unless --force.
set -euo pipefail

image="${MCP_PERF_REDIS_IMAGE:-redis:7-alpine}"
force=0

usage() {
    echo "usage: $0 [--force]"
    echo "builds $image from the local redis-server (MCP_PERF_REDIS_IMAGE sets the name)"
}

for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

if ! docker info >/dev/null 2>&1; then
    echo "build-redis-image: the docker daemon does not answer; start it first" >&2
    exit 1
fi

previous="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
if [ "$force" = 0 ] && [ -n "$previous" ]; then
    echo "build-redis-image: $image exists; --force rebuilds it"
    exit 0
fi

server="$(command -v "${MCP_PERF_REDIS_SERVER:-redis-server}")" || {
    echo "build-redis-image: redis-server not found; install it (apt-get install redis-server, or scripts/setup.sh)" >&2
    exit 1
}
binary="$(readlink -f "$server")"

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/local/bin" "$root/data" "$root/tmp" "$root/etc"
chmod 1777 "$root/tmp"

# The name matters: Debian's redis-server is a link to redis-check-rdb, and
# the binary picks its mode from the name it runs under.
cp "$binary" "$root/usr/local/bin/redis-server"

# Every absolute path ldd prints: the libraries and the dynamic loader,
# copied to the same paths (links followed) so the loader finds them.
ldd "$binary" \
    | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' \
    | while read -r library; do
        cp -L --parents "$library" "$root"
    done

echo "root:x:0:0:root:/data:/usr/local/bin/redis-server" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"

version="$("$server" --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')"
tar -C "$root" --numeric-owner --owner=0 --group=0 -c . \
    | docker import \
        --change 'CMD ["redis-server", "--protected-mode", "no"]' \
        --change 'EXPOSE 6379' \
        --change 'WORKDIR /data' \
        --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
        --change "LABEL org.opencontainers.image.description=\"redis ${version} built locally from ${server} by mcp-perf\"" \
        --message "built by mcp-perf scripts/build-redis-image.sh from $binary" \
        - "$image" >/dev/null

# Prove the libraries resolve before anyone relies on the image.
docker run --rm "$image" redis-server --version >/dev/null

# A rebuild leaves the old image untagged; remove it unless a container
# still uses it.
current="$(docker image inspect --format '{{.Id}}' "$image")"
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
    docker image rm "$previous" >/dev/null 2>&1 || true
fi
echo "build-redis-image: built $image (redis $version from $server)"
