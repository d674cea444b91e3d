"""Cassettes of the vendors' documented exchanges, written from the specs' examples.

A request example `<vendor>-<what>` with a `200` response example of the same name is one
documented exchange; it lands in `cassettes/<vendor>/<surface>.yaml`, so that the offline run
holds each vendor's documents against the contract. A multipart/form-data request (`@file` parts
as curl writes them) is documented by its fields, its file by name and type, never by bytes. A
sequence's step is named `<vendor>-<probe>/<step>`; a GET step (a task's poll) is its `200` answer
alone, with the URL the document fetched in `x-llmconform-path`. Each
answer is marked `x-llmconform-documented`, so that a check reading what only our own request can
cause (a transcript of our clip) knows the document answered another. `python -m llmconform.documented` rewrites
them; `--check` only says whether the committed cassettes are current.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from llmconform import factory, spec
from llmconform.exchange import DOCUMENTED, Exchange
from llmconform.paths import cassettes_dir, spec_dir
from llmconform.profile import SURFACES
from llmconform.redact import Redactor
from llmconform.replay import FORM, CassetteStore
from llmconform.surfaces.openai_audio import BOUNDARY, multipart


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
            documents = [(name, body, False) for name, body in operation.examples.items()]
            documents += [(name, fields, True) for name, fields in operation.form_examples.items()]
            # A GET step of a sequence (a task's poll) sends no body: its documented answer alone names
            # it, with the URL the document fetched (`x-llmconform-path`, the task id in it).
            fetched = operation.fetched_paths
            if operation.method == "get":
                documents += [(name, None, False) for name in fetched]
            paths = {**fetched, **paths}
            for name, body, form in documents:
                if name not in answers:
                    continue
                vendor, _, what = name.partition("-")
                media, answer = answers[name]
                raw = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False, indent=1)
                # The URL the document sent it to, where the template leaves a part open (Gemini's model).
                # As the document sent it: its own body and URL (no model of ours to fill in).
                request = factory.request(surface, what, model="{model}", operation=operation.path,
                                          method=operation.method, sent_to=paths.get(name, operation.path),
                                          body=None if form else body)
                if form:
                    request = replace(request, raw_body=_form(body), headers=(
                        ("content-type", f"{FORM}; boundary={BOUNDARY}"),))
                if "/" in what:  # a step of a sequence (`task/submit`): replayed for that step alone
                    request = replace(request, step=what)
                found.setdefault(vendor, []).append(Exchange(
                    request=request, url=operation.path, sent_headers={}, status=200,
                    headers={"content-type": media, DOCUMENTED: vendor}, body=raw.encode()))
    return found


def _form(fields: dict[str, Any]) -> bytes:
    """The document's form as multipart/form-data: a file it names as curl does (`@audio.mp3`) goes
    as an empty part of the content type its name says (what curl sends); the bytes are not the
    document's to show."""
    files = {name: str(value)[1:] for name, value in fields.items() if str(value).startswith("@")}
    if len(files) > 1:
        raise ValueError(f"a documented form carries one file at most (as curl's -F name=@file), not {sorted(files)}")
    text = {k: str(v) for k, v in fields.items() if k not in files}
    if not files:
        return multipart(text, None, b"", "")
    (part, filename), = files.items()
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return multipart(text, filename, b"", kind, name=part)


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
