"""The cost guard of the paid media surfaces (issue #23): a request to an operation its spec prices
per item (`x-llmconform-cost`) is sent only when the profile declares that feature, and `run
--plan` shows the paid requests by cost class. Counted on the loopback fake: what arrives there is
what a provider would bill."""

from __future__ import annotations

import re

import pytest

from llmconform import spec
from llmconform.client import Client
from llmconform.exchange import UNDECLARED, Request
from llmconform.profile import Profile, SurfaceConfig
from llmconform.redact import Redactor
from llmconform.surfaces import having
from selftest.fakes import KEY, MODEL
from selftest.harness import KEY_ENV, run, verdicts

MEDIA_PATHS = ("/v1/images/", "/v1/audio/", "/v1/rerank")  # every paid media operation's path


def _media(fake, since: int) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.seen[since:] if r.path.startswith(MEDIA_PATHS)]


def test_undeclared_media_feature_sends_nothing(fake):
    """The surface declared, its feature not: every check of it skips, saying which feature to
    declare, and the fake sees no request to a media path (the pre-flight asks the free model list)."""
    before = len(fake.seen)
    code, report, out = run(fake.base_url, "openai-images", features=["stream"])
    assert _media(fake, before) == [], out[-1500:]
    rows = [r for r in report["results"] if r["id"].startswith("openai-images/")]
    assert rows and all(r["verdict"] == "skip" for r in rows), verdicts(report)
    assert all("feature 'images' not declared" in r["message"] for r in rows), rows[0]
    assert code == 2, out[-800:]  # nothing decided: exit 2 with its cause


def test_declared_media_feature_is_probed(fake):
    before = len(fake.seen)
    code, _, out = run(fake.base_url, "openai-images", features=["images"])
    assert code == 0, out[-1500:]
    # One image as base64, one as a URL, one edit: the three probes the checks read, each sent once;
    # and the shared auth rules' two, without a key and with a wrong one (refused before generating).
    assert sorted(_media(fake, before)) == ["POST /v1/images/edits"] + ["POST /v1/images/generations"] * 4
    keys = sorted(r.headers.get("authorization", "(none)") for r in fake.seen[before:]
                  if r.path == "/v1/images/generations")
    assert keys.count(f"Bearer {KEY}") == 2 and "(none)" in keys, keys


@pytest.mark.parametrize("surface", having(lambda surface: surface.paid))
def test_the_plans_paid_count_is_what_a_run_sends(fake, surface):
    """Every paid surface, its features declared: `--plan`'s paid requests by cost class (its own
    checks' and the shared rules' — a key refused, the errors seen) are the paid requests the run
    then sends, one for one; the shared rules add none beyond the plan."""
    code, _, out = run(fake.base_url, surface, extra=["--plan"])
    assert code == 0, out
    line = next((line for line in out.splitlines() if line.strip().startswith(surface)), "")
    found = re.search(r"paid media: ([^;)]*)", line)
    assert found, out
    planned = {kind: int(n) for n, kind in (part.split(" ", 1) for part in found.group(1).split(", "))}
    before = len(fake.seen)
    code, _, out = run(fake.base_url, surface)
    assert code == 0, out[-1500:]
    sent: dict[str, int] = {}
    for request in fake.seen[before:]:
        cost = spec.cost_of(surface, request.method, request.path)
        if cost is not None:
            sent[cost.kind] = sent.get(cost.kind, 0) + 1
    assert sent == planned, f"plan {planned}, sent {sent}: {line}"


def test_the_client_refuses_an_undeclared_paid_request(fake, monkeypatch):
    """Below the checks: whoever builds the request (a schemathesis case, the sweep), the client
    itself does not send it; the exchange says what to declare."""
    monkeypatch.setenv(KEY_ENV, KEY)
    profile = Profile(name="fake", base_url=fake.base_url, auth_env=KEY_ENV, auth_style=None,
                      surfaces={"openai-images": SurfaceConfig(model=MODEL, features=frozenset({"stream"}))})
    client = Client(profile, keys={KEY_ENV: KEY}, mode="live", redactor=Redactor([KEY]))
    before = len(fake.seen)
    exchange = client.send(Request(surface="openai-images", probe="basic", method="POST",
                                   path="/v1/images/generations", body={"model": MODEL, "prompt": "x"}))
    client.close()
    assert exchange.problem == UNDECLARED and exchange.status is None
    assert "feature 'images'" in exchange.problem_detail and "nothing sent" in exchange.problem_detail
    assert exchange.outcome.kind == "undecided"
    assert _media(fake, before) == [] and client.budget.requests == 0


def test_plan_shows_paid_requests_by_cost_class(fake):
    before = len(fake.seen)
    code, _, out = run(fake.base_url, "openai-images", features=["images"], extra=["--plan"])
    assert code == 0, out
    assert "paid media: 5 image" in out, out  # three probes, and the shared rules' two refused keys
    assert "no generated schema/fuzz cases" in out, out
    assert len(fake.seen) == before, "a plan sends nothing"


def test_one_operation_declared_the_other_not(fake):
    """openai-audio with `speech` alone: the speech probes go out, the transcription's clip never
    does, and its checks say which feature to declare."""
    before = len(fake.seen)
    code, report, out = run(fake.base_url, "openai-audio", features=["speech"])
    assert code == 0, out[-1500:]
    # The speech probes (mp3, wav) and the shared auth rules' two keys refused: all under `speech`.
    assert sorted(_media(fake, before)) == ["POST /v1/audio/speech"] * 4, out[-800:]
    found = verdicts(report)
    assert found["openai-audio/speech/format"] == "pass"
    for check in ("openai-audio/transcription/text", "openai-audio/transcription/close"):
        assert found[check] == "skip"
        assert "feature 'transcription' not declared" in next(r["message"] for r in report["results"]
                                                             if r["id"] == check)


