"""`response_format`: base64 when b64_json is asked for, a URL when url is."""

import pytest

from llmconform import checks
from llmconform.surfaces.openai_images import base64_only, decode, elided, image_format, images
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("images")


@pytest.mark.check("openai-images/format/b64-json", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateImageRequest.response_format "
                          "(b64_json), Image.b64_json; src/openai/types/image.py")
def test_b64_json(basic):
    """`response_format: b64_json` (the GPT image models' only form) → every image a `b64_json`
    string that decodes to a PNG, JPEG or WebP file."""
    found = images(checks.ok_json(basic))
    expect(found, "images in data", found)
    if any(elided(image.get("b64_json")) for image in found):
        # A documented answer (replayed offline) shows no bytes: skipped, so neither passed nor failed.
        pytest.skip("the answer elides the image bytes (b64_json '...', as OpenAI's API reference "
                    "writes them): nothing to decode")
    for index, image in enumerate(found):
        raw = decode(image.get("b64_json"))
        expect(raw is not None, "b64_json: a base64 string", f"image {index}: {sorted(image)} "
               f"b64_json={str(image.get('b64_json'))[:60]!r}")
        expect(image_format(raw or b""), "b64_json decoding to a PNG, JPEG or WebP file",
               f"image {index}: first bytes {(raw or b'')[:12]!r}")


@pytest.mark.check("openai-images/format/url", level="should",
                   source="openai-python api_reference/openapi.transformed.yml CreateImageRequest.response_format "
                          "(url, DALL·E's default), Image.url; src/openai/types/image.py")
def test_url(url, llmconform_target):
    """`response_format: url` → every image an absolute http(s) `url`. Where the model takes no
    `response_format` (the GPT image models return base64 only) this is not asked; a refusal of
    `url` by the model leaves it undecided."""
    model = llmconform_target.model("openai-images")
    if base64_only(model):
        pytest.skip(f"{model} returns base64 only (no response_format url in the official API)")
    if url.status is not None and 400 <= url.status < 500:
        pytest.skip(f"response_format url refused with {url.status}: the model may take base64 only")
    found = images(checks.ok_json(url))
    expect(found, "images in data", found)
    for index, image in enumerate(found):
        link = image.get("url")
        expect(isinstance(link, str) and link.startswith(("https://", "http://")),
               "an absolute http(s) url for each image", f"image {index}: url={link!r:.80}, keys {sorted(image)}")
