"""Request shapes every chat-like surface accepts, one rule each: a system prompt steers the answer,
a conversation's history is used, an image beside text is answered."""

import pytest

from llmconform import checks
from llmconform.surfaces import SURFACE_MODULES, having

# The system-like prompts each surface takes (its `steers`), by the check (and probe) name: how the
# rule names it, how a verdict names the request, the word the prompt asks for, and how a verdict
# names the steer. (Gemini's systemInstruction has its own rule: a documented request may stand in
# for the probe.)
STEERS = [(name, s.probe, s.prompt, s.what, s.word, s.steer)
          for name in having(lambda surface: surface.steers) for s in SURFACE_MODULES[name].steers]
# The surfaces whose requests carry a conversation and images the same way (Responses' input is its own).
CHAT_LIKE = having(lambda surface: surface.chat_like and surface.answered_text)


def _answered(surface, exchange, what):
    return SURFACE_MODULES[surface].answered_text(exchange, what)


@pytest.mark.check("{surface}/params/{name}", level="must",
                   source="openapi/{surface}.yaml request schema ({name}: an official parameter; the steer itself "
                          "only warns)")
@pytest.mark.parametrize(("surface", "name", "prompt", "what", "word", "steer"), STEERS,
                         ids=[f"{case[0]}-{case[1]}" for case in STEERS])
def test_system_prompt(surface, name, prompt, what, word, steer, steered):
    """{prompt} is accepted, answered and steers the {surface} answer (W when the answer ignores
    it)."""
    checks.follows(_answered(surface, steered, what), word, steer)


@pytest.mark.check("{surface}/params/multi-turn", level="must",
                   source="openapi/{surface}.yaml request schema (the official roles of a conversation; the use of "
                          "history only warns)")
@pytest.mark.parametrize("surface", CHAT_LIKE)
def test_multi_turn(surface, multi_turn):
    """A user / assistant / user conversation (the {surface} roles) is accepted and its history
    used (W when not)."""
    answer = _answered(surface, multi_turn, "a multi-turn conversation")
    checks.follows(answer, "ada", "the answer to use the earlier turns (the name Ada)")


@pytest.mark.check("{surface}/params/image", level="must",
                   source="openapi/{surface}.yaml request schema (the official base64 image part)")
@pytest.mark.feature("vision")
@pytest.mark.parametrize("surface", CHAT_LIKE)
def test_image(surface, image):
    """An image (a base64 PNG, as the {surface} request carries one) beside a text part is accepted
    and answered."""
    _answered(surface, image, "an image")
