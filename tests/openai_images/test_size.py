"""`size`: the image has the width and height asked for."""

import pytest

from llmconform import checks
from llmconform.surfaces.openai_images import decode, dimensions, images, requested_size
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("images")


@pytest.mark.check("openai-images/size/honoured", level="must",
                   source="openai-python api_reference/openapi.transformed.yml CreateImageRequest.size "
                          "(the size of the generated images)")
def test_honoured(basic):
    """`size: WxH` → the base64 image's own header (PNG IHDR, JPEG SOF, WebP) says W×H."""
    wanted = requested_size(basic.request)
    if wanted is None:
        pytest.skip(f"the request asked for no WxH size ({basic.request.body.get('size')!r})")
    found = images(checks.ok_json(basic))
    raws = [decode(i.get("b64_json")) for i in found]
    sizes = [dimensions(raw) for raw in raws if raw]
    if not sizes or None in sizes:
        pytest.skip("no image whose header gives its size (the format check says why)")
    expect(all(size == wanted for size in sizes), f"{wanted[0]}x{wanted[1]} images, as size asked",
           ", ".join(f"{w}x{h}" for w, h in sizes))
