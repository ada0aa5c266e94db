#!/usr/bin/env bash
# Prints OpenSSL's AES-256-GCM throughput at 16 KiB on this machine: the
# reference that `cargo bench --bench crypto -- aes256gcm` is compared to.
# Usage: scripts/reference-openssl.sh [seconds]
set -euo pipefail

seconds="${1:-3}"
openssl speed -evp aes-256-gcm -bytes 16384 -seconds "$seconds" 2>/dev/null |
    awk '/^AES-256-GCM|^aes-256-gcm/ {
        kbps = $NF; sub(/k$/, "", kbps);
        printf "openssl aes-256-gcm 16384 B: %.1f MiB/s\n", kbps * 1000 / 1048576
    }'
