"""The job as created: its shape, its id, its status and progress."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.openai_videos import NAME
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("video")


@pytest.mark.check("openai-videos/create/schema", level="must",
                   source="openai-python api_reference/openapi.transformed.yml createVideo 200 VideoResource "
                          "(status a VideoStatus); src/openai/types/video.py (the fields it requires); "
                          "openapi/openai-videos.yaml#/components/schemas/VideoResource")
def test_schema(task):
    """The create answer is a VideoResource: `object: video`, a non-empty `id` (the job to poll), a
    `status` of the official four (queued, in_progress, completed, failed), its model, progress,
    creation time, size and seconds."""
    spec.load(NAME).check("VideoResource", checks.ok_json(task.answered("submit", owner="create/schema")),
                          what="the created video job")


@pytest.mark.check("openai-videos/create/progress", level="must",
                   source="openai-python api_reference/openapi.transformed.yml VideoResource.progress "
                          "(approximate completion percentage)")
def test_progress(task):
    """`progress` is a percentage: an integer from 0 to 100."""
    progress = checks.ok_json(task.answered("submit", owner="create/schema")).get("progress")
    expect(isinstance(progress, int) and not isinstance(progress, bool) and 0 <= progress <= 100,
           "progress an integer percentage, 0..100", progress)
