"""`llmconform sweep` live, on real software: llama-server (SmolLM2-135M) and a LiteLLM proxy in front of
it, on loopback. The rows were reviewed by hand: both serve one model, smollm2, which answers, echoes
its name and repeats itself at temperature 0; llama-server serves any other name with smollm2 (a
substitution, and a duplicate of smollm2), LiteLLM refuses an unknown name with 400 "Invalid model
name" (unknown model); the canaries through LiteLLM match llama-server's own. Peers absent: skip (CI:
fail), as test_live_peers.py.
"""

import json
import os
from pathlib import Path

import yaml

from llmconform.sweep import compare
from llmconform.sweep import report as reporting
from selftest.peers.fixtures import peer_fixtures
from selftest.test_sweep import rows_by_model, sweep

LLAMA_KEY = "sk-llama-sweep-selftest-0001"
BUDGET = 40


llama, litellm = peer_fixtures(LLAMA_KEY)


def profile_for(tmp_path, peer, name, *, env):
    """vendors/local.yaml, pointed at the peer's port and key."""
    local = yaml.safe_load((Path(__file__).parents[1] / "vendors" / "local.yaml").read_text())
    local.update(name=name, base_url=peer.base_url, auth={"env": env}, budget={"max_requests": BUDGET,
                                                                                  "max_output_tokens": 2000})
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(local))
    os.environ[env] = peer.api_key
    return path


def run(tmp_path, profile, name, *args):
    path = tmp_path / f"{name}.json"
    code, out, err = sweep("--profile", str(profile), "--report-json", str(path), "--timeout-read", "60",
                           "--timeout-total", "120", *args, key=None)
    assert path.exists(), err
    report = json.loads(path.read_text())
    assert reporting.problems(report) == []
    return code, report, out + err, str(path)


def test_llama_server_sweep(llama, tmp_path):
    profile = profile_for(tmp_path, llama, "llama-server", env="LLMCONFORM_LLAMA_KEY")
    code, report, out, _ = run(tmp_path, profile, "llama-server", "--models", "all")
    assert code == 0, out
    row = rows_by_model(report)["smollm2"]
    assert row["listed"] is True and row["in_catalogue"] is True and row["available"] is True, row
    assert row["echo"] == "same" and row["findings"] == [], row["findings"]
    assert isinstance(row["ttft_ms"], float) and row["output_tokens_per_s"] and 10 <= row["input_tokens"] <= 80
    # Billing (reviewed: 38 in / 16 out; SmolLM2's chat template adds ~29 tokens to a ~9-token prompt; the
    # timing re-probe billed the same 38).
    billing = row["billing"]
    assert billing["usage"] == "reported" and billing["problems"] == [], billing
    assert billing["input_tokens"] == row["input_tokens"] == billing["repeat_input_tokens"], billing
    assert 0 < billing["overhead_tokens"] <= 100 and billing["output_tokens"] <= 16, billing
    assert report["provider"]["stack"] == ["llama.cpp"]
    assert report["metrics"]["requests"] == 3, "the list, the probe, the timing re-probe"
    assert LLAMA_KEY not in json.dumps(report) + out


def test_llama_server_serves_any_name_with_its_one_model(llama, tmp_path):
    profile = profile_for(tmp_path, llama, "llama-server", env="LLMCONFORM_LLAMA_KEY")
    _, report, out, _ = run(tmp_path, profile, "llama-server", "--models", "smollm2,gpt-4o", "--concurrency", "2")
    rows = rows_by_model(report)
    assert rows["gpt-4o"]["listed"] is False and rows["gpt-4o"]["answered_model"] == "smollm2"
    assert {f["id"] for f in rows["gpt-4o"]["findings"]} == {"sweep/echo/substituted", "sweep/consistency/duplicate"}
    assert {f["id"] for f in rows["smollm2"]["findings"]} == {"sweep/consistency/duplicate"}, out


def test_litellm_sweep_and_reference(llama, litellm, tmp_path):
    profile = profile_for(tmp_path, litellm, "litellm", env="LLMCONFORM_LITELLM_KEY")
    reference = profile_for(tmp_path, llama, "llama-direct", env="LLMCONFORM_LLAMA_KEY")
    code, report, out, _ = run(tmp_path, profile, "litellm", "--models", "smollm2,no-such-model",
                               "--reference", str(reference))
    assert code == 0, out
    rows = rows_by_model(report)
    served = rows["smollm2"]
    assert served["available"] and served["listed"] and served["echo"] == "same" and served["findings"] == [], served
    assert served["billing"]["usage"] == "reported" and served["billing"]["problems"] == [], served["billing"]
    assert served["reference"]["similarity"] >= 0.9, served["reference"]  # the same backend, at temperature 0
    unknown = rows["no-such-model"]
    assert unknown["refusal"]["kind"] == "unknown-model" and unknown["status"] == 400, unknown["refusal"]
    assert unknown["findings"] == [], "a name only the user gave: not the provider's FAIL"
    assert "litellm" in report["provider"]["stack"]
    assert {"backend": "litellm", "signal": "header x-litellm-*"} in served["backend"]
    assert litellm.api_key not in json.dumps(report) + out and LLAMA_KEY not in json.dumps(report) + out


def test_two_live_sweeps_compare_into_one_matrix(llama, litellm, tmp_path, capsys):
    paths = []
    for peer, name, env in ((llama, "llama-server", "LLMCONFORM_LLAMA_KEY"),
                            (litellm, "litellm", "LLMCONFORM_LITELLM_KEY")):
        _, _, _, path = run(tmp_path, profile_for(tmp_path, peer, name, env=env), name, "--models", "listed")
        paths.append(path)
    reports = [reporting.load(p) for p in paths]
    entries = {e["model"]: e for e in compare.matrix(reports)}
    assert entries["smollm2"]["served_by"] == 2 and entries["smollm2"]["fastest"] in ("llama-server", "litellm")
    from llmconform.cli import main as llmconform

    assert llmconform(["compare", *paths, "--html", str(tmp_path / "m.html")]) == 0
    assert "smollm2" in capsys.readouterr().out
