"""Honest edges (issue 17): no key sent where it was not meant, no exit 0 that was not earned, no
request spent on the user's own mistake, no scratch file in the user's directory — each against a
loopback server, counting the requests it saw."""

import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import ClassVar
from xml.etree import ElementTree as ET

import pytest

from llmconform.console import Console
from llmconform.profile import FEATURES, load_profile
from llmconform.profile import schema as profile_schema
from selftest.fakes import KEY, MODEL
from selftest.harness import KEY_ENV, ROOT, cli, one_line

CHAT = ["--surface", "openai-chat", "--model", MODEL]
SDK_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "GEMINI_API_KEY",
                 "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL")


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    for variable in SDK_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def refused_before_any_request(fake, *argv: str) -> str:
    """Runs the command line; asserts exit 2, one line, and no request reaching the server."""
    before = fake.requests
    code, out = cli(*argv)
    assert code == 2, out[-1500:]
    assert fake.requests == before, f"{fake.requests - before} requests spent on the user's mistake"
    return one_line(out)


# -- 1. keys go only where they belong ----------------------------------------------------------

def test_an_sdk_key_in_the_shell_is_never_sent_to_another_host(fake, env):
    env.setenv("OPENAI_API_KEY", KEY)
    line = refused_before_any_request(fake, "run", "--base-url", fake.base_url, *CHAT)
    assert "$OPENAI_API_KEY is set" in line and "--api-key-env" in line and KEY not in line


def test_an_sdk_key_goes_with_its_own_base_url(fake, env):
    env.setenv("OPENAI_API_KEY", KEY)
    env.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
    seen = len(fake.seen)
    code, out = cli("run", "--base-url", fake.base_url, *CHAT, "--check", "openai-chat/response/schema")
    assert code == 0, out[-1500:]
    assert any(r.headers.get("authorization") == f"Bearer {KEY}" for r in fake.seen[seen:])


def test_api_key_env_none_sends_no_key_even_with_one_in_the_shell(fake, env):
    env.setenv("OPENAI_API_KEY", KEY)
    seen = len(fake.seen)
    with fake.faulty("chat.auth-open"):
        code, out = cli("run", "--base-url", fake.base_url, *CHAT, "--api-key-env", "none",
                        "--check", "openai-chat/response/schema")
    assert code == 0, out[-1500:]
    sent = fake.seen[seen:]
    assert sent and not any(KEY in json.dumps(r.headers) for r in sent)


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        type(self).seen.append({k.lower(): v for k, v in self.headers.items()})
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST


@pytest.mark.parametrize(("surface", "url", "variable", "belongs"), [
    ("openai-chat", "https://api.openai.com", "OPENAI_API_KEY", True),
    ("openai-responses", "http://api.openai.com", "OPENAI_API_KEY", False),  # in clear: not the vendor's API
    ("anthropic-messages", "https://api.anthropic.com", "ANTHROPIC_API_KEY", True),
    ("anthropic-messages", "https://api.openai.com", "ANTHROPIC_API_KEY", False),
    ("gemini", "https://generativelanguage.googleapis.com", "GEMINI_API_KEY", True),
    ("gemini", "https://relay.example", "GOOGLE_API_KEY", False),
])
def test_an_sdk_key_belongs_to_its_vendors_own_host(env, surface, url, variable, belongs):
    from llmconform.profile import profile_from_flags

    env.setenv(variable, KEY)
    profile = profile_from_flags(url, None, [surface], MODEL)
    assert profile.key_env_for(surface) == (variable if belongs else None)
    assert profile.surfaces[surface].foreign_env == (None if belongs else variable)


def test_a_redirect_to_another_host_never_carries_the_key(fake, env):
    elsewhere = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
    try:
        port = elsewhere.server_address[1]
        with fake.faulty(f"hostile.redirect-to=http://localhost:{port}"):
            code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, *CHAT,
                            "--check", "openai-chat/response/schema")
    finally:
        elsewhere.shutdown()
        elsewhere.server_close()
    assert code in (1, 2), out[-1500:]
    assert not [h for h in _Recorder.seen if KEY in json.dumps(h)], "the key followed a redirect to another host"


# -- 2. exit 0 is earned --------------------------------------------------------------------------

