"""Backend fingerprints: reported as warnings, never as failures."""

import pytest

from llmconform import checks
from llmconform.surfaces import sub
from llmconform.surfaces.openai_responses import extension_fields, item_id_prefixes, output_items
from llmconform.verdict import warn

# The official id prefix of each output item type (x-llmconform-id-prefix on the item schemas).
ITEM_PREFIXES = item_id_prefixes()


@pytest.mark.check("openai-responses/fingerprint/id-prefix", level="should",
                   source="openapi/openai-responses.yaml#/components/schemas/Response id x-llmconform-id-prefix (a "
                          "backend fingerprint: no official rule on id formats)")
def test_id_prefix(basic):
    """The response id starts with `resp_` (W: `chatcmpl-` or `msg_` says another API's backend)."""
    checks.official_id(checks.ok_json(basic).get("id"), "openai-responses", "Response", "the response id")


@pytest.mark.check("openai-responses/fingerprint/item-ids", level="should",
                   source="openapi/openai-responses.yaml#/components/schemas/OutputItem item_id_prefixes (a backend "
                          "fingerprint: no official rule on id formats)")
def test_item_ids(basic):
    """Output item ids carry their official prefixes: `msg_` messages, `rs_` reasoning, `fc_`
    function calls (W: other prefixes say a translating relay)."""
    items = [i for i in output_items(checks.ok_json(basic)) if i.get("type") in ITEM_PREFIXES]
    odd = [f"{i['type']} {i.get('id')!r}" for i in items
           if not str(i.get("id", "")).startswith(ITEM_PREFIXES[i["type"]])]
    if odd:
        warn("item ids " + ", ".join(f"{prefix} ({kind})" for kind, prefix in ITEM_PREFIXES.items()), "; ".join(odd))


@pytest.mark.check("openai-responses/fingerprint/call-ids", level="should",
                   source="openapi/openai-responses.yaml#/components/schemas/FunctionCallItem (a backend fingerprint: "
                          "no official rule on id formats)")
@pytest.mark.feature("tools")
def test_call_ids(tools_forced):
    """A function_call item's id starts with `fc_` and its call_id with `call_` (W: `toolu_` or
    `tooluse_` say a Claude backend behind the relay)."""
    calls = output_items(checks.ok_json(tools_forced), "function_call")
    checks.need(calls, "a function_call item for the forced tool", None, owner="tools/forced-call",
                exchange=tools_forced)
    for item in calls:
        checks.official_id(item.get("id"), "openai-responses", "FunctionCallItem", "the function_call item id")
        checks.official_id(item.get("call_id"), "openai-responses", "FunctionCallItem", "the function_call call_id",
                           field="call_id")


@pytest.mark.check("openai-responses/fingerprint/extension-fields", level="should",
                   source="openai-python api_reference/openapi.transformed.yml Response (the official fields; extra "
                          "ones name a relay); openapi/openai-responses.yaml#/components/schemas/Response")
def test_extension_fields(basic):
    """The response holds only the fields of the official Response (W: `content_filters` says an
    Azure OpenAI backend; other extra fields name their relay)."""
    extension_fields("Response", checks.ok_json(basic), "the response")


@pytest.mark.check("openai-responses/fingerprint/usage-fields", level="should",
                   source="openai-python api_reference/openapi.transformed.yml ResponseUsage (the official fields); "
                          "openapi/openai-responses.yaml#/components/schemas/ResponseUsage")
def test_usage_fields(basic):
    """usage holds only the fields the API declares (W: `prompt_tokens` and friends are a
    Chat-Completions-translating relay's)."""
    extension_fields("ResponseUsage", checks.ok_json(basic).get("usage"), "usage")


@pytest.mark.check("openai-responses/fingerprint/hidden-prompt", level="should",
                   source="llmconform heuristic: input_tokens against a local estimate of the request (no official "
                          "rule)")
def test_hidden_prompt(basic):
    """input_tokens stay near what the request needs (W: thousands for a one-line question betray
    instructions the provider added)."""
    checks.input_tokens_plausible(basic.request.body, sub(checks.ok_json(basic), "usage").get("input_tokens"))
