"""An MCP client written with the official Python SDK (PyPI `mcp`), driven
by tests/mcp_interop.rs: it initializes over Streamable HTTP with an OAuth
bearer token, lists the tools, calls one, and prints what it saw as JSON.

Usage: python python_mcp_client.py URL  (token in MCP_PERF_TOKEN)
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession

try:
    from mcp.client.streamable_http import streamablehttp_client as connect
except ImportError:  # newer SDKs renamed it
    from mcp.client.streamable_http import streamable_http_client as connect


async def main(url: str, token: str) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    async with connect(url, headers=headers) as (read, write, _session_id):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            call = await session.call_tool("list_organizations", {"limit": 2})
            failed = await session.call_tool("get_scenario", {"scenario_id": 999})
            return {
                "protocol_version": str(init.protocolVersion),
                "server_name": init.serverInfo.name,
                "tools": sorted(tool.name for tool in tools.tools),
                "call_is_error": bool(call.isError),
                "call_text": call.content[0].text,
                "failed_is_error": bool(failed.isError),
                "failed_text": failed.content[0].text,
            }


if __name__ == "__main__":
    report = asyncio.run(main(sys.argv[1], os.environ["MCP_PERF_TOKEN"]))
    print(json.dumps(report))
