"""Cassettes of the vendors' documented exchanges, written from the specs' examples.

A request example `<vendor>-<what>` with a `200` response example of the same name is one
documented exchange; it lands in `cassettes/<vendor>/<surface>.yaml`, so that the offline run
holds each vendor's documents against the contract. `python -m llmconform.documented` rewrites
them; `--check` only says whether the committed cassettes are current.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from llmconform import factory, spec
from llmconform.exchange import Exchange
from llmconform.paths import cassettes_dir, spec_dir
from llmconform.profile import SURFACES
from llmconform.redact import Redactor
from llmconform.replay import CassetteStore


def documented_exchanges() -> dict[str, list[Exchange]]:
    """Vendor -> its documented exchanges, across every spec in openapi/."""
    found: dict[str, list[Exchange]] = {}
    for surface in SURFACES:
        if not (spec_dir() / f"{surface}.yaml").exists():
            continue
        for operation in spec.load(surface).operations():
            responses = operation.definition.get("responses", {}).get("200", {}).get("content", {})
            answers = {name: (media, ex["value"]) for media, content in responses.items()
                       for name, ex in (content.get("examples") or {}).items() if "value" in ex}
            paths = operation.example_paths
            for name, body in operation.examples.items():
                if name not in answers:
                    continue
                vendor, _, what = name.partition("-")
                media, answer = answers[name]
                raw = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False, indent=1)
                # The URL the document sent it to, where the template leaves a part open (Gemini's model).
                # As the document sent it: its own body and URL (no model of ours to fill in).
                request = factory.request(surface, what, model="{model}", operation=operation.path,
                                          method=operation.method, sent_to=paths.get(name, operation.path),
                                          body=body)
                found.setdefault(vendor, []).append(Exchange(
                    request=request, url=operation.path, sent_headers={}, status=200,
                    headers={"content-type": media}, body=raw.encode()))
    return found


def write(root: Path) -> list[Path]:
    written = []
    for vendor, exchanges in documented_exchanges().items():
        store = CassetteStore(root / vendor, record=True, redactor=Redactor())
        for exchange in exchanges:
            store.record(exchange)
        store.save()
        written += sorted((root / vendor).glob("*.yaml"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=cassettes_dir(), type=Path)
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed cassettes are stale")
    args = parser.parse_args(argv)
    if not args.check:
        for path in write(args.root):
            print(f"wrote {path}")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        stale = []
        for fresh in write(Path(scratch)):
            committed = args.root / fresh.relative_to(scratch)
            if not committed.exists() or committed.read_text() != fresh.read_text():
                stale.append(str(committed))
    for name in stale:
        print(f"stale: {name} (run python -m llmconform.documented)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
