"""Reading a chat response as a person would: which segment it names first, which figures it
gives for each segment, which topics it names, whether it admits it cannot answer.

The response is the object `engine.ask` returns (answer, facts, quotes, table, …).
Figures count where a person sees them: the answer text, the facts listed under
it and its table. A figure belongs to a segment when it follows the segment's
name in the answer (up to the next segment named), sits in a fact labelled
with the name or in a table row that names it.
"""

from __future__ import annotations

import re
from typing import Any

from tests.chat.bank import Shown, figures_text, numbers_in

Response = dict[str, Any]

# Identifiers are not figures: "segment 5", "run 2", "(#3)".
_IDENTIFIERS = re.compile(r"\b(?:segments?|runs?|clusters?|topics?)\s*#?\s*\d+\b|\(#\d+\)", re.I)

_NOT_ABLE = re.compile(
    r"\b(?:i\s+(?:do\s+not|don['’]t|cannot|can['’]?t|could\s+not|couldn['’]t|won['’]t)\b"
    r"|not\s+able\b|unable\b|not\s+sure\b|no\s+such\b|not\s+allowed\b"
    r"|(?:does|do)\s+not\s+allow|(?:doesn|don)['’]t\s+allow|isn['’]t\s+(?:something|a\b)"
    r"|there\s+(?:is|are)\s+no\b|there['’]s\s+no\b|i\s+only\s+answer|won['’]t\s+guess"
    r"|(?:did|do)\s+you\s+mean\b|not\s+(?:one\s+)?(?:i|that\s+i)\s+(?:have|hold|know)"
    r"|(?:no|not\s+a)\s+(?:segment|measure|topic|customer|column|run)\s+(?:called|named)\b"
    r"|(?:do|does)\s+not\s+(?:have|hold|know|exist)|(?:don|doesn)['’]t\s+(?:have|hold|know|exist))",
    re.I,
)
_CLARIFY = re.compile(
    r"\b(?:which|what)\b[^.?!]{0,80}\b(?:do\s+you\s+mean|did\s+you\s+mean)\b", re.I
)


def answer(response: Response) -> str:
    """The answer's text."""
    return str(response.get("answer") or "")


def table_lines(response: Response) -> list[str]:
    """The table's rows, one line each."""
    table = response.get("table") or {}
    rows = table.get("rows") if isinstance(table, dict) else table
    return [" | ".join(str(c) for c in row) if isinstance(row, list | tuple) else str(row)
            for row in rows or []]  # fmt: skip


def everything(response: Response) -> str:
    """Answer, facts and table as one text (figures are read from all three)."""
    return figures_text(response) + "\n" + "\n".join(table_lines(response))


def figures(text: str) -> list[Shown]:
    """The numbers written in a text, identifiers left out."""
    return numbers_in(_IDENTIFIERS.sub(" ", text))


def says_unable(response: Response) -> bool:
    """Whether the answer says it cannot answer, does not have the thing, or asks back."""
    text = answer(response)
    return bool(_NOT_ABLE.search(text) or _CLARIFY.search(text) or text.rstrip().endswith("?"))


def refusals(response: Response) -> list[str]:
    """The answer's sentences that say it cannot or does not have something, less the general
    "I only answer questions about …" (which refuses nothing in particular)."""
    sentences = re.split(r"(?<=[.!?])\s+", answer(response))
    return [
        s for s in sentences if _NOT_ABLE.search(s) and not re.search(r"only\s+answer", s, re.I)
    ]


def asks_back(response: Response) -> bool:
    """Whether the answer is a clarifying question."""
    text = answer(response).strip()
    return bool(_CLARIFY.search(text)) or (text.endswith("?") and len(text) < 200)


# --- segments ---------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower())


def _name_pattern(names: dict[int, str]) -> re.Pattern | None:
    ordered = sorted(names.values(), key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(r"\s+".join(map(re.escape, n.split())) for n in ordered), re.I)


def named_segments(text: str, names: dict[int, str]) -> list[tuple[int, int, int]]:
    """(start, end, segment) of every segment name written in `text`, in order."""
    pattern = _name_pattern(names)
    if pattern is None:
        return []
    lookup = {_norm(n): number for number, n in names.items()}
    return [(m.start(), m.end(), lookup[_norm(m.group(0))]) for m in pattern.finditer(text)]


def names_segment(response: Response, number: int, names: dict[int, str]) -> bool:
    """Whether the answer text names the segment."""
    return any(s == number for _, _, s in named_segments(answer(response), names))