def _sweep(fake, tmp_path, surfaces: dict, models: str) -> tuple[int, dict, str]:
    import contextlib
    import io
    import json
    import os

    import yaml

    from llmconform.sweep import cli as sweep_cli

    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump({"name": "fake", "base_url": fake.base_url, "auth": {"env": KEY_ENV},
                                       "surfaces": surfaces,
                                       "budget": {"max_requests": 20, "max_output_tokens": 10000}}))
    os.environ[KEY_ENV] = KEY
    report = tmp_path / "sweep.json"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = sweep_cli.main(["--profile", str(profile), "--models", models, "--report-json", str(report),
                               "--timeout-read", "3", "--timeout-total", "8"])
    return code, {r["model"]: r for r in json.loads(report.read_text())["models"]}, out.getvalue()


def test_the_sweep_probes_a_media_model_only_where_the_profile_allows_its_cost(fake, tmp_path):
    """An image model is probed on openai-images (one request) when the profile declares it with
    `images`; a speech model whose surface is not declared stays "not probed", nothing sent for it."""
    chat = {"openai-chat": {"model": MODEL}}
    before = len(fake.seen)
    code, rows, out = _sweep(fake, tmp_path, {**chat, "openai-images": {"model": MODEL, "features": ["images"]}},
                             "dall-e-3,tts-1")
    assert code == 0, out[-1500:]
    assert rows["dall-e-3"]["surface"] == "openai-images" and rows["dall-e-3"]["available"] is True, rows["dall-e-3"]
    assert rows["tts-1"]["outcome"] == "not-probed" and rows["tts-1"]["available"] is None
    assert _media(fake, before) == ["POST /v1/images/generations"], out[-800:]
    before = len(fake.seen)
    _, rows, out = _sweep(fake, tmp_path, {**chat, "openai-images": {"model": MODEL}}, "dall-e-3")
    assert rows["dall-e-3"]["outcome"] == "not-probed" and _media(fake, before) == [], out[-800:]


def test_a_result_url_off_the_providers_origin_gets_no_key(fake, monkeypatch):
    """A task's result may sit on a CDN: the request to it (an absolute URL) carries the key only on
    the provider's own origin, never elsewhere — nor the profile's own headers."""
    monkeypatch.setenv(KEY_ENV, KEY)
    profile = Profile(name="fake", base_url=fake.base_url, auth_env=KEY_ENV, auth_style=None,
                      surfaces={"relay-video": SurfaceConfig(model=MODEL, features=frozenset({"video"}))},
                      headers={"x-tenant": "secret-tenant"})
    client = Client(profile, keys={KEY_ENV: KEY}, mode="live", redactor=Redactor([KEY]))
    elsewhere = fake.base_url.replace("127.0.0.1", "localhost")
    sent = {}
    for where, base in (("home", fake.base_url), ("elsewhere", elsewhere)):
        exchange = client.send(Request(surface="relay-video", probe="result", method="HEAD",
                                       path=f"{base}/files/task_1.mp4", binary=True))
        assert exchange.status == 200 and exchange.content_type == "video/mp4", exchange.evidence()
        sent[where] = fake.seen[-1].headers
    client.close()
    assert sent["home"].get("authorization") == f"Bearer {KEY}" and sent["home"].get("x-tenant")
    assert "authorization" not in sent["elsewhere"] and "x-tenant" not in sent["elsewhere"], sent["elsewhere"]


def test_plan_counts_a_task_flows_paid_step_alone(fake):
    """A video job's flow: the submit is the one paid request; its polls and fetches are free (the
    plan still counts them as requests, each poll at its max_polls). The shared auth rules' two
    submits (no key, a wrong one) are counted with them; the error rules read the job's own."""
    before = len(fake.seen)
    code, _, out = run(fake.base_url, "openai-videos", features=["video"], extra=["--plan"])
    assert code == 0, out
    assert "paid media: 3 video" in out, out
    assert len(fake.seen) == before, "a plan sends nothing"


def test_midjourney_imagine_is_paid_as_images_and_its_key_may_ride_mj_api_secret(fake):
    """relay-midjourney: without the `images` feature no /mj/ request is sent; with it, and the key
    placed as new-api's TokenAuth also reads it (`mj-api-secret`, no Authorization), the imagine is
    submitted once and its task followed to a served image."""
    before = len(fake.seen)
    code, report, out = run(fake.base_url, "relay-midjourney", features=["video"])
    assert [r.path for r in fake.seen[before:] if r.path.startswith("/mj/")] == [], out[-1500:]
    rows = [r for r in report["results"] if r["id"].startswith("relay-midjourney/")]
    assert rows and all(r["verdict"] == "skip" for r in rows), verdicts(report)
    assert code == 2, out[-800:]  # nothing decided: exit 2 with its cause
    before = len(fake.seen)
    code, report, out = run(fake.base_url, "relay-midjourney", features=["images"], auth_style="mj-api-secret",
                            checks=["relay-midjourney/submit/task-id", "relay-midjourney/task/result"])
    found = {r["id"]: r["verdict"] for r in report.get("results", [])}
    assert found["relay-midjourney/submit/task-id"] == "pass" and found["relay-midjourney/task/result"] == "pass", out
    assert code == 0, out[-1500:]
    submits = [r for r in fake.seen[before:] if r.path == "/mj/submit/imagine"]
    assert len(submits) == 1 and submits[0].headers.get("mj-api-secret") == KEY, submits
    assert "authorization" not in submits[0].headers
