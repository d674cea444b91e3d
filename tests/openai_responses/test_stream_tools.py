"""Function calls streamed: the item, its argument deltas, and the item as done."""

import pytest

from llmconform.surfaces import parse_arguments
from llmconform.surfaces.openai_responses import output_items, streamed_forced_calls, terminal_response
from llmconform.surfaces.responses_stream import grammar_problem
from llmconform.verdict import expect

pytestmark = [pytest.mark.feature("stream"), pytest.mark.feature("tools")]


def _payloads(exchange):
    payloads = [data for _, data in exchange.data_events() if isinstance(data, dict)]
    expect(payloads, "at least one event", exchange.excerpt())
    return payloads


@pytest.mark.check("openai-responses/stream-tools/call-item", level="must",
                   source="openai-python src/openai/types/responses/response_function_tool_call.py (call_id, name); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseOutputItemAddedEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/FunctionCallItem")
def test_call_item(tools_stream):
    """response.output_item.added carries a function_call item with its id, a `call_id` and the
    requested name get_weather."""
    _, calls = streamed_forced_calls(tools_stream)
    for item_id, call in calls.items():
        added = call["added"]
        expect(isinstance(added, dict), f"response.output_item.added for function call {item_id}",
               call)
        expect(added.get("id") and added.get("call_id") and added.get("name"),
               f"id, call_id and name in the added function_call item {item_id}", added)
    names = [(c["added"] or {}).get("name") for c in calls.values()]
    expect("get_weather" in names, "a call of the requested function get_weather", names)


@pytest.mark.check("openai-responses/stream-tools/arguments", level="should",
                   source="openai-python src/openai/types/responses/response_function_call_arguments_done_event.py "
                          "(arguments; valid JSON is not guaranteed); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseFunctionCallArgumentsDeltaEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseFunctionCallArgumentsDoneEvent")
def test_arguments(tools_stream):
    """The function_call_arguments deltas join to the `.done` arguments, which parse as a JSON object."""
    _, calls = streamed_forced_calls(tools_stream)
    for item_id, call in calls.items():
        joined = "".join(call["deltas"])
        expect(call["done"] == joined,
               f"call {item_id}: function_call_arguments.done equal to the joined deltas",
               {"deltas": joined, "done": call["done"]})
        expect(isinstance(parse_arguments(joined), dict), f"call {item_id}: joined arguments a JSON object",
               joined)


@pytest.mark.check("openai-responses/stream-tools/item-done", level="must",
                   source="openai-python src/openai/types/responses/response_output_item_done_event.py (the finished "
                          "item); openapi/openai-responses.yaml#/components/schemas/ResponseOutputItemDoneEvent; "
                          "openapi/openai-responses.yaml#/components/schemas/FunctionCallItem")
def test_item_done(tools_stream):
    """output_item.done and the terminal response.output carry each call with its full arguments."""
    payloads, calls = streamed_forced_calls(tools_stream)
    final = {i.get("id"): i for i in output_items(terminal_response(payloads), "function_call")}
    for item_id, call in calls.items():
        joined = "".join(call["deltas"])
        done = call["item_done"] or {}
        expect(done.get("arguments") == joined,
               f"call {item_id}: output_item.done arguments equal to the deltas",
               {"deltas": joined, "output_item.done": done or None})
        expect((final.get(item_id) or {}).get("arguments") == joined,
               f"call {item_id} in the terminal response.output with the same arguments",
               {"deltas": joined, "terminal": final.get(item_id) or sorted(final, key=str)})


@pytest.mark.check("openai-responses/stream-tools/order", level="must",
                   source="OpenAI docs, Function calling, streaming (the event lifecycle of a call); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseStreamEvent x-llmconform-events")
def test_order(tools_stream):
    """response.created → response.in_progress → output_item.added (function_call) →
    function_call_arguments.delta* → function_call_arguments.done → output_item.done → terminal."""
    problem = grammar_problem(_payloads(tools_stream))
    expect(problem is None, "the Responses event order", problem)
