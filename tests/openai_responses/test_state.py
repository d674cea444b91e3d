"""Responses state (issue 22): a conversation continued by `previous_response_id`, a stored response
retrieved and deleted, background mode polled to its end, `store: false` with the whole history
sent again, and a conversation compacted then continued from the compaction. Each flow is a sequence
probe in openapi/openai-responses.yaml (14 requests at most); only a profile declaring the `state`
feature sends them.

A turn that must use what only an earlier turn told (a code word) and does not is a warning: a weak
model may forget; a refused request, an id that does not match, a stored response not found is a
failure."""

import re

import pytest

from llmconform import checks, spec
from llmconform.exchange import Exchange, Sequence
from llmconform.surfaces.openai_responses import NAME, answer_shape, limit_spent_on_reasoning, output_items, output_text
from llmconform.verdict import Error, expect

pytestmark = pytest.mark.feature("state")

SOURCE = "openai-python at e43b4224 (2026-08-21)"
TOLD = re.compile(r"code word: ([A-Za-z0-9-]+?)\.?(?:\s|$)")


def told(turn: Exchange) -> str:
    """The code word a turn told, read from what it sent."""
    found = TOLD.search(str(turn.request.body))
    assert found, f"the {turn.request.probe} request tells no code word: {turn.request.body}"
    return found.group(1)


def recalled(flow: Sequence, what: str) -> None:
    """Turn two repeated the code word only turn one told (a warning when not: a weak model may
    forget; the failures are the checks above it)."""
    second = flow.last("turn-two")
    data = second.json_object()
    limit_spent_on_reasoning(data, second.request.output_limit)
    word, text = told(flow.last("turn-one")), output_text(data)
    expect(word.lower() in text.lower(), f"turn two, {what}, to repeat the code word {word} only turn one told",
           text[:200] or data.get("output"), severity="warn", exchange=second)


@pytest.mark.check("openai-responses/state/previous-response", level="must",
                   source=f"{SOURCE} src/openai/types/responses/response_create_params.py (previous_response_id: "
                          "\"the unique ID of the previous response ... multi-turn conversations\"), "
                          "types/responses/response.py (Response.previous_response_id)")
def test_previous_response(state_chain):
    """A turn naming the stored turn before it in `previous_response_id` is answered with a
    response that echoes that id (or null) and uses what the earlier turn told (a code word: a
    warning when it does not)."""
    first = checks.ok_json(state_chain.last("turn-one"))
    answer_shape(first, "turn one of a stored conversation")
    second_exchange = state_chain.last("turn-two")
    second = checks.ok_json(second_exchange)
    answer_shape(second, "a turn continuing turn one by previous_response_id")
    expect(second.get("previous_response_id") in (None, first.get("id")),
           f"previous_response_id echoed as {first.get('id')!r} (or null)", second.get("previous_response_id"),
           exchange=second_exchange)
    recalled(state_chain, "continuing turn one by previous_response_id")


@pytest.mark.check("openai-responses/state/retrieve", level="must",
                   source=f"{SOURCE} src/openai/resources/responses/responses.py (Responses.retrieve: GET "
                          "/responses/<response_id> → Response); openapi/openai-responses.yaml, GET "
                          "/v1/responses/<response_id> (openai-openapi getResponse)")
def test_retrieve(state_chain):
    """`GET /v1/responses/{id}` of a response just created with `store: true` answers 200 with
    that response: a Response with the same id, status, model and output text."""
    created = checks.ok_json(state_chain.last("turn-one"))
    fetched_exchange = state_chain.answered("retrieve", owner="state/retrieve")
    fetched = fetched_exchange.json_object()
    spec.load(NAME).check("Response", fetched, what="the retrieved response")
    for field in ("id", "status", "model"):
        expect(fetched.get(field) == created.get(field), f"the retrieved {field} {created.get(field)!r} "
               "(the created response's)", fetched.get(field), exchange=fetched_exchange)
    expect(output_text(fetched) == output_text(created), "the retrieved output text to be the created one",
           f"{output_text(fetched)[:120]!r} (created: {output_text(created)[:120]!r})", exchange=fetched_exchange)


@pytest.mark.check("openai-responses/state/delete", level="must",
                   source=f"{SOURCE} src/openai/resources/responses/responses.py (Responses.delete: DELETE "
                          "/responses/<response_id>); openapi/openai-responses.yaml, DELETE "
                          "/v1/responses/<response_id> (openai-openapi deleteResponse: 200; 404 for an id it does "
                          "not hold)")
def test_delete(state_chain):
    """`DELETE /v1/responses/{id}` of a stored response answers 2xx; the response is gone after it
    (a GET then answers 404: a warning when it is still there)."""
    checks.ok_json(state_chain.last("turn-one"))
    deleted = state_chain.answered("delete", owner="state/delete")
    gone = state_chain.last("gone")
    gone.complete()
    expect(gone.status == 404, "404 for GET of the response just deleted", f"status {gone.status}: {gone.excerpt()}",
           severity="warn", exchange=gone, deleted=deleted.status)


@pytest.mark.check("openai-responses/state/background", level="must",
                   source=f"{SOURCE} src/openai/types/responses/response_create_params.py (background), "
                          "types/responses/response_status.py (queued, in_progress, completed, ...), "
                          "resources/responses/responses.py (Responses.retrieve)")
