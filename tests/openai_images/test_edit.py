"""Image edits: an image sent with a prompt comes back edited."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.openai_images import NAME, decode, image_format, images
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("images")


@pytest.mark.check("openai-images/edit/image", level="must",
                   source="openai-python api_reference/openapi.transformed.yml createImageEdit (multipart image and "
                          "prompt) → ImagesResponse; CreateImageEditRequest.response_format b64_json")
def test_image(edit):
    """A PNG and a prompt sent to /v1/images/edits → an ImagesResponse with one image whose
    `b64_json` decodes to a PNG, JPEG or WebP file."""
    data = checks.ok_json(edit)
    spec.load(NAME).check("ImagesResponse", data, what="the image edit answer")
    found = images(data)
    expect(len(found) == 1, "one edited image, as n asked", data.get("data"))
    raw = decode(found[0].get("b64_json"))
    expect(raw is not None and image_format(raw), "b64_json decoding to a PNG, JPEG or WebP file",
           f"{sorted(found[0])}: {str(found[0].get('b64_json'))[:60]!r}")