def test_https_against_a_plain_http_port_is_one_line(fake, env):
    https = fake.base_url.replace("http://", "https://")
    line = refused_before_any_request(fake, "run", "--base-url", https, "--api-key-env", KEY_ENV, *CHAT)
    assert "TLS with" in line and f"try {fake.base_url}" in line


@pytest.mark.parametrize("budget", ["0", "-3"])
def test_a_budget_of_nothing_is_refused_before_any_request(fake, env, budget):
    line = refused_before_any_request(fake, "run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, *CHAT,
                                      "--budget-requests", budget)
    assert "--budget-requests takes at least 1" in line


def test_a_profile_budget_of_nothing_is_refused(fake, env, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: p\nbase_url: {fake.base_url}\nauth: {{env: {KEY_ENV}}}\n"
                       f"surfaces: {{openai-chat: {{model: {MODEL}}}}}\nbudget: {{max_requests: 0}}\n")
    line = refused_before_any_request(fake, "run", "--profile", str(profile))
    assert "budget.max_requests must be at least 1" in line


def test_a_documents_template_value_in_a_profile_request_is_refused_live(fake, env, tmp_path):
    """A request copied from a reference page with its template values (`"<string>"`) replays that
    page offline; live it would spend a request on a template and FAIL the provider for it: one
    line naming the field, exit 2, nothing sent. A surface not selected does not stop the run."""
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: p\nbase_url: {fake.base_url}\nauth: {{env: {KEY_ENV}}}\nsurfaces:\n"
                       f"  openai-chat: {{model: {MODEL}, requests: {{basic: {{model: {MODEL}, "
                       f"messages: [{{role: user, content: '<string>'}}]}}}}}}\n"
                       f"  anthropic-messages: {{model: {MODEL}}}\n")
    line = refused_before_any_request(fake, "run", "--profile", str(profile))
    assert "surfaces.openai-chat.requests" in line and "basic.messages[0].content = '<string>'" in line, line
    code, out = cli("run", "--profile", str(profile), "--surface", "anthropic-messages", "--check",
                    "anthropic-messages/response/schema")
    assert code == 0, out[-1500:]


def test_a_run_that_decided_nothing_is_exit_2_with_its_cause(fake, env):
    with fake.faulty("hostile.429-storm"):
        code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, *CHAT,
                        "--check", "openai-chat/response/schema")
    assert code == 2, out[-1500:]
    line = [x for x in out.splitlines() if x.startswith("llmconform: no check")]
    assert line and "rate-limited" in line[0] and "1 undecided" in line[0], out[-1500:]


# -- 4. the budget is a finite cap; --plan sends nothing --------------------------------------------

def test_plan_prints_each_surface_and_sends_nothing(fake, env):
    env.delenv(KEY_ENV)  # a plan needs no key
    before = fake.requests
    code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, "--surface", "openai-chat",
                    "--surface", "anthropic-messages", "--model", MODEL, "--plan", "--fuzz-cases", "3")
    assert code == 0, out[-1500:]
    assert fake.requests == before, "--plan sent requests"
    rows = {m[1]: (int(m[2]), int(m[3])) for m in re.finditer(r"^  (\S+)\s+(\d+) requests\s+(\d+) output tokens",
                                                                 out, re.M)}
    assert set(rows) == {"openai-chat", "anthropic-messages", "total"}, out
    assert rows["total"][0] == rows["openai-chat"][0] + rows["anthropic-messages"][0] > 0
    budget = re.search(r"budget: (\d+) requests, (\d+) output tokens", out)
    assert budget and int(budget[1]) == rows["total"][0], "the default budget is the plan"


@pytest.mark.parametrize("cases", ["101", "100000000", "-1"])
def test_fuzz_cases_have_a_ceiling(fake, env, cases):
    line = refused_before_any_request(fake, "run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, *CHAT,
                                      "--fuzz-cases", cases)
    assert "--fuzz-cases takes 0 to 100" in line


# -- 5. everything typed is checked before the first request -------------------------------------

