"""The image generation answer: its shape, one image per image asked for."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.openai_images import NAME, images
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("images")


@pytest.mark.check("openai-images/response/schema", level="must",
                   source="openai-python api_reference/openapi.transformed.yml ImagesResponse, Image; "
                          "openapi/openai-images.yaml#/components/schemas/ImagesResponse")
def test_schema(basic):
    """The answer to one image asked for is an ImagesResponse (`created` in seconds) whose `data`
    holds `n` images."""
    data = checks.ok_json(basic)
    spec.load(NAME).check("ImagesResponse", data, what="the image generation answer")
    wanted = basic.request.body.get("n") or 1
    expect(len(images(data)) == wanted, f"{wanted} image(s) in data, as n asked", data.get("data"))
