"""The submit answer (a task id to poll), and the list query that finds the task by it."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.relay_suno import NAME
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("music")


@pytest.mark.check("relay-suno/submit/task-id", level="must",
                   source="new-api dto/suno.go TaskResponse[string] (Code \"success\", Data the task id), "
                          "relay/channel/task/suno/adaptor.go DoResponse; "
                          "openapi/relay-suno.yaml#/components/schemas/SubmitResponse")
def test_task_id(task):
    """A submitted song answers 200 `{code: "success", data: "<task id>"}`: the id its status is
    fetched by."""
    spec.load(NAME).check("SubmitResponse", checks.ok_json(task.answered("submit", owner="submit/task-id")),
                          what="the submitted task")


@pytest.mark.check("relay-suno/fetch/list", level="must",
                   source="new-api relay/relay_task.go sunoFetchRespBodyBuilder (POST /suno/fetch with ids: the tasks "
                          "of those ids, TaskResponse[[]any] of TaskDto); "
                          "openapi/relay-suno.yaml#/components/schemas/TaskListResponse")
def test_list(task):
    """The list query (POST /suno/fetch) with the submitted task's id answers a TaskListResponse
    that holds that task: the query users poll several songs with."""
    submitted = checks.ok_json(task.answered("submit", owner="submit/task-id")).get("data")
    data = checks.ok_json(task.answered("list", owner="fetch/list"))
    spec.load(NAME).check("TaskListResponse", data, what="the task list")
    ids = [item.get("task_id") for item in data.get("data") or [] if isinstance(item, dict)]
    expect(submitted in ids, f"the submitted task {submitted!r} among the listed tasks", f"data[].task_id: {ids}")
