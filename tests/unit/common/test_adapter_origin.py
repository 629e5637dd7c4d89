"""The loopback-only middleware every server of ours runs: a foreign Host or a foreign
Origin (a page elsewhere making a browser post to us) is refused before any route runs.
Driven as plain ASGI calls (no socket: the fast tier)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from simulators.common.adapter import LoopbackHostOnly, is_loopback_origin


def post(headers: dict[str, str]) -> tuple[int, dict[str, Any] | None, list[str]]:
    """POST /act through the middleware: the status, the problem (if any), what ran."""
    reached: list[str] = []

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/act",
        "raw_path": b"/act",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in {"Host": "127.0.0.1:8000", **headers}.items()
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(LoopbackHostOnly(route)(scope, receive, send))
    status = sent[0]["status"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return status, (json.loads(body) if status != 200 else None), reached


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:8000", "http://localhost:3000", "https://[::1]", "http://127.0.0.2"],
)
def test_a_page_on_this_machine_or_no_origin_gets_through(origin: str) -> None:
    assert post({}) == (200, None, ["/act"])
    assert post({"Origin": origin}) == (200, None, ["/act"])


@pytest.mark.parametrize(
    "origin",
    [
        "https://attacker.example",
        "http://127.0.0.1.attacker.example",
        "null",
        "",
        "file://",
        "http://localhost:99999",
    ],
)
def test_a_foreign_origin_is_refused_before_the_route(origin: str) -> None:
    status, problem, reached = post({"Origin": origin})
    assert (status, reached) == (421, [])
    assert problem is not None
    assert problem["code"] == "host-not-allowed"
    assert "Origin" in problem["detail"]


def test_a_foreign_host_is_still_refused() -> None:
    status, problem, reached = post({"Host": "attacker.example"})
    assert (status, reached) == (421, [])
    assert problem is not None and "Host" in problem["detail"]


def test_only_http_origins_on_this_machine_are_loopback() -> None:
    assert is_loopback_origin("http://localhost")
    assert not is_loopback_origin("ftp://127.0.0.1")
