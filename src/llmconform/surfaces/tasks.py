"""Readers of an asynchronous task's answers (a video job, a relay's task): its status, progress,
failure reason and result URL where its spec's `x-llmconform-task` says they sit, and the rules a
run of polls must keep. Not a surface: the task surfaces (openai-videos, relay-video) use it."""

from __future__ import annotations

import re
from typing import Any

from llmconform import spec
from llmconform.spec import TaskStates


def _at(data: Any, pointer: str | None) -> Any:
    if not pointer:
        return None
    found, value = spec.pointer_get(data, pointer)
    return value if found else None


def status(states: TaskStates, data: Any) -> Any:
    return _at(data, states.status)


def progress(states: TaskStates, data: Any) -> float | None:
    """The progress an answer reports, as a percentage: an integer, or a relay's "45%" string."""
    value = _at(data, states.progress)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*", value)
        return float(match.group(1)) if match else None
    return None


def reason(states: TaskStates, data: Any) -> str:
    value = _at(data, states.reason)
    return value.strip() if isinstance(value, str) else ""


def result_url(states: TaskStates, data: Any) -> str:
    value = _at(data, states.result)
    return value if isinstance(value, str) else ""


def of(surface: str) -> TaskStates:
    found = spec.task_states(surface)
    if found is None:
        raise KeyError(f"{surface} spec declares no x-llmconform-task")
    return found


def unknown_statuses(states: TaskStates, answers: list[Any]) -> list[tuple[int, Any]]:
    """(answer index, status) of every answer whose status is not in the task's vocabulary."""
    return [(i, status(states, a)) for i, a in enumerate(answers) if status(states, a) not in states.known]


def way_back(states: TaskStates, answers: list[Any]) -> tuple[int, Any, Any] | None:
    """(answer index, the terminal status, the status after it) where a task left a terminal state."""
    terminal = None
    for index, answer in enumerate(answers):
        found = status(states, answer)
        if terminal is not None and found != terminal:
            return index, terminal, found
        if terminal is None and found in states.terminal:
            terminal = found
    return None


def backwards(states: TaskStates, answers: list[Any]) -> tuple[int, float, float] | None:
    """(answer index, progress before, progress then) where the progress went down."""
    last = None
    for index, answer in enumerate(answers):
        found = progress(states, answer)
        if found is None:
            continue
        if last is not None and found < last:
            return index, last, found
        last = found
    return None
