"""Multipart requests in cassettes (issue #23): a transcription's clip is kept as its form fields
and its file's name and content type, so a documented request (`-F file=@audio.mp3 -F model=…`)
replays for our own clip, made on the spot, whatever its bytes and boundary; a request that asks
something else (another field, no file, another kind of file) does not."""

from __future__ import annotations

from pathlib import Path

from llmconform.exchange import Exchange, Request
from llmconform.redact import Redactor
from llmconform.replay import FORM, CassetteStore, form_of
from llmconform.surfaces.openai_audio import BOUNDARY, multipart

PATH = "/v1/audio/transcriptions"


def _sent(fields: dict[str, str], content: bytes, kind: str = "audio/wav", boundary: str = BOUNDARY) -> Request:
    body = multipart(fields, "clip.wav", content, kind).replace(BOUNDARY.encode(), boundary.encode())
    return Request(surface="openai-audio", probe="transcription", method="POST", path=PATH, raw_body=body,
                   headers=(("content-type", f"{FORM}; boundary={boundary}"),))


def _store(tmp_path: Path) -> CassetteStore:
    """A cassette holding the document's request (an mp3 named, no bytes) and its answer."""
    store = CassetteStore(tmp_path, record=True, redactor=Redactor())
    store.record(Exchange(request=_sent({"model": "gpt-4o-transcribe"}, b"", "audio/mpeg"), url=PATH,
                          sent_headers={}, status=200, headers={"content-type": "application/json"},
                          body=b'{"text": "documented"}'))
    store.save()
    return CassetteStore(tmp_path, record=False, redactor=Redactor())


def test_a_form_is_kept_as_fields_and_file_kinds_never_bytes(tmp_path):
    request = _sent({"model": "m", "language": "en"}, b"RIFF\x00secret-bytes\r\n--x")
    assert form_of(dict(request.headers)["content-type"], request.content) == {
        "form": {"model": "m", "language": "en"}, "files": {"file": "audio/wav"}}
    _store(tmp_path)
    kept = (tmp_path / "openai-audio.yaml").read_text()
    assert "gpt-4o-transcribe" in kept and "audio/mpeg" in kept and BOUNDARY not in kept


def test_our_clip_replays_the_documented_answer_whatever_its_bytes_and_boundary(tmp_path):
    store = _store(tmp_path)
    for content, boundary in ((b"RIFF one clip", BOUNDARY), (b"RIFF another clip", "a-random-boundary-42")):
        answer = store.play(_sent({"model": "gpt-4o-transcribe"}, content, boundary=boundary))
        assert answer is not None and answer["status"]["code"] == 200


def test_a_form_asking_something_else_is_not_replayed(tmp_path):
    store = _store(tmp_path)
    assert store.play(_sent({"model": "whisper-1"}, b"RIFF")) is None  # another field value
    assert store.play(_sent({"model": "gpt-4o-transcribe", "language": "en"}, b"RIFF")) is None  # one more field
    assert store.play(_sent({"model": "gpt-4o-transcribe"}, b"\x89PNG", "image/png")) is None  # not audio


def test_a_form_of_fields_alone_replays_for_the_same_fields_as_json(tmp_path):
    """createVideo is documented as form fields (-F model=… -F prompt=…) and takes the same fields as
    JSON: the JSON request of the same strings is the documented one; other fields are not."""
    fields = {"model": "sora-2", "prompt": "A calico cat"}
    store = CassetteStore(tmp_path, record=True, redactor=Redactor())
    form = Request(surface="openai-videos", probe="task/submit", method="POST", path="/v1/videos",
                   raw_body=multipart(fields, None, b"", ""),
                   headers=(("content-type", f"{FORM}; boundary={BOUNDARY}"),))
    store.record(Exchange(request=form, url="/v1/videos", sent_headers={}, status=200,
                          headers={"content-type": "application/json"}, body=b'{"id": "video_123"}'))
    store.save()
    store = CassetteStore(tmp_path, record=False, redactor=Redactor())

    def as_json(body: dict) -> Request:
        return Request(surface="openai-videos", probe="task/submit", method="POST", path="/v1/videos", body=body)

    assert store.play(as_json(fields)) is not None
    assert store.play(as_json({**fields, "seconds": "8"})) is None
    assert store.play(as_json({**fields, "model": 2})) is None
