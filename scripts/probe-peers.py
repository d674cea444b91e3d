#!/usr/bin/env python
"""Start llama-server and a LiteLLM proxy in front of it (selftest.peers) and probe their APIs.

Prints, per request: status, content-type, time, the first ~300 bytes of the body and, for SSE,
the event names / data-line count / whether ``[DONE]`` came and the tail. Used to write
selftest/peers/NOTES.md. Loopback only; bounded (one pass, every request with a timeout).

    PYTHONPATH=. .venv/bin/python scripts/probe-peers.py [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from selftest.peers import Peer, litellm_proxy, llama_server

LLAMA_KEY = "sk-llama-test"
HI = [{"role": "user", "content": "Say hello in one short sentence."}]
WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
WEATHER_TOOL_ANTHROPIC = {
    "name": "get_weather",
    "description": "Get the current weather for a city",
    "input_schema": WEATHER_TOOL["function"]["parameters"],
}
RESULTS: list[dict[str, Any]] = []


def sse_summary(raw: str) -> dict[str, Any]:
    events, data_lines, done = [], 0, False
    for line in raw.splitlines():
        if line.startswith("event:"):
            events.append(line[6:].strip())
        elif line.startswith("data:"):
            data_lines += 1
            if line[5:].strip() == "[DONE]":
                done = True
    uniq: list[str] = []
    for e in events:
        if e not in uniq:
            uniq.append(e)
    return {"event_names": uniq, "data_lines": data_lines, "done": done, "tail": raw[-300:]}


def call(
    peer: Peer,
    label: str,
    method: str,
    path: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    stream: bool = False,
    raw: bytes | None = None,
) -> dict[str, Any]:
    h = dict(peer.headers()) if headers is None else headers
    t0 = time.monotonic()
    with httpx.Client(timeout=120, trust_env=False) as c:
        if raw is not None:
            h = {**h, "content-type": "application/json"}
            r = c.request(method, peer.url(path), content=raw, headers=h)
        else:
            r = c.request(method, peer.url(path), json=body, headers=h)
    dt = time.monotonic() - t0
    text = r.text
    rec: dict[str, Any] = {
        "peer": peer.name,
        "label": label,
        "path": path,
        "status": r.status_code,
        "content_type": r.headers.get("content-type"),
        "seconds": round(dt, 3),
        "head": text[:300],
    }
    if "text/event-stream" in (r.headers.get("content-type") or "") or stream:
        rec["sse"] = sse_summary(text)
    else:
        with contextlib.suppress(ValueError):
            rec["json"] = r.json()
    RESULTS.append(rec)
    print(f"\n=== [{peer.name}] {label}: {method} {path} -> {r.status_code} {rec['content_type']} {dt:.2f}s")
    print(text[:300])
    if "sse" in rec:
        print("--- sse:", json.dumps({k: v for k, v in rec["sse"].items() if k != "tail"}))
        print("--- tail:", rec["sse"]["tail"][-200:])
    return rec


def chat(model: str, **kw: Any) -> dict[str, Any]:
    return {"model": model, "messages": HI, "max_tokens": 16, **kw}


def probe_llama(p: Peer) -> None:
    m = p.model
    call(p, "models", "GET", "/v1/models")
    call(p, "chat non-stream", "POST", "/v1/chat/completions", body=chat(m))
    call(
        p,
        "chat stream include_usage",
        "POST",
        "/v1/chat/completions",
        body=chat(m, stream=True, stream_options={"include_usage": True}),
        stream=True,
    )
    call(
        p,
        "chat stream no include_usage",
        "POST",
        "/v1/chat/completions",
        body=chat(m, stream=True),
        stream=True,
    )
    call(p, "chat max_tokens 8", "POST", "/v1/chat/completions", body=chat(m, max_tokens=8))
    call(
        p,
        "chat max_completion_tokens 8",
        "POST",
        "/v1/chat/completions",
        body={"model": m, "messages": HI, "max_completion_tokens": 8},
    )
    call(p, "chat stop", "POST", "/v1/chat/completions", body=chat(m, max_tokens=32, stop=[" "]))
    call(p, "chat n=2", "POST", "/v1/chat/completions", body=chat(m, n=2, max_tokens=8))
    call(p, "chat model=unknown", "POST", "/v1/chat/completions", body=chat("no-such-model", max_tokens=4))
    call(
        p,
        "chat tools forced tool_choice",
        "POST",
        "/v1/chat/completions",
        body={
            "model": m,
            "max_tokens": 64,
            "tools": [WEATHER_TOOL],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        },
    )
    call(
        p,
        "chat tools required",
        "POST",
        "/v1/chat/completions",
        body={
            "model": m,
            "max_tokens": 64,
            "tools": [WEATHER_TOOL],
            "tool_choice": "required",
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        },
    )
    call(
        p,
        "chat tools auto stream",
        "POST",
        "/v1/chat/completions",
        body={
            "model": m,
            "max_tokens": 64,
            "tools": [WEATHER_TOOL],
            "tool_choice": "required",
            "stream": True,
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        },
        stream=True,
    )
    call(
        p,
        "chat response_format json_object",
        "POST",
        "/v1/chat/completions",
        body=chat(
            m,
            max_tokens=32,
            response_format={"type": "json_object"},
            messages=[{"role": "user", "content": "Give a JSON object with a key name."}],
        ),
    )
    call(
        p,
        "chat logprobs",
        "POST",
        "/v1/chat/completions",
        body=chat(m, max_tokens=2, logprobs=True, top_logprobs=2),
    )
    call(p, "chat no auth", "POST", "/v1/chat/completions", body=chat(m, max_tokens=4), headers={})
    call(
        p,
        "chat wrong key",
        "POST",
        "/v1/chat/completions",
        body=chat(m, max_tokens=4),
        headers={"Authorization": "Bearer sk-wrong"},
    )
    call(p, "chat missing messages", "POST", "/v1/chat/completions", body={"model": m})
    call(p, "chat invalid json", "POST", "/v1/chat/completions", raw=b"{not json")
    call(
        p,
        "chat bad role",
        "POST",
        "/v1/chat/completions",
        body={"model": m, "max_tokens": 8, "messages": [{"role": "wizard", "content": "x"}]},
    )
    call(
        p,
        "responses non-stream",
        "POST",
        "/v1/responses",
        body={"model": m, "input": "Say hello.", "max_output_tokens": 16},
    )
    call(
        p,
        "responses stream",
        "POST",
        "/v1/responses",
        body={"model": m, "input": "Say hello.", "max_output_tokens": 16, "stream": True},
        stream=True,
    )
    ah = p.headers("anthropic")
    msg = {"model": m, "max_tokens": 16, "messages": HI}
    call(p, "messages non-stream", "POST", "/v1/messages", body=msg, headers=ah)
    call(p, "messages stream", "POST", "/v1/messages", body={**msg, "stream": True}, headers=ah, stream=True)
    call(
        p,
        "messages max_tokens missing",
        "POST",
        "/v1/messages",
        body={"model": m, "messages": HI},
        headers=ah,
    )
    call(p, "messages max_tokens 0", "POST", "/v1/messages", body={**msg, "max_tokens": 0}, headers=ah)
    call(p, "messages invalid json", "POST", "/v1/messages", raw=b"{not json", headers=ah)
    call(
        p,
        "messages system + stop_sequences",
        "POST",
        "/v1/messages",
        body={**msg, "system": "You are terse.", "stop_sequences": [" "]},
        headers=ah,
    )
    call(
        p,
        "messages tools forced",
        "POST",
        "/v1/messages",
        body={
            "model": m,
            "max_tokens": 64,
            "tools": [WEATHER_TOOL_ANTHROPIC],
            "tool_choice": {"type": "tool", "name": "get_weather"},
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        },
        headers=ah,
    )
    call(
        p,
        "messages tools forced stream",
        "POST",
        "/v1/messages",
        body={
            "model": m,
            "max_tokens": 64,
            "tools": [WEATHER_TOOL_ANTHROPIC],
            "stream": True,
            "tool_choice": {"type": "tool", "name": "get_weather"},
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        },
        headers=ah,
        stream=True,
    )
    call(
        p,
        "messages wrong x-api-key",
        "POST",
        "/v1/messages",
        body=msg,
        headers={"x-api-key": "sk-wrong", "anthropic-version": "2023-06-01"},
    )
    call(
        p, "messages missing messages", "POST", "/v1/messages", body={"model": m, "max_tokens": 8}, headers=ah
    )
    call(
        p, "count_tokens", "POST", "/v1/messages/count_tokens", body={"model": m, "messages": HI}, headers=ah
    )
    call(p, "health (no auth)", "GET", "/health", headers={})
    call(p, "models (no auth)", "GET", "/v1/models", headers={})
    call(p, "unknown route", "GET", "/v1/nope")


def probe_litellm(p: Peer) -> None:
    m = p.model
    call(p, "models", "GET", "/v1/models")
    call(p, "chat non-stream", "POST", "/v1/chat/completions", body=chat(m))
    call(
        p,
        "chat stream include_usage",
        "POST",
        "/v1/chat/completions",
        body=chat(m, stream=True, stream_options={"include_usage": True}),
        stream=True,
    )
    call(p, "chat stream", "POST", "/v1/chat/completions", body=chat(m, stream=True), stream=True)
    call(p, "chat n=2", "POST", "/v1/chat/completions", body=chat(m, n=2, max_tokens=8))
    call(
        p,
        "chat tools forced tool_choice",
        "POST",
        "/v1/chat/completions",
        body={
            "model": m,
            "max_tokens": 64,
            "tools": [WEATHER_TOOL],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        },
    )
    call(
        p,
        "chat bad key",
        "POST",
        "/v1/chat/completions",
        body=chat(m, max_tokens=4),
        headers={"Authorization": "Bearer sk-wrong"},
    )
    call(p, "chat no key", "POST", "/v1/chat/completions", body=chat(m, max_tokens=4), headers={})
    call(p, "chat unknown model", "POST", "/v1/chat/completions", body=chat("no-such-model", max_tokens=4))
    call(p, "chat missing messages", "POST", "/v1/chat/completions", body={"model": m})
    call(p, "chat invalid json", "POST", "/v1/chat/completions", raw=b"{not json")
    ah = p.headers("anthropic")
    msg = {"model": m, "max_tokens": 16, "messages": HI}
    call(p, "messages non-stream", "POST", "/v1/messages", body=msg, headers=ah)
    call(p, "messages stream", "POST", "/v1/messages", body={**msg, "stream": True}, headers=ah, stream=True)
    call(
        p, "messages missing messages", "POST", "/v1/messages", body={"model": m, "max_tokens": 8}, headers=ah
    )
    call(p, "messages bearer auth", "POST", "/v1/messages", body=msg, headers=p.headers())
    call(
        p,
        "messages max_tokens missing",
        "POST",
        "/v1/messages",
        body={"model": m, "messages": HI},
        headers=ah,
    )
    call(
        p,
        "messages bad key",
        "POST",
        "/v1/messages",
        body=msg,
        headers={"x-api-key": "sk-wrong", "anthropic-version": "2023-06-01"},
    )
    call(
        p,
        "messages unknown model",
        "POST",
        "/v1/messages",
        body={**msg, "model": "no-such-model"},
        headers=ah,
    )
    call(
        p,
        "messages tools forced",
        "POST",
        "/v1/messages",
        body={
            "model": m,
            "max_tokens": 64,
            "tools": [WEATHER_TOOL_ANTHROPIC],
            "tool_choice": {"type": "tool", "name": "get_weather"},
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        },
        headers=ah,
    )
    call(
        p, "count_tokens", "POST", "/v1/messages/count_tokens", body={"model": m, "messages": HI}, headers=ah
    )
    call(
        p,
        "responses non-stream",
        "POST",
        "/v1/responses",
        body={"model": m, "input": "Say hello.", "max_output_tokens": 16},
    )
    call(
        p,
        "responses stream",
        "POST",
        "/v1/responses",
        body={"model": m, "input": "Say hello.", "max_output_tokens": 16, "stream": True},
        stream=True,
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", type=Path, help="write all records here")
    args = ap.parse_args()
    t0 = time.monotonic()
    with llama_server() as open_llama:
        print(f"llama-server (no --api-key) up in {time.monotonic() - t0:.2f}s at {open_llama.base_url}")
        call(
            open_llama,
            "no --api-key: any bearer accepted",
            "POST",
            "/v1/chat/completions",
            body=chat(open_llama.model, max_tokens=4),
            headers={"Authorization": "Bearer anything"},
        )
    t0 = time.monotonic()
    with llama_server(api_key=LLAMA_KEY) as llama:
        print(f"llama-server up in {time.monotonic() - t0:.2f}s at {llama.base_url}, log {llama.log_path}")
        t1 = time.monotonic()
        with litellm_proxy(llama) as lite:
            print(f"litellm up in {time.monotonic() - t1:.2f}s at {lite.base_url}, log {lite.log_path}")
            probe_llama(llama)
            probe_litellm(lite)
            print("\n--- litellm log tail ---\n" + lite.log_tail(15))
    if args.json:
        args.json.write_text(json.dumps(RESULTS, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
