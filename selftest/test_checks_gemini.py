"""What the gemini checks must tell apart beyond their row in `selftest/violations.py`: finer
verdicts, messages, and what was sent."""

from selftest.harness import verdict_under

SURFACE = "gemini"
G = SURFACE + "/"


def test_sdk_failure_carries_a_google_genai_reproduction_that_runs(fake):
    """An SDK failure's evidence holds five lines of google-genai Python that make the same call
    against the provider: run against the fake (fault off), they stream the answer."""
    import os
    import subprocess
    import sys

    from selftest.fakes import KEY

    result = verdict_under(fake, SURFACE, G + "sdk/stream", "gemini.stream-not-json-event")
    snippet = result["evidence"]["python"]
    assert "from google import genai" in snippet and KEY not in snippet
    ran = subprocess.run([sys.executable, "-c", snippet], env={**os.environ, "LLMCONFORM_SELFTEST_KEY": KEY},
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and "Paris" in ran.stdout, ran.stderr[-1500:]