def test_background(state_background):
    """`background: true` is answered at once with a Response (queued, in progress, or already
    done); polled by `GET /v1/responses/{id}`, each poll is that Response, and it ends completed
    with a non-empty answer. Not ended within the polls (2, 3 s apart) is undecided."""
    submitted_exchange = state_background.last("submit")
    submitted = checks.ok_json(submitted_exchange)
    # The rest of a Response's shape is response/schema's to judge, once; here, what polling reads.
    statuses = spec.load(NAME).node("Response", "status")["enum"]
    for n, (exchange, data) in enumerate([(submitted_exchange, submitted)] + [
            (poll, poll.json_object()) for poll in state_background.polls("poll")
            if poll.status is not None and 200 <= poll.status < 300]):
        what = "the answer to a background request" if n == 0 else f"poll {n} of the background response"
        expect(data.get("object") == "response" and data.get("status") in statuses,
               f"{what}: a response object whose status is one of {statuses}",
               {"object": data.get("object"), "status": data.get("status")}, exchange=exchange)
        expect(data.get("id") == submitted.get("id"), f"{what}: the response {submitted.get('id')!r}", data.get("id"),
               exchange=exchange)
    final_exchange = state_background.settled("poll")
    final = final_exchange.json_object()
    expect(final.get("status") == "completed", "the background response completed",
           f"status {final.get('status')!r}, error {final.get('error')}", exchange=final_exchange)
    limit_spent_on_reasoning(final, submitted_exchange.request.output_limit)
    expect(output_text(final).strip(), "a non-empty answer in the completed background response",
           final.get("output"), exchange=final_exchange)


@pytest.mark.check("openai-responses/state/stateless-history", level="must",
                   source=f"{SOURCE} src/openai/types/responses/response_create_params.py (store), "
                          "types/responses/response_input_item_param.py (ResponseOutputMessageParam: output "
                          "items are input items), types/responses/response.py (Response.store)")
def test_stateless_history(state_stateless):
    """With `store: false`, a turn sent with the whole history again (its input, the output items as
    they were returned, the next question) is answered, nothing stored echoed as `store` true; the
    answer uses what the first turn told (a warning when it does not). A reasoning item sent back
    without its encrypted content, which the official API refuses too, leaves it undecided."""
    first = checks.ok_json(state_stateless.last("turn-one"))
    answer_shape(first, "turn one with store false")
    expect(first.get("store") is not True, "store false (or absent) echoed for a request with store false",
           first.get("store"), exchange=state_stateless.last("turn-one"))
    second_exchange = state_stateless.last("turn-two")
    unreplayable = [i.get("id") for i in output_items(first, "reasoning") if not i.get("encrypted_content")]
    if unreplayable and second_exchange.status is not None and 400 <= second_exchange.status < 500:
        # The official API refuses a reasoning item sent back with store false unless it carries its
        # encrypted content (asked for with include: ["reasoning.encrypted_content"]): a correct
        # server refuses this replay too, so the refusal says nothing about the history.
        raise Error("reasoning item without encrypted content",
                    f"turn one answered with reasoning item(s) {unreplayable} without encrypted_content; sent back "
                    f"with store false the official API refuses them, as this server did (status "
                    f"{second_exchange.status}): the history replay is undecided for a reasoning model")
    second = checks.ok_json(second_exchange)
    answer_shape(second, "turn two replaying the whole history with store false")
    recalled(state_stateless, "given the whole history with store false")


COMPACT_SOURCE = ("openai-python src/openai/resources/responses/responses.py (Responses.compact), "
                  "src/openai/types/responses/compacted_response.py at 49a85c4f (output: \"a list of all user "
                  "messages, followed by a single compaction item\"), response_compaction_item.py at 07077b3b; "
                  "openapi/openai-responses.yaml#/components/schemas/CompactedResponse")


@pytest.mark.check("openai-responses/state/compact", level="must", source=COMPACT_SOURCE)
def test_compact(state_compact):
    """POST /v1/responses/compact with a short conversation → a `response.compaction` object (the
    spec's CompactedResponse) whose output holds exactly one `compaction` item (a 404 is a relay
    that does not route compaction)."""
    answer = state_compact.last("compact")
    data = checks.ok_json(answer)
    spec.load(NAME).check("CompactedResponse", data, what="the compacted conversation")
    kinds = [i.get("type") for i in data.get("output") or [] if isinstance(i, dict)]
    expect(kinds.count("compaction") == 1, "one compaction item in the compacted output", kinds, exchange=answer)


@pytest.mark.check("openai-responses/state/compact-continued", level="must",
                   source=f"{COMPACT_SOURCE}; {SOURCE} src/openai/types/responses/response_input_item_param.py "
                          "(ResponseInputItemParam includes ResponseCompactionItemParamParam, "
                          "response_compaction_item_param_param.py: a compaction item is an input item)")
def test_compact_continued(state_compact):
    """A turn whose input is the compacted output and a question is answered (2xx, a Response);
    it uses what the compacted conversation told (the code word: a warning when not, a weak model
    may forget). Nothing compacted (the compaction refused) leaves it undecided."""
    compacted = state_compact.last("compact")
    continued = state_compact.answered("continued", owner="state/compact-continued")
    data = continued.json_object()
    answer_shape(data, "a turn continuing a compacted conversation")
    limit_spent_on_reasoning(data, continued.request.output_limit)
    word, text = told(compacted), output_text(data)
    expect(word.lower() in text.lower(), f"the turn after compaction to repeat the code word {word} only the "
           "compacted conversation told", text[:200] or data.get("output"), severity="warn", exchange=continued)