@pytest.mark.parametrize(("extra", "says"), [
    ("budgets: {max_requests: 5}\n", "unknown key 'budgets' (did you mean 'budget'?)"),
    ("catalog: {chat: [m]}\n", "unknown key 'catalog' (did you mean 'catalogue'?)"),
    ("features: [stream]\n", "unknown key 'features' (did you mean 'features', under a surface: surfaces.<surf"),
    ("auth: {env: X, styl: bearer}\n", "unknown key 'styl' in auth (did you mean 'style'?)"),
])
def test_a_typo_in_a_profile_names_the_key_and_the_nearest(fake, env, tmp_path, extra, says):
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: p\nbase_url: {fake.base_url}\nsurfaces: {{openai-chat: {{model: {MODEL}}}}}\n{extra}")
    assert says in refused_before_any_request(fake, "run", "--profile", str(profile))


def test_a_typo_inside_a_surface_and_a_feature(fake, env, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: p\nbase_url: {fake.base_url}\n"
                       f"surfaces: {{openai-chat: {{model: {MODEL}, featurs: [stream]}}}}\n")
    line = refused_before_any_request(fake, "run", "--profile", str(profile))
    assert "unknown key 'featurs' in surfaces.openai-chat (did you mean 'features'?)" in line
    line = refused_before_any_request(fake, "run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, *CHAT,
                                      "--feature", "streaming")
    assert "unknown feature 'streaming' (did you mean 'stream'?)" in line
    line = refused_before_any_request(fake, "run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV,
                                      "--surface", "openai-chats", "--model", MODEL)
    assert "unknown surface 'openai-chats' (did you mean 'openai-chat'?)" in line


def test_the_profile_schema_ships_and_holds_every_bundled_profile():
    assert profile_schema()["$id"] == "urn:llmconform:profile:1"
    for path in [*(ROOT / "vendors").glob("*.yaml"), ROOT / "examples" / "sweep-profile.yaml"]:
        load_profile(path)  # raises on a key the schema does not declare


def test_the_features_a_profile_may_name_are_those_the_checks_need():
    used = {m for path in (ROOT / "tests").rglob("test_*.py")
            for m in re.findall(r"mark\.feature\(\"([^\"]+)\"\)", path.read_text(encoding="utf-8"))}
    # A probe entry in a spec may need a feature too (`feature: documents` on the document probe), and
    # so may a request shape (`x-llmconform-feature: audio-input` on chat's AudioPart).
    used |= {m for path in (ROOT / "openapi").glob("*.yaml")
             for m in re.findall(r"^\s+(?:x-llmconform-)?feature: ([a-z_-]+)\s*$", path.read_text(encoding="utf-8"),
                                 re.M)}
    assert used == set(FEATURES)


# -- 6. bad paths and bounds fail before requests -------------------------------------------------

def test_report_paths_are_checked_before_any_request(fake, env, tmp_path):
    base = ["run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, *CHAT,
            "--check", "openai-chat/response/schema"]
    assert "is a folder" in refused_before_any_request(fake, *base, "--report-json", str(tmp_path))
    (tmp_path / "file").write_text("x")
    assert "lies under a file" in refused_before_any_request(fake, *base, "--report-md", str(tmp_path / "file/r.md"))
    assert "lies under a file" in refused_before_any_request(fake, *base, "--record", "--cassette-dir",
                                                              str(tmp_path / "file" / "c"))
    deep = tmp_path / "new" / "deeper" / "r.xml"
    code, out = cli(*base, "--junit", str(deep))
    assert code == 0 and deep.is_file(), out[-1500:]


@pytest.mark.parametrize(("flag", "value", "says"), [
    ("--timeout-total", "0", "--timeout-total takes at least 1 s"),
    ("--timeout-read", "-1", "--timeout-read takes at least 1 s"),
    ("--timeout-read", "nan", "--timeout-read takes at least 1 s"),
    ("--timeout-connect", "0", "--timeout-connect takes at least 1 s"),
    ("--max-response-bytes", "10", "--max-response-bytes takes at least 65536"),
    ("--concurrency", "0", "--concurrency takes 1 to 8"),
])
def test_bounds_are_usage_errors_not_provider_fails(fake, env, flag, value, says):
    line = refused_before_any_request(fake, "run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, *CHAT,
                                      flag, value)
    assert says in line


# -- 7. SDK lanes by default ------------------------------------------------------------------------

