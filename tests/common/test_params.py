"""Request shapes every chat-like surface accepts, one rule each: a conversation's history is used,
an image beside text is answered (Responses' inputs are its own)."""

import pytest

from llmconform import checks
from llmconform.surfaces import anthropic_messages, gemini, openai_chat

# Each surface's reader of an answer that must be whole, with non-empty text.
ANSWERED = {"anthropic-messages": anthropic_messages.answered_text, "gemini": gemini.answered_text,
            "openai-chat": openai_chat.answered_text}
pytestmark = pytest.mark.parametrize("surface", list(ANSWERED))


@pytest.mark.check("{surface}/params/multi-turn")
def test_multi_turn(surface, multi_turn):
    """A user / assistant / user conversation (the {surface} roles) is accepted and its history
    used (W when not)."""
    answer = ANSWERED[surface](multi_turn, "a multi-turn conversation")
    checks.follows(answer, "ada", "the answer to use the earlier turns (the name Ada)")


@pytest.mark.check("{surface}/params/image")
@pytest.mark.feature("vision")
def test_image(surface, image):
    """An image (a base64 PNG, as the {surface} request carries one) beside a text part is accepted
    and answered."""
    ANSWERED[surface](image, "an image")
