"""Speech to text: a clip of a known sentence transcribed."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.openai_audio import NAME, SPOKEN, closeness
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("transcription")

CLOSE_ENOUGH = 0.6


@pytest.mark.check("openai-audio/transcription/text", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateTranscriptionResponseJson "
                          "(text required); "
                          "openapi/openai-audio.yaml#/components/schemas/CreateTranscriptionResponseJson")
def test_text(transcription):
    """A spoken clip sent with `response_format: json` → a CreateTranscriptionResponseJson whose
    `text` is not empty."""
    data = checks.ok_json(transcription)
    spec.load(NAME).check("CreateTranscriptionResponseJson", data, what="the transcription")
    expect(str(data.get("text", "")).strip(), "a non-empty transcript of a spoken sentence", data.get("text"))


@pytest.mark.check("openai-audio/transcription/close", level="should",
                   source="openai-python api_reference/openapi.transformed.yml /audio/transcriptions "
                          "(transcribes audio into the input language); the clip speaks llmconform's SPOKEN sentence")
def test_close(transcription):
    """The transcript is close to the sentence the clip speaks (most of its words in order; case and
    punctuation aside): a transcription of another clip, or of none, is not."""
    text = str(checks.ok_json(transcription).get("text", ""))
    if transcription.documented:
        # A documented answer (replayed offline) transcribes the document's own file, not our clip.
        pytest.skip("the documented answer transcribes the document's own audio, not llmconform's clip: "
                    "nothing to compare")
    score = closeness(text)
    expect(score >= CLOSE_ENOUGH, f"a transcript close to {SPOKEN!r} (word match ≥ {CLOSE_ENOUGH})",
           f"{text[:120]!r} (word match {score:.2f})")