def test_the_sdks_are_dependencies_and_the_extra_stays_an_alias():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0] for d in project["dependencies"]}
    assert {"openai", "anthropic", "google-genai"} <= names
    assert {re.split(r"[<>=]", d, maxsplit=1)[0] for d in project["optional-dependencies"]["sdk"]} == {
        "openai", "anthropic", "google-genai"}


BLOCK_OPENAI = """
import sys
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name == "openai" or name.startswith("openai."):
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Blocked())
from llmconform.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_missing_sdk_is_counted_on_the_closing_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    run = subprocess.run([sys.executable, "-c", BLOCK_OPENAI, "run", "--replay", "--profile", "toapis",
                          "--report-json", str(tmp_path / "r.json")],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    rows = json.loads((tmp_path / "r.json").read_text())["results"]
    skipped = [r for r in rows if r["verdict"] == "skip" and "openai SDK is not installed" in r["message"]]
    assert skipped
    closing = run.stdout.strip().splitlines()[-1]
    assert f"{len(skipped)} SDK checks skipped: the openai SDK is not installed" in closing, closing


# -- 9. a silent server ends the pre-flight ---------------------------------------------------------

def test_a_server_that_accepts_and_never_answers_is_one_line_in_bounded_time(env):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # accepted, read from never, answered never
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    started = time.monotonic()
    try:
        code, out = cli("run", "--base-url", url, "--api-key-env", KEY_ENV, *CHAT, "--timeout-read", "1")
    finally:
        stop.set()
        for connection in held:
            connection.close()
        listener.close()
    assert code == 2, out[-1500:]
    assert f"no answer from {url} within 1 s" in one_line(out)
    assert time.monotonic() - started < 15


def test_help_shows_the_default_limits():
    code, out = cli("run", "--help")
    assert code == 0
    assert "(default 60.0 s)" in out and "(default 120.0 s)" in out and "(default 8388608" in out


# -- 11. scratch files, the progress label, JUnit time ----------------------------------------------

def test_a_live_run_leaves_nothing_in_the_current_directory(fake, tmp_path):
    cwd, cache = tmp_path / "cwd", tmp_path / "cache"
    cwd.mkdir()
    env = {**{k: v for k, v in os.environ.items() if k not in SDK_VARIABLES}, KEY_ENV: KEY,
           "XDG_CACHE_HOME": str(cache)}
    run = subprocess.run([sys.executable, "-m", "llmconform.cli", "run", "--base-url", fake.base_url, "--api-key-env",
                          KEY_ENV, *CHAT, "--select", "openai-chat/schema/fuzz-*", "--fuzz-cases", "1", "-q"],
                         capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    assert list(cwd.iterdir()) == [], f"left in the current directory: {list(cwd.iterdir())}"
    assert (cache / "llmconform" / "hypothesis").is_dir()


def _target(surfaces, requests, cap):
    budget = SimpleNamespace(requests=requests, max_requests=cap, output_tokens=0, max_output_tokens=100)
    return SimpleNamespace(name="p", mode="live", profile=SimpleNamespace(surfaces=surfaces),
                           client=SimpleNamespace(budget=budget))


def test_the_progress_label_names_covered_surfaces_and_what_is_left():
    console = Console(io.StringIO())
    target = _target({"openai-chat": None}, requests=10, cap=40)
    console.total, console.targets = 4, [target]
    console.started -= 20  # 10 requests in 20 s: 30 more take about 60 s
    console.row("p", "openai-chat/stream/done-sentinel", "pass", "")
    console.row("p", "gemini/stream/sse", "skip", "surface gemini not declared by profile p")
    label = console._spent()
    assert label.startswith("openai-chat ·") and "gemini" not in label, label
    assert re.search(r"at most ~(5\d|6\d) s left", label), label


def test_junit_testcases_carry_their_time(fake, env, tmp_path):
    junit = tmp_path / "r.xml"
    code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", KEY_ENV, *CHAT,
                    "--select", "openai-chat/response/*", "--junit", str(junit))
    assert code == 0, out[-1500:]
    cases = ET.parse(junit).getroot().iter("testcase")
    times = [float(case.attrib["time"]) for case in cases]
    assert times and all(t >= 0 for t in times) and sum(times) > 0
