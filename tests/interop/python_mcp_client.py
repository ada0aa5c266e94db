"""An MCP client written with the official Python SDK (PyPI `mcp`), driven
by tests/mcp_interop.rs: it initializes over Streamable HTTP with an OAuth
bearer token, lists the tools, calls one, and prints what it saw as JSON.

Usage: python python_mcp_client.py URL  (token in MCP_PERF_TOKEN)
"""

import asyncio
import json
import os
import sys

import contextlib

from mcp import ClientSession


@contextlib.asynccontextmanager
async def connect(url: str, headers: dict):
    """The SDK's Streamable HTTP transport with our headers, in both API
    generations: 1.x takes `headers` and yields three values, 2.x takes an
    HTTP client and yields two."""
    try:
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client
    except ImportError:
        from mcp.client.streamable_http import streamablehttp_client

        async with streamablehttp_client(url, headers=headers) as streams:
            yield streams[0], streams[1]
        return

    async with create_mcp_http_client(headers=headers) as client:
        async with streamable_http_client(url, http_client=client) as streams:
            yield streams[0], streams[1]


def field(model, snake: str, camel: str):
    """A result field under its 2.x (snake_case) or 1.x (camelCase) name."""
    return getattr(model, snake) if hasattr(model, snake) else getattr(model, camel)


async def main(url: str, token: str) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    async with connect(url, headers) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            call = await session.call_tool("list_organizations", {"limit": 2})
            failed = await session.call_tool("get_scenario", {"scenario_id": 999})
            return {
                "protocol_version": str(field(init, "protocol_version", "protocolVersion")),
                "server_name": field(init, "server_info", "serverInfo").name,
                "tools": sorted(tool.name for tool in tools.tools),
                "call_is_error": bool(field(call, "is_error", "isError")),
                "call_text": call.content[0].text,
                "failed_is_error": bool(field(failed, "is_error", "isError")),
                "failed_text": failed.content[0].text,
            }


if __name__ == "__main__":
    report = asyncio.run(main(sys.argv[1], os.environ["MCP_PERF_TOKEN"]))
    print(json.dumps(report))
