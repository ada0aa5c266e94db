#!/usr/bin/env bash
# Installs the official Python MCP SDK (PyPI `mcp`) into a virtual
# environment under target/, for the interop test (tests/mcp_interop.rs).
# Prints the environment's python on the last line. Fails loudly: the
# interop test must never pass by skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${MCP_PERF_PY_VENV:-target/mcp-interop-venv}"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "setup-python-mcp: $python is missing; install Python 3.10 or later" >&2
    exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "setup-python-mcp: creating $venv" >&2
    "$python" -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c "import mcp.client.streamable_http" 2>/dev/null; then
    echo "setup-python-mcp: installing mcp from PyPI" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "mcp>=1.10" >&2
fi
"$venv/bin/python" -c "import mcp.client.streamable_http" >&2
echo "$(cd "$venv" && pwd)/bin/python"
