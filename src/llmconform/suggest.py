"""The nearest known word to a misspelt one, for the messages that refuse a closed mapping's
unknown key: a profile's (`budgets:`), a spec extension's (`owner:` for `owners:`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Any


def nearest(word: str, known: Any) -> str:
    """` (did you mean 'x'?)` for the known name closest to a mistyped one, else nothing."""
    found = difflib.get_close_matches(str(word), [str(k) for k in known], n=1, cutoff=0.5)
    return f" (did you mean {found[0]!r}?)" if found else ""


def closeness(word: str, known: Iterable[Any]) -> float:
    """How close `word` comes to the closest of `known` (0 to 1)."""
    return max((difflib.SequenceMatcher(None, word, str(k)).ratio() for k in known), default=0.0)


def unknown_keys(errors: Iterable[Any]) -> Iterator[tuple[tuple[Any, ...], str, list[str]]]:
    """(path, unknown key, known keys) for every closed mapping holding a key it does not declare,
    among jsonschema errors, looking inside oneOf/anyOf branches too (each branch its own known keys)."""
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = [str(k) for k in error.schema.get("properties", {})]
            for key in error.instance:
                if key not in known:
                    yield tuple(error.absolute_path), str(key), known
        yield from unknown_keys(error.context or [])
