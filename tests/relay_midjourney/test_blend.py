"""A blend: two to five images submitted as one task."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.relay_midjourney import NAME

pytestmark = pytest.mark.feature("images")


@pytest.mark.check("relay-midjourney/blend/task-id", level="must",
                   source="new-api router/relay-router.go POST /mj/submit/blend, dto/midjourney.go MidjourneyRequest"
                          ".base64Array and MidjourneyResponse (Result the task id); "
                          "openapi/relay-midjourney.yaml#/components/schemas/SubmitResult")
def test_blend_task_id(blend):
    """A blend of two images (PNG data URLs in `base64Array`) answers 200 with its non-empty task id
    in `result`, as an imagine does."""
    spec.load(NAME).check("SubmitResult", checks.ok_json(blend), what="the submitted blend")
