"""The command line as a new user meets it: every wrong input is one line and exit 2 before any
request is spent; the ecosystem's habits (OPENAI_BASE_URL, /v1, -v, --report-json -) work."""

import json
import os

import pytest

from llmconform.cli import main
from selftest.fakes import KEY, MODEL
from selftest.harness import KEY_ENV, ROOT, cli, one_line

CHAT = ["--surface", "openai-chat", "--model", MODEL]


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    for variable in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    return KEY_ENV


# -- usage errors: one line, exit 2, nothing sent ---------------------------------------------

def test_no_provider_says_how_to_name_one(key):
    code, out = cli("run")
    assert code == 2
    assert "no provider given" in one_line(out)


def test_replay_without_a_cassette_names_the_folders_searched_and_what_they_hold(key, tmp_path):
    code, out = cli("run", "--replay", "--base-url", "http://localhost:8090", *CHAT)
    assert code == 2
    line = one_line(out)
    assert "no cassette for provider 'localhost-8090'" in line and "toapis" in line and "cassettes" in line


def test_replay_of_a_surface_the_cassettes_do_not_hold(key, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: toapis\nbase_url: https://toapis.com\nsurfaces: {anthropic-messages: {model: m}}\n")
    code, out = cli("run", "--replay", "--profile", str(profile))
    assert code == 2 and "holds cassettes for openai-chat only" in one_line(out)


def test_profile_yaml_error_has_line_and_column(key, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nbase_url: https://x\nsurfaces:\n  openai-chat: {model: [unclosed\n")
    code, out = cli("run", "--replay", "--profile", str(bad))
    assert code == 2 and f"{bad}:5:1: not valid YAML" in one_line(out)


def test_unknown_bundled_vendor_lists_the_bundled_ones(key):
    code, out = cli("run", "--profile", "nosuchvendor")
    bundled = "bundled: crazyrouter, dataeyes, google, local, mixrouter, openai, toapis, toiotech"
    assert code == 2 and bundled in one_line(out)


@pytest.mark.parametrize(("content", "words"), [
    (None, "does not exist"),
    ("not json", "is not an llmconform JSON report"),
    (json.dumps({"tool": "llmconform", "vendor": "someone-else", "results": []}), "is a report of 'someone-else'"),
])
def test_unusable_baseline_stops_before_any_request(fake, key, tmp_path, content, words):
    baseline = tmp_path / "old.json"
    if content is not None:
        baseline.write_text(content)
    before = fake.requests
    code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", key, *CHAT, "--baseline", str(baseline))
    assert code == 2 and words in one_line(out)
    assert fake.requests == before, "requests were spent before the baseline was checked"


def test_compare_names_the_file_it_cannot_use(tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("{ not json")
    code, out = cli("compare", str(junk))
    assert code == 2 and f"cannot use {junk}" in out


def test_unknown_check_id_and_empty_glob(key):
    code, out = cli("run", "--replay", "--profile", "toapis", "--check", "openai-chat/stream/no-such-check")
    assert code == 2 and "no check 'openai-chat/stream/no-such-check'" in one_line(out)
    code, out = cli("run", "--replay", "--profile", "toapis", "--select", "nothing/*")
    assert code == 2 and "matches no check" in one_line(out)


def test_unknown_option_is_refused(key):
    code, out = cli("run", "--replay", "--profile", "toapis", "--profle", "x")
    assert code == 2 and "unknown option '--profle'" in one_line(out)


# -- pre-flight: the user's mistakes are not the provider's FAILs -----------------------------

def test_refused_key_is_one_line_naming_the_variable(fake, key):
    with fake.faulty("hostile.key-refused"):
        before = fake.requests
        code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", key, *CHAT)
        sent = fake.requests - before
    assert code == 2
    line = one_line(out)
    assert f"the key in ${key} was refused (401" in line and KEY not in out
    assert sent == 2, f"the pre-flight sent {sent} requests (the probe, and the model list to confirm)"


def test_the_key_pre_flight_holds_every_surface_not_just_the_first(fake, key, tmp_path):
    """The chat key is good; the Messages surface sends it where that API never reads it (a query
    parameter): refused there and on the model list, which is the user's mistake, said before the checks."""
    profile = tmp_path / "two.yaml"
    profile.write_text(f"name: two\nbase_url: {fake.base_url}\nauth: {{env: {key}}}\nsurfaces:\n"
                       f"  openai-chat: {{model: {MODEL}}}\n"
                       f"  anthropic-messages: {{model: {MODEL}, auth: query-key}}\n")
    before = fake.requests
    code, out = cli("run", "--profile", str(profile))
    sent = fake.requests - before
    assert code == 2, out[-1500:]
    line = one_line(out)
    assert f"the key in ${key} was refused (401 on POST" in line and "/v1/messages" in line, line
    assert sent == 3, f"{sent} requests: the chat probe, the Messages probe and the list that confirms it"


def test_a_wrong_gemini_key_is_googles_400_and_still_the_users_mistake(fake, key):
    with fake.faulty("hostile.google-key-refused"):
        code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", key, "--surface", "gemini",
                        "--model", MODEL)
    assert code == 2 and f"the key in ${key} was refused (400" in one_line(out)


def test_a_server_error_is_the_providers_fail_not_a_usage_error(fake, key):
    """Only a refused key stops the run: a 500 to every request is the provider's, judged by the checks."""
    with fake.faulty("hostile.500"):
        code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", key, *CHAT,
                        "--check", "openai-chat/response/schema")
    assert code == 1, out[-1500:]


def test_base_url_with_v1_is_stripped_and_said(fake, key, tmp_path):
    report = tmp_path / "r.json"
    code, out = cli("run", "--base-url", fake.base_url + "/v1", "--api-key-env", key, *CHAT,
                    "--check", "openai-chat/response/schema", "--report-json", str(report))
    assert code == 0, out[-1500:]
    assert f"the base URL used is {fake.base_url}" in out
    assert json.loads(report.read_text())["results"][0]["verdict"] == "pass"


def test_a_web_page_instead_of_an_api(fake, key):
    with fake.faulty("hostile.html-everywhere"):
        code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", key, *CHAT)
    assert code == 2 and "answers web pages, not an API" in one_line(out)


# -- the ecosystem's defaults -----------------------------------------------------------------

def test_openai_environment_names_the_provider_and_the_key(fake, key, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    report = tmp_path / "r.json"
    code, out = cli("run", "--model", MODEL, "--check", "openai-chat/auth/wrong-key",
                    "--check", "openai-chat/response/schema", "--report-json", str(report))
    assert code == 0, out[-1500:]
    data = json.loads(report.read_text())
    host = fake.base_url.removeprefix("http://").replace(":", "-")
    assert data["vendor"] == host, "names from a base URL are safe file names"
    assert {r["verdict"] for r in data["results"]} == {"pass"}
    assert "OPENAI_API_KEY" in json.dumps(data) and KEY not in json.dumps(data)


def test_an_explicit_key_variable_wins_over_the_sdk_one(fake, key, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-key-from-the-sdk-environment")
    code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", key, *CHAT,
                    "--check", "openai-chat/response/schema")
    assert code == 0, out[-1500:]


def test_report_json_dash_is_the_only_thing_on_stdout(fake, key, capsys):
    os.environ[KEY_ENV] = KEY
    code = main(["run", "--base-url", fake.base_url, "--api-key-env", key, *CHAT,
                 "--check", "openai-chat/response/schema", "--report-json", "-"])
    captured = capsys.readouterr()
    assert code == 0
    assert json.loads(captured.out)["results"][0]["id"] == "openai-chat/response/schema"
    assert "llmconform: 1 checks" in captured.err


def test_verbosity_means_what_it_says(fake, key):
    base = ["run", "--base-url", fake.base_url, "--api-key-env", key, *CHAT, "--select", "openai-chat/response/*"]
    _, verbose = cli(*base, "-v")
    _, quiet = cli(*base, "-q")
    assert "PASS  openai-chat/response/schema" in verbose
    assert quiet.strip().splitlines() == [quiet.strip().splitlines()[-1]], "-q prints only the closing line"
    assert quiet.strip().startswith("llmconform:") and "checks —" in quiet


def test_check_selects_by_report_id(fake, key, tmp_path):
    report = tmp_path / "r.json"
    code, out = cli("run", "--base-url", fake.base_url, "--api-key-env", key, *CHAT,
                    "--check", "openai-chat/stream/done-sentinel", "--select", "openai-chat/usage/*",
                    "--report-json", str(report))
    assert code == 0, out[-1500:]
    ids = {r["id"] for r in json.loads(report.read_text())["results"]}
    assert "openai-chat/stream/done-sentinel" in ids and all(
        i == "openai-chat/stream/done-sentinel" or i.startswith("openai-chat/usage/") for i in ids), ids


def test_help_is_llmconforms_own_and_grouped():
    code, out = cli("run", "--help")
    assert code == 0
    for group in ("provider:", "mode:", "selection:", "reports:", "budget:", "bounds:"):
        assert group in out
    assert "pytest.main" not in out and len(out.splitlines()) < 80


def test_version_vendors_and_checks(capsys):
    assert main(["--version"]) == 0
    assert main(["vendors"]) == 0
    assert main(["checks"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("llmconform ") and "toapis" in out and "openai-chat/stream/done-sentinel" in out


def test_a_profile_outside_the_checkout_from_another_directory(fake, key, tmp_path, monkeypatch):
    """An option's value is never taken for a test path, and no cwd-relative folder is looked up."""
    profile = tmp_path / "elsewhere.yaml"
    profile.write_text(f"name: elsewhere\nbase_url: {fake.base_url}\nauth: {{env: {key}}}\n"
                       f"surfaces: {{openai-chat: {{model: {MODEL}}}}}\n")
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "r.json"
    code, out = cli("run", "--profile", str(profile), "--select", "openai-chat/response/*",
                    "--report-json", str(report))
    ids = [r["id"] for r in json.loads(report.read_text())["results"]]
    assert code == 0 and ids and all(i.startswith("openai-chat/response/") for i in ids), out[-1500:]
    code, out = cli("run", "--replay", "--profile", "toapis", "--report-json", str(report))
    assert code in (0, 1) and json.loads(report.read_text())["summary"]["pass"] > 0, "bundled cassettes found"
    assert not (tmp_path / "cassettes").exists()
    assert (ROOT / "cassettes" / "toapis").is_dir()
