"""Survey prompts written into a text are told apart from the customer's answer."""

from __future__ import annotations

import pytest

from nlp.prompts import split_prompt
from nlp.topics import answer_text


@pytest.mark.parametrize(
    ("text", "question", "answer"),
    [
        (
            "[What could we do better?] the app crashes",
            "What could we do better?",
            "the app crashes",
        ),
        ("Q: How was delivery? A: late again", "How was delivery?", "late again"),
        ("Question 3: Anything else? Answer: no", "Anything else?", "no"),
        ("Q: How was delivery? late again", "How was delivery?", "late again"),
        ("(How did you hear about us?) a friend", "How did you hear about us?", "a friend"),
        ("[How likely are you to recommend us] very", "How likely are you to recommend us", "very"),
        ("Q: rate our delivery A: fast", "rate our delivery", "fast"),
    ],
)
def test_a_prompt_is_split_from_its_answer(text, question, answer):
    assert split_prompt(text) == (question, answer)


@pytest.mark.parametrize(
    "text",
    [
        "Why is delivery so slow? I waited a week",  # the customer's own question
        "[EMAIL] never answered",  # a redaction placeholder
        "[update] still broken",  # an aside, no question
        "Quick question: is it vegan?",
        "Love the app",
        "",
    ],
)
def test_a_text_without_a_prompt_is_left_whole(text):
    assert split_prompt(text) == (None, text)


def test_a_prompt_without_answer_leaves_an_empty_answer():
    assert split_prompt("[What could we do better?]  ") == ("What could we do better?", "")


def test_topic_modelling_reads_stored_prompts_as_their_answer():
    stored = "[What could we do better?] refill pouches for [EMAIL]"
    assert answer_text(stored).split() == ["refill", "pouches", "for"]
