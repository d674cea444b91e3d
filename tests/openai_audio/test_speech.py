"""Text to speech: audio of the format asked for."""

import pytest

from llmconform import checks
from llmconform.surfaces.openai_audio import audio_format, matches_format
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("speech")


@pytest.mark.check("openai-audio/speech/format", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateSpeechRequest.response_format "
                          "(mp3, opus, aac, flac, wav, pcm), /audio/speech 200 application/octet-stream; "
                          "src/openai/types/audio/speech_create_params.py")
def test_format(basic, wav):
    """Each answer is a 200 whose body is an audio file of the `response_format` asked for, by the
    file's own signature (ID3 or an MPEG frame for mp3, RIFF/WAVE for wav, Ogg Opus, fLaC, ADTS
    for aac; pcm has no header), not JSON and not empty."""
    for exchange in (basic, wav):
        checks.status_ok(exchange)
        exchange.complete()
        wanted = exchange.request.body.get("response_format") or "mp3"
        raw = exchange.body
        expect(raw, f"a {wanted} file", "an empty body")
        expect(matches_format(raw, wanted), f"a {wanted} file (response_format {wanted})",
               f"{audio_format(raw) or 'no known audio signature'}; {exchange.content_type or 'no content type'}, "
               f"first bytes {raw[:16]!r}")
