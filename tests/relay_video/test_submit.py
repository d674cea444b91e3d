"""The submit answer: a task id to poll."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.relay_video import NAME

pytestmark = pytest.mark.feature("video")


@pytest.mark.check("relay-video/submit/task-id", level="must",
                   source="new-api relay/relay_task.go (the submit answer, dto/openai_video.go OpenAIVideo with "
                          "task_id); openapi/relay-video.yaml#/components/schemas/SubmittedTask")
def test_task_id(task):
    """A submitted task answers 200 with its non-empty id (`id`, or the legacy `task_id`): the id its
    status is fetched by."""
    spec.load(NAME).check("SubmittedTask", checks.ok_json(task.answered("submit", owner="submit/task-id")),
                          what="the submitted task")
