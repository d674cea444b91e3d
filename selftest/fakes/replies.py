"""What the fakes' model says: canned answers to the suite's own prompts, the same on every
surface, with the faults that make a model ignore its instructions or show its markup."""

from __future__ import annotations

import re
import threading
from typing import Any

from selftest.fakes.server import FakeRequest

ESSAY = ("The Roman Empire grew from a small city state on the Tiber into a power that ruled the whole "
         "Mediterranean world for centuries, built roads and aqueducts, wrote laws that outlived it, and "
         "finally split into an eastern and a western half")


def words(text: str) -> list[str]:
    """The text as the fake streams and counts it: words with their following space."""
    tokens = [w + " " for w in text.split(" ")]
    tokens[-1] = tokens[-1].rstrip()
    return [t for t in tokens if t]


def code_word(documents: list[str], last: str) -> str | None:
    """The code word a question asks for, read from the documents the request carried."""
    if "code word" not in last:
        return None
    for document in documents:
        match = re.search(r"code word is ([A-Z0-9-]+)", document)
        if match:
            return match.group(1)
    return "I do not see any document."


def canned(last: str, history: str, system: str, f: FakeRequest, surface: str, markup: str) -> str:
    """The answer to the last turn, given the earlier turns and the system text; `surface` names
    the faults (`<surface>.system-ignored`, ...), `markup` the reasoning tag a leaking model shows."""
    if "pong" in system and not f.has(f"{surface}.system-ignored"):
        return "pong"
    if "Ada" in history and not f.has(f"{surface}.multi-turn-ignored"):
        return "Ada"
    answers = {"17 * 23": "391", "Count from 1 to 6": "1, 2, 3, 4, 5, 6", "Roman Empire": ESSAY, "colour": "Red."}
    for prompt, answer in answers.items():
        if prompt in last:
            return answer
    if f.has(f"{surface}.persona"):
        return "Hello! I'm Claude Code, Anthropic's official CLI for Claude."
    if f.has(f"{surface}.markup"):
        return f"<{markup}>The user asks about France.</{markup}>The capital of France is Paris."
    return "The capital of France is Paris."


# -- billing faults (issue 20) --------------------------------------------------------------------

_SENT: dict[tuple[str, int], int] = {}
_SENT_LOCK = threading.Lock()


def billed_prompt(prompt: int, f: FakeRequest, surface: str) -> tuple[int, int]:
    """(the prompt's billed input, the part of it reported as cached) under the billing faults:
    `<surface>.cache-double` bills a prompt again on every send, its earlier sends counted as
    cached tokens on top of it (47, then 94 with 47 "cached"); `<surface>.usage-percent` adds 30 %."""
    if f.has(f"{surface}.usage-percent"):
        prompt = round(prompt * 1.3)
    if not f.has(f"{surface}.cache-double"):
        return prompt, 0
    with _SENT_LOCK:
        before = _SENT.get((surface, prompt), 0)
        _SENT[(surface, prompt)] = before + 1
    return prompt * (1 + before), prompt * before


def omit_nulls(value: Any) -> Any:
    """A body re-serialised the way a Go relay with `omitempty` does: every null key left out."""
    if isinstance(value, dict):
        return {k: omit_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [omit_nulls(v) for v in value]
    return value
