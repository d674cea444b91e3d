"""The submit answer: a task id to poll."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.relay_midjourney import NAME

pytestmark = pytest.mark.feature("images")


@pytest.mark.check("relay-midjourney/submit/task-id", level="must",
                   source="new-api dto/midjourney.go MidjourneyResponse (Result the task id); "
                          "openapi/relay-midjourney.yaml#/components/schemas/SubmitResult")
def test_task_id(task):
    """A submitted imagine answers 200 with its non-empty task id in `result`: the id its status is
    fetched by."""
    spec.load(NAME).check("SubmitResult", checks.ok_json(task.answered("submit", owner="submit/task-id")),
                          what="the submitted task")
