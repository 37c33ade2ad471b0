"""Survey questions at import: kept as a document's metadata, never as words of its answer.

A survey export may give the question in a column of its own ("question",
"survey_prompt") or write it into the text ("[What could we do better?] …",
"Q: … A: …"). Either way the document's text is the answer alone (what is
embedded, scored, topic-modelled and quoted) and the question is kept under
``metadata["question"]``, shown beside the answer wherever it is listed.
"""

from __future__ import annotations

import re
from typing import Any

from nlp.prompts import QUESTION_KEY, split_prompt

__all__ = ["QUESTION_COLUMN_WORDS", "answer_of", "is_question_column"]

QUESTION_COLUMN_WORDS = frozenset({"question", "prompt"})
"""The last word of a column that holds the survey question a document answers."""

ONLY_QUESTION = "the text holds only a survey question, no answer"


def is_question_column(name: str) -> bool:
    """A column holding the survey question a document answers ("Question", "survey_prompt")."""
    words = re.sub(r"[^a-z]+", " ", str(name).lower()).split()
    return bool(words) and words[-1] in QUESTION_COLUMN_WORDS and len(words) <= 3


def answer_of(text: str, metadata: dict[str, Any]) -> tuple[str | None, str]:
    """``(answer, problem)``: the text without its prompt, the question moved into ``metadata``.

    A question column is renamed to ``question`` in ``metadata`` and wins over a
    prompt written into the text. ``answer`` is None, and ``problem`` says why,
    when the text is only a question.
    """
    for column in list(metadata):
        if column != QUESTION_KEY and is_question_column(column):
            metadata.setdefault(QUESTION_KEY, metadata.pop(column))
    question, answer = split_prompt(text)
    if question is None:
        return text, ""
    metadata.setdefault(QUESTION_KEY, question)
    return (answer, "") if answer else (None, ONLY_QUESTION)
