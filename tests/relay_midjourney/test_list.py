"""The list query by condition: the tasks of a list of ids."""

import pytest

from llmconform import checks, spec
from llmconform.surfaces.relay_midjourney import NAME
from llmconform.verdict import expect

pytestmark = pytest.mark.feature("images")


@pytest.mark.check("relay-midjourney/fetch/list-by-condition", level="must",
                   source="new-api relay/relay-mj.go RelayMidjourneyTask (RelayModeMidjourneyTaskFetchByCondition: "
                          "the tasks of ids as a JSON array of MidjourneyDto); "
                          "openapi/relay-midjourney.yaml#/components/schemas/MidjourneyTaskList")
def test_list_by_condition(task):
    """POST /mj/task/list-by-condition with the submitted task's id answers a JSON array of tasks
    that holds it: the query by a list of ids relays' menus offer."""
    submitted = checks.ok_json(task.answered("submit", owner="submit/task-id")).get("result")
    listing = task.answered("list", owner="fetch/list-by-condition")
    checks.status_ok(listing)
    data = listing.json()
    spec.load(NAME).check("MidjourneyTaskList", data, what="the task list")
    ids = [item.get("id") for item in data if isinstance(item, dict)]
    expect(submitted in ids, f"the submitted task {submitted!r} among the listed tasks", f"[].id: {ids}")
