"""Every embeddings check passes on the conforming fake and fails (or warns) on its violation."""


from selftest.harness import check_table

SURFACE = "embeddings"

# check id -> (fault on the fake, or a profile request override), and the verdict it must give.
VIOLATIONS = {
    "embeddings/response/schema": ("embeddings.object-wrong", "fail"),
    "embeddings/response/content-type": ("embeddings.content-type-text", "fail"),
    "embeddings/response/model-echo": ("embeddings.model-alias", "warn"),
    "embeddings/data/one-per-input": ("embeddings.batch-collapsed", "fail"),
    "embeddings/data/one-length": ("embeddings.length-ragged", "fail"),
    "embeddings/data/base64": ("embeddings.base64-ignored", "fail"),
    "embeddings/usage/numbers": ("embeddings.usage-total-short", "fail"),
    "embeddings/auth/no-key": ("embeddings.auth-open", "fail"),
    "embeddings/auth/wrong-key": ("embeddings.auth-open", "fail"),
    "embeddings/invalid/malformed-json": ("embeddings.malformed-500", "fail"),
    "embeddings/invalid/missing-input": ("embeddings.validation-off", "fail"),
    "embeddings/invalid/missing-model": ("embeddings.validation-off+embeddings.any-model", "fail"),
    "embeddings/invalid/encoding-format": ("embeddings.validation-off", "fail"),
    "embeddings/invalid/unknown-model": ("embeddings.any-model", "fail"),
    "embeddings/request/unknown-params": ({"basic": {"model": "{model}", "input": "hi",
                                                     "encodeing_format": "float"}}, "warn"),
    "embeddings/schema/examples": ("embeddings.object-wrong", "fail"),
    "embeddings/schema/fuzz-positive": ("embeddings.crash-on-odd-input", "fail"),
    "embeddings/schema/fuzz-negative": ("embeddings.validation-off", "fail"),
    "embeddings/errors/envelope": ("embeddings.detail-404", "fail"),
    "embeddings/errors/leaks-internals": ("embeddings.traceback-500", "warn"),
}


(clean, test_every_check_passes_on_a_conforming_server, test_every_check_has_a_violation,
 test_check_catches_its_violation) = check_table(SURFACE, VIOLATIONS)


def test_index_out_of_order_fails(fake):
    """Indexes 1..3 instead of 0..2: the vectors cannot be matched to their inputs."""
    from selftest.harness import verdict_under

    result = verdict_under(fake, SURFACE, "embeddings/data/one-per-input", "embeddings.index-wrong")
    assert result["verdict"] == "fail", result
