"""The exchanges the rules written once read: each case's probe, of the surface it names, with the
fixture name and the owners every surface's own checks see it under."""

from llmconform.fixtures import fixture_name, probe

READ = ("basic", "stream", "auth-none", "auth-wrong", "malformed-json", "unknown-model", "tools-forced",
        "tools-stream", "multi-turn", "image")
globals().update({fixture_name(name): probe("{surface}", name) for name in READ})
# An invalid-input case reads the probe its spec entry declares it on.
invalid = probe("{surface}", "{case.probe}")
# A check whose probe is named as the check is (`params/system` reads `system`).
steered = probe("{surface}", "{name}")
# A probe that declares its effect (an official field, content that must reach the model).
sent = probe("{surface}", "{case.probe}")
answered = probe("{surface}", "{read}")
# The probe a surface's own checks send in every run (a paid surface's primary one: no request added).
primary = probe("{surface}", "{primary_probe}")
# Read only where it was sent (a replay documents no unknown path): never what decides a check alone.
unknown_path = probe("{surface}", "unknown-path", required=False)
