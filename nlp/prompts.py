"""Survey prompts written into a document's text, told apart from the answer.

Survey exports often carry the question in the text itself:
"[What could we do better?] the app crashes", "Q: How was delivery? A: late again".
The question is no part of what the customer wrote: its words must not become
topics, persona names or quotes. :func:`split_prompt` separates the two; the
import keeps the question as the document's metadata (``question``) and stores
the answer as the text, and topic modelling applies it again, so documents
stored before the split are read the same way.

Only explicit prompt shapes are split: a bracketed question at the start, or a
``Q:``/``Question:`` marker. A customer who opens with a question of their own
("Why is delivery so slow? I waited a week") keeps their text whole.
"""

from __future__ import annotations

import re

__all__ = ["QUESTION_KEY", "split_prompt"]

QUESTION_KEY = "question"
"""The metadata key under which a document's survey question is kept."""

_INTERROGATIVE = (
    r"(?:what|how|why|which|who|whom|whose|where|when|would|could|should|can|do|does|did|"
    r"is|are|was|were|will|have|has|if|please|tell|describe|any|anything)"
)
# "[What could we do better?] answer" or "(How was delivery?) answer": a bracketed
# opening that ends with a question mark, or reads as a question of three words or more.
_BRACKETED = re.compile(
    r"^\s*[\[(]\s*(?P<question>[^\[\]()]*?\?|"
    + _INTERROGATIVE
    + r"\b[^\[\]()]*?\s\S+\s\S+[^\[\]()]*?)\s*[\])]\s*[:\-–—]?\s*(?P<answer>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_Q_MARK = r"(?:q|question|frage|pregunta)\s*\d{0,3}\s*[:.)\-–]"
_A_MARK = r"(?:a|answer|antwort|respuesta)\s*\d{0,3}\s*[:.)\-–]"
# "Q: How was delivery? A: late again" / "Question 3: ... Answer: ..."
_MARKED = re.compile(
    r"^\s*"
    + _Q_MARK
    + r"\s*(?P<question>.+?)\s*(?:^|\s|(?<=\?))"
    + _A_MARK
    + r"\s*(?P<answer>.*)$",
    re.IGNORECASE | re.DOTALL | re.MULTILINE,
)
# "Q: How was delivery? late again": a question marker, the question up to its "?".
_MARKED_NO_ANSWER_MARK = re.compile(
    r"^\s*" + _Q_MARK + r"\s*(?P<question>[^?]+\?)\s*(?P<answer>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def split_prompt(text: str) -> tuple[str | None, str]:
    """``(question, answer)`` of a text that carries a survey prompt, else ``(None, text)``.

    The answer is stripped; it is ``""`` when the text holds only the question.
    Redaction placeholders (``[EMAIL]``) and bracketed asides that are no
    question ("[update] still broken") are never taken for a prompt.
    """
    if not text:
        return None, text
    for pattern, marked in ((_BRACKETED, False), (_MARKED, True), (_MARKED_NO_ANSWER_MARK, True)):
        match = pattern.match(text)
        if match is None:
            continue
        question = " ".join(match.group("question").split())
        if not (question if marked else _is_question(question)):
            continue
        return question, match.group("answer").strip()
    return None, text


def _is_question(question: str) -> bool:
    words = question.rstrip("?").split()
    if not words or question.isupper() and len(words) == 1:  # [EMAIL], [NAME]
        return False
    return question.endswith("?") or len(words) >= 3
