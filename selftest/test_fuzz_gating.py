"""Request shapes only some servers take (`x-llmconform-feature`: chat `input_audio` and `file`
parts) are declared from the official definition, and never sent to a profile that does not
declare their feature: schemathesis draws none, and a documented request carrying one stays home."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from llmconform import fuzz, spec
from llmconform.surfaces import SURFACE_MODULES

CHAT, PATH = "openai-chat", "/v1/chat/completions"
AUDIO = {"type": "input_audio", "input_audio": {"data": "UklGRiQAAABXQVZF", "format": "wav"}}
FILE = {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0x"}}
GATED_TYPES = {"input_audio", "file"}


def _body(*parts):
    return {"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}, *parts]}]}


def _target(features, cases):
    config = SimpleNamespace(model="gpt-test", features=frozenset(features))
    return SimpleNamespace(name="gating", fuzz_cases=cases, model=lambda surface: config.model,
                           surface=lambda surface: SURFACE_MODULES[surface],
                           surface_config=lambda surface: config)


def _gated_parts(requests):
    """The input_audio / file content parts across the requests' bodies."""
    def walk(node):
        if isinstance(node, dict):
            yield from ([node] if isinstance(node.get("type"), str) and node["type"] in GATED_TYPES else [])
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return [part for request in requests for part in walk(request.body)]


def test_chat_audio_and_file_parts_are_declared_from_the_official_definition():
    definitions = spec.load(CHAT)
    request_schema, _ = fuzz.schema_names(CHAT, PATH)
    assert definitions.errors(request_schema, _body(AUDIO, FILE)) == []
    # A part that breaks the official shape still fails: mp4 is not an input_audio format, and a
    # file part without its `file` object is no file part.
    assert definitions.errors(request_schema, _body({**AUDIO, "input_audio": {"data": "x", "format": "mp4"}}))
    assert definitions.errors(request_schema, _body({"type": "file"}))
    assert definitions.gated == {"AudioPart": "audio-input", "FilePart": "documents"}


def test_a_body_with_a_gated_part_is_named_unless_the_profile_declares_its_feature():
    definitions = spec.load(CHAT)
    assert definitions.undeclared(_body(AUDIO, FILE), frozenset({"stream"})) == \
        ["AudioPart (audio-input)", "FilePart (documents)"]
    assert definitions.undeclared(_body(AUDIO, FILE), frozenset({"audio-input", "documents"})) == []
    assert definitions.undeclared(_body(), frozenset()) == []


def test_the_drawn_document_offers_a_gated_part_only_with_its_feature():
    definitions = spec.load(CHAT)
    offered = {a["$ref"].rsplit("/", 1)[-1] for a in definitions.without(frozenset())
               ["components"]["schemas"]["ContentPart"]["oneOf"]}
    assert offered == {"TextPart", "ImagePart"}
    offered = {a["$ref"].rsplit("/", 1)[-1] for a in definitions.without(frozenset({"audio-input", "documents"}))
               ["components"]["schemas"]["ContentPart"]["oneOf"]}
    assert offered == {"TextPart", "ImagePart", "AudioPart", "FilePart"}


@pytest.mark.parametrize("negative", [False, True], ids=["positive", "negative"])
def test_the_fuzzer_sends_no_audio_or_file_part_to_a_profile_without_the_feature(negative):
    without = fuzz.generated(_target({"stream", "tools"}, 30), CHAT, PATH, negative=negative, count=30)
    assert without, "the draw yields cases"
    assert _gated_parts(without) == []
    if not negative:
        # The same draw for a profile that declares both features does send them: the count above
        # is of something the fuzzer otherwise generates.
        declared = fuzz.generated(_target({"stream", "tools", "audio-input", "documents"}, 30), CHAT, PATH,
                                  negative=False, count=30)
        assert _gated_parts(declared)