def first_segment(response: Response, names: dict[int, str]) -> int | None:
    """The segment the answer names first."""
    found = named_segments(answer(response), names)
    return found[0][2] if found else None


def segment_texts(response: Response, names: dict[int, str]) -> dict[int, str]:
    """For each segment the response names, the text that speaks of it: what follows its name
    in the answer up to the next name, facts labelled with it and table rows naming it."""
    out: dict[int, list[str]] = {}
    text = answer(response)
    found = named_segments(text, names)
    for i, (_, end, number) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        out.setdefault(number, []).append(text[end:stop])
    lines = [f"{f.get('label', '')}: {f.get('value', '')}" for f in response.get("facts") or []]
    for line in lines + table_lines(response):
        inside = {s for _, _, s in named_segments(line, names)}
        if len(inside) == 1:
            number = inside.pop()
            pattern = _name_pattern({number: names[number]})
            out.setdefault(number, []).append(pattern.sub(" ", line) if pattern else line)
    return {number: "\n".join(parts) for number, parts in out.items()}


# --- topics -----------------------------------------------------------------------------------


def label_parts(label: str) -> list[str]:
    """A topic label's phrases ("toy · ball · rope" -> toy, ball, rope), markers left out."""
    return [p.strip() for p in label.split("·") if p.strip() and not p.strip().startswith("(#")]


def _phrase_at(text: str, phrase: str) -> int:
    pattern = r"\b" + r"[\s\-]+".join(map(re.escape, phrase.lower().split())) + r"\b"
    found = re.search(pattern, text)
    return found.start() if found else -1


def topic_position(text: str, label: str) -> int:
    """Where a text first names a topic (-1: it does not): its whole label, two of its
    phrases, or the one phrase of a one-phrase label."""
    low = text.lower()
    parts = label_parts(label)
    if len(parts) == 1:  # a one-phrase label ("order") is a topic only where quoted as one
        quoted = re.search(rf"[“\"'‘]{re.escape(parts[0].lower())}[”\"'’]", low)
        return quoted.start() if quoted else -1
    whole = low.find(label.lower())
    if whole >= 0:
        return whole
    at = [p for p in (_phrase_at(low, part) for part in parts) if p >= 0]
    return min(at) if len(at) >= 2 else -1


def named_topics(
    response: Response, topics: dict[int, str], names: dict[int, str] | None = None
) -> list[int]:
    """The topics the answer (and its facts) names, in the order it names them (words of
    segment names, "Price-minded coupon users", name no topic)."""
    text = figures_text(response) + "\n" + "\n".join(table_lines(response))
    pattern = _name_pattern(names or {})
    if pattern is not None:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    found = [(topic_position(text, label), number) for number, label in topics.items()]
    return [number for at, number in sorted(found) if at >= 0]


# --- figures ----------------------------------------------------------------------------------


def shows_count(text: str, count: int, k: int) -> bool:
    """The count, or "fewer than k" for a group below k (as the chat rounds it)."""
    if 0 < count < k and re.search(rf"fewer\s+than\s+{k}\b", text, re.I):
        return True
    return any(not n.percent and n.decimals <= 0 and n.value == count for n in figures(text))


def shows_share(text: str, share: float, *, tolerance: float = 0.6) -> bool:
    """The share as a percentage within `tolerance` points (or a fraction written as such)."""
    for n in figures(text):
        if n.percent and abs(n.value - share * 100) <= tolerance + 1e-9:
            return True
        if not n.percent and n.decimals >= 2 and abs(n.value - share) <= tolerance / 100:
            return True
    return False


def close(shown: Shown, value: float, *, relative: float = 0.01, absolute: float = 0.0) -> bool:
    """Whether a written number is `value` within `relative` (or `absolute`), or `value`
    rounded to the decimals written (two or more)."""
    candidates = [shown.value / 100] if shown.percent else [shown.value]
    rounding = 0.5 * 10 ** (-shown.decimals) + 1e-9 if shown.decimals >= 2 else 0.0
    allowed = max(relative * abs(value), absolute, rounding)
    return any(abs(c - value) <= allowed for c in candidates)


def shows_value(text: str, value: float, *, absolute: float = 0.0) -> bool:
    """Whether the text gives `value` (a mean: within 1%, or rounded as written)."""
    return any(close(n, value, absolute=absolute) for n in figures(text))
