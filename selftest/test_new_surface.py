"""Adding a surface is four files: its spec, the module that registers it, its tests folder's
one-line conftest, and its fake.

In a temporary copy of the project a throwaway images-like surface (POST /v1/images/generations,
answered with one JSON body, no text, no stream, no tools) is added the way a newcomer would. Then
nothing else changed, the command line accepts `--surface images`, and a run against its loopback
fake decides exactly the rules written once in `tests/common/` that fit such a surface (its key
refused 401, its error envelope, its invalid input, its answer's schema and content type, the
spec's documented examples), and none that need a reader it does not have (text, streams, tool
calls, steering, billing) or a field its answer does not carry (`model`). Priced per image (one
line of its spec, `x-llmconform-cost`), the same four files get the shared rules' cost-aware path
alone, under the feature: nothing of it is sent without it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from selftest.fakes import KEY, MODEL
from selftest.test_new_check import _copy

NAME = "images"
SPEC = '''openapi: 3.1.0
info:
  title: Images (a throwaway surface of selftest/test_new_surface.py)
  version: 1.0.0
  description: An images-like operation, in the shape of OpenAI's POST /v1/images/generations.
servers:
  - url: /
security:
  - bearer: []
paths:
  /v1/images/generations:
    post:
      operationId: createImage
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/CreateImageRequest"
            examples:
              reference-basic:
                summary: One small image.
                value: {model: img-1, prompt: A lighthouse at night., size: 256x256}
      x-llmconform-probes:
        basic:
          owners: {not-json: response/schema, "*": response/content-type}
          primary: true
          summary: One small image, as base64.
          value: {model: "{model}", prompt: "A lighthouse at night.", size: 256x256, response_format: b64_json}
      x-llmconform-invalid:
        missing-prompt:
          check: invalid/missing-prompt
          rule: "No `prompt` → 400."
          what: "a request without prompt"
          summary: No prompt.
          expect: 400
          level: must
          source: "openapi/images.yaml#/components/schemas/CreateImageRequest (prompt required)"
          value: {model: "{model}"}
      responses:
        "200":
          description: The images.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ImagesResponse"
        4XX:
          description: The OpenAI error envelope.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ErrorResponse"
        5XX:
          description: The OpenAI error envelope.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ErrorResponse"
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
  schemas:
    CreateImageRequest:
      type: object
      required: [prompt]
      additionalProperties: false
      properties:
        model: {type: string, minLength: 1}
        prompt: {type: string, minLength: 1}
        n: {type: integer, minimum: 1, maximum: 1}
        size: {type: string, enum: [256x256, 512x512, 1024x1024]}
        response_format: {type: string, enum: [url, b64_json]}
    ImagesResponse:
      type: object
      required: [created, data]
      properties:
        created: {type: integer}
        data:
          type: array
          items:
            type: object
            properties:
              b64_json: {type: string}
              url: {type: string}
    ErrorResponse:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [message, type, param, code]
          properties:
            message: {type: string}
            type: {type: string}
            param: {type: [string, "null"]}
            code: {type: [string, "null"]}
    ErrorResponseTolerated:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [message]
          properties:
            message: {type: string}
'''
MODULE = '''"""images: a throwaway surface (selftest/test_new_surface.py)."""

from llmconform.surfaces import Surface, common_builders, register

NAME = "images"
SURFACE = register(Surface(name=NAME, path="/v1/images/generations", builders=common_builders(NAME),
                           answer="the images answer"))
'''
CONFTEST = '''from llmconform.fixtures import for_surface

globals().update(for_surface("images"))
'''
FAKE = '''"""POST /v1/images/generations (selftest/test_new_surface.py)."""

from __future__ import annotations

from llmconform import spec
from selftest.fakes import server
from selftest.fakes.server import MODEL, FakeRequest, Reply, route


def _reject(f: FakeRequest) -> Reply | None:
    body, refused = server.openai_request(f, "images", "Traceback (most recent call last)")
    if refused:
        return refused
    problems = spec.load("images").errors("CreateImageRequest", body)
    if problems:
        return server.openai_envelope(400, f"Invalid request: {problems[0]}", "invalid_request_error", f, "images")
    if body.get("model", MODEL) != MODEL:
        return server.openai_envelope(404, "The model does not exist", "invalid_request_error", f, "images",
                                      "model_not_found")
    return None


@route("/v1/images/generations", reject=_reject)
def images(f: FakeRequest) -> Reply:
    return Reply.json({"created": 1700000000, "data": [{"b64_json": "iVBORw0KGgo="}]})
'''
# What a run of the new surface decides: the shared rules that fit an answer in one JSON body.
EXPECTED = {
    "images/auth/no-key", "images/auth/wrong-key",
    "images/errors/envelope", "images/errors/leaks-internals",
    "images/invalid/malformed-json", "images/invalid/unknown-model", "images/invalid/missing-prompt",
    "images/response/schema", "images/response/content-type",
    "images/schema/examples", "images/schema/fuzz-positive", "images/schema/fuzz-negative",
}
SERVE = '''
import sys
from selftest.fakes import FakeProvider
fake = FakeProvider().start()
print(fake.base_url, flush=True)
sys.stdin.read()
'''


def _env(copy: Path) -> dict[str, str]:
    # The fake's own key (selftest.fakes.KEY), named by the run's --api-key-env.
    return {**os.environ, "PYTHONPATH": f"{copy / 'src'}{os.pathsep}{copy}", "IMAGES_KEY": KEY}


def _four_files(tmp_path: Path, spec_text: str) -> Path:
    copy = tmp_path / "project"
    _copy(copy)
    (copy / "openapi/images.yaml").write_text(spec_text)
    (copy / "src/llmconform/surfaces/images.py").write_text(MODULE)
    (copy / "tests/images").mkdir()
    (copy / "tests/images/conftest.py").write_text(CONFTEST)
    (copy / "selftest/fakes/images.py").write_text(FAKE)
    status = subprocess.run(["git", "status", "--porcelain", "-uall"], cwd=copy, capture_output=True, text=True).stdout
    assert sorted(line[3:] for line in status.splitlines()) == [
        "openapi/images.yaml", "selftest/fakes/images.py", "src/llmconform/surfaces/images.py",
        "tests/images/conftest.py"]
    return copy


def _runs(copy: Path, tmp_path: Path, *extra: list[str]) -> list[tuple[subprocess.CompletedProcess[str], Path]]:
    """Runs of the new surface against its fake, one per argument list: (the process, its JSON report)."""
    env = _env(copy)
    fake = subprocess.Popen([sys.executable, "-c", SERVE], cwd=copy, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    done = []
    try:
        assert fake.stdout is not None
        base_url = fake.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:"), base_url
        for index, args in enumerate(extra):
            report = tmp_path / f"report-{index}.json"
            done.append((subprocess.run([sys.executable, "-m", "llmconform.cli", "run", "--base-url", base_url,
                                         "--surface", NAME, "--model", MODEL, "--api-key-env", "IMAGES_KEY",
                                         "--fuzz-cases", "2", "--report-json", str(report), *args],
                                        cwd=copy, env=env, capture_output=True, text=True, timeout=900), report))
    finally:
        fake.stdin.close()  # type: ignore[union-attr]
        fake.wait(timeout=30)
    return done


def test_a_new_surface_is_four_files_and_gets_the_shared_rules_that_fit(tmp_path):
    copy = _four_files(tmp_path, SPEC)
    [(ran, report)] = _runs(copy, tmp_path, [])
    assert ran.returncode in (0, 1), ran.stdout[-3000:] + ran.stderr[-3000:]
    rows = {row["id"]: row for row in json.loads(report.read_text())["results"]}
    assert set(rows) == EXPECTED, f"rows beyond or short of the shared rules that fit: {sorted(set(rows) ^ EXPECTED)}"
    decided = {check: row["verdict"] for check, row in rows.items()}
    assert all(verdict == "pass" for verdict in decided.values()), decided


# The same surface priced per image: its spec's one line more is all it takes.
PAID_SPEC = SPEC.replace("      operationId: createImage\n", "      operationId: createImage\n"
                         "      x-llmconform-cost: {feature: images, class: image, unit: one small image}\n")
# What a run of it decides under the feature: the shared rules' cost-aware path — the keys refused,
# the errors seen, the content type of the answer it reads anyway, the invalid case its spec
# declares; never schemathesis's cases, the unknown model or half a JSON body, nor the shared schema rule.
PAID_EXPECTED = {
    "images/auth/no-key", "images/auth/wrong-key",
    "images/errors/envelope", "images/errors/leaks-internals",
    "images/invalid/missing-prompt", "images/response/content-type",
}


def test_a_new_paid_surface_gets_the_shared_rules_by_their_cost_aware_path(tmp_path):
    copy = _four_files(tmp_path, PAID_SPEC)
    (plan, _), (undeclared, skipped), (ran, report) = _runs(
        copy, tmp_path, ["--feature", "images", "--plan"], ["--feature", "stream"], ["--feature", "images"])
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr[-3000:]
    # basic, the two refused keys and the one declared invalid case: each an image where served.
    assert "paid media: 4 image" in plan.stdout, plan.stdout
    assert undeclared.returncode == 2, undeclared.stdout[-3000:]
    rows = json.loads(skipped.read_text())["results"]
    assert {row["id"] for row in rows} == PAID_EXPECTED
    assert all(row["verdict"] == "skip" and "feature 'images' not declared" in row["message"] for row in rows), rows
    assert ran.returncode in (0, 1), ran.stdout[-3000:] + ran.stderr[-3000:]
    decided = {row["id"]: row["verdict"] for row in json.loads(report.read_text())["results"]}
    assert set(decided) == PAID_EXPECTED, f"beyond or short of the cost path: {sorted(set(decided) ^ PAID_EXPECTED)}"
    assert all(verdict == "pass" for verdict in decided.values()), decided
