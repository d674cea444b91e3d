"""Request shapes every chat-like surface accepts, one rule each: a system prompt steers the answer,
a conversation's history is used, an image beside text is answered."""

import pytest

from llmconform import checks
from llmconform.surfaces import anthropic_messages, gemini, openai_chat, openai_responses

# Each surface's reader of an answer that must be whole, with non-empty text.
ANSWERED = {"anthropic-messages": anthropic_messages.answered_text, "gemini": gemini.answered_text,
            "openai-chat": openai_chat.answered_text, "openai-responses": openai_responses.answered_text}
# The surfaces whose requests carry a conversation and images the same way (Responses' input is its own).
CHAT_LIKE = ["anthropic-messages", "gemini", "openai-chat"]
# The system-like prompts each surface takes, by the check (and probe) name: how the rule names it,
# how a verdict names the request, the word the prompt asks for, and how a verdict names the steer.
# (Gemini's systemInstruction has its own rule: a documented request may stand in for the probe.)
STEERS = [
    ("anthropic-messages", "system-string", "`system` as a string", "a string system prompt", "pong",
     "the answer to follow the system prompt (reply pong)"),
    ("anthropic-messages", "system-blocks", "`system` as an array of text blocks", "a system prompt given as blocks",
     "pong", "the answer to follow the system prompt given as blocks (reply pong)"),
    ("openai-chat", "system", "A system message", "a system + user conversation", "banana",
     "the answer to follow the system prompt (say BANANA)"),
    ("openai-responses", "instructions", "`instructions`", "a request with instructions", "pong",
     "the answer to follow the instructions (reply pong)"),
    ("openai-responses", "input-messages", "`input` as a list of messages (a developer message, then a user "
     "message of input_text parts)", "a message-list input", "pong",
     "the answer to follow the developer message (reply pong)"),
]


@pytest.mark.check("{surface}/params/{name}", level="must",
                   source="openapi/{surface}.yaml request schema ({name}: an official parameter; the steer itself "
                          "only warns)")
@pytest.mark.parametrize(("surface", "name", "prompt", "what", "word", "steer"), STEERS,
                         ids=[f"{case[0]}-{case[1]}" for case in STEERS])
def test_system_prompt(surface, name, prompt, what, word, steer, steered):
    """{prompt} is accepted, answered and steers the {surface} answer (W when the answer ignores
    it)."""
    checks.follows(ANSWERED[surface](steered, what), word, steer)


@pytest.mark.check("{surface}/params/multi-turn", level="must",
                   source="openapi/{surface}.yaml request schema (the official roles of a conversation; the use of "
                          "history only warns)")
@pytest.mark.parametrize("surface", CHAT_LIKE)
def test_multi_turn(surface, multi_turn):
    """A user / assistant / user conversation (the {surface} roles) is accepted and its history
    used (W when not)."""
    answer = ANSWERED[surface](multi_turn, "a multi-turn conversation")
    checks.follows(answer, "ada", "the answer to use the earlier turns (the name Ada)")


@pytest.mark.check("{surface}/params/image", level="must",
                   source="openapi/{surface}.yaml request schema (the official base64 image part)")
@pytest.mark.feature("vision")
@pytest.mark.parametrize("surface", CHAT_LIKE)
def test_image(surface, image):
    """An image (a base64 PNG, as the {surface} request carries one) beside a text part is accepted
    and answered."""
    ANSWERED[surface](image, "an image")
