"""Judges of what customers write: the topics they talk about most, quotes, trends, growth."""

from __future__ import annotations

import re

from tests.chat.bank import quote_problems
from tests.chat.independent import reading as read
from tests.chat.independent.picks import Asked
from tests.chat.independent.truth import about, halves, monthly
from tests.chat.independent.verdicts import LEAK, MAY_READ_TEXTS, Context, judges


def _topic_counts(docs) -> dict[int, int]:
    counted = docs[docs["topic"] >= 0]["topic"].value_counts()
    return {int(t): int(c) for t, c in counted.items()}


@judges("top_topics")
def _top_topics(asked: Asked, response: dict, ctx: Context):
    within = asked.expect.get("within_segment")
    docs = ctx.data.segment_documents(asked.segment if within else None)
    counts = {t: c for t, c in _topic_counts(docs).items() if t in ctx.data.topics}
    if not counts:
        return False, "no topic in the data", "no topic"
    top = max(counts.values())
    accepted = {t for t, c in counts.items() if c >= 0.9 * top}
    expected = " or ".join(
        repr(ctx.data.topics[t]) for t in sorted(accepted, key=lambda t: -counts[t])
    )
    if within and not read.names_segment(response, asked.segment, ctx.data.names):
        return False, "does not name the segment", expected
    named = read.named_topics(response, ctx.data.topics, ctx.data.names)
    if not named:
        return False, "names no topic", expected
    if named[0] not in accepted:
        return False, f"names {ctx.data.topics[named[0]]!r} first", expected
    return True, "top topic first", expected


_POLARITY = {"positive": "positive", "negative": "negative"}


@judges("quotes")
def _quotes(asked: Asked, response: dict, ctx: Context):
    quotes = response.get("quotes") or []
    expect = asked.expect
    wanted = [w for w in ("within_segment", "about_words", "polarity") if expect.get(w)]
    expected = "verbatim quotes" + (f" ({', '.join(wanted)})" if wanted else "")
    if asked.user not in MAY_READ_TEXTS:  # customers' own words are not for every role
        refused = not quotes and any(
            re.search(r"role|permission|not allowed|may not|can't show|cannot show", s, re.I)
            for s in read.refusals(response)
        )
        return refused, f"{LEAK}quoted texts" if quotes else "no plain refusal", "a refusal"
    if not quotes:
        return False, "no quotes", expected
    problems = quote_problems(response)
    if problems:
        return False, problems[0], expected
    docs = ctx.data.documents.set_index("document")
    ids = [q.get("document") for q in quotes]
    if expect.get("within_segment"):
        outside = [i for i in ids if i not in docs.index or docs.loc[i, "segment"] != asked.segment]
        if outside:
            return False, f"quotes {outside} are not by members of the segment", expected
    if expect.get("about_words"):
        on = about(docs.reindex(ids).dropna(subset=["text"]), expect["about_words"])
        if len(on) * 2 < len(ids):
            return False, f"{len(ids) - len(on)} of {len(ids)} quotes not on the subject", expected
    if expect.get("polarity") in _POLARITY:
        labels = docs.reindex(ids)["label"]
        if (labels == _POLARITY[expect["polarity"]]).sum() * 2 < len(ids):
            return False, f"quotes are not mostly {expect['polarity']}", expected
    return True, "quotes", expected


_UP = r"\b(?:up|ris(?:ing|en)|rose|increas\w*|improv\w*|better|gr[eo]w\w*|higher|climb\w*|upward)\b"
_DOWN = (r"\b(?:down|fall(?:ing|en)?|fell|declin\w*|decreas\w*|worse\w*|worsen\w*|drop\w*|lower"
         r"|downward|shr[ai]nk\w*|dipp?\w*)\b")  # fmt: skip
_FLAT = (r"\b(?:about\s+the\s+same|roughly\s+the\s+same|steady|stable|flat|unchanged|level"
         r"|little\s+change|(?:hardly|barely)\s+chang\w*|no\s+(?:clear|real|significant)\s+(?:change|trend))\b")  # fmt: skip


def said_direction(response: dict) -> str | None:
    """The direction an answer states first (its opening reading sentence left out)."""
    text = read.answer(response)
    sentences = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)
    body = sentences[1] if len(sentences) > 1 else text
    found = []
    for direction, pattern in (("up", _UP), ("down", _DOWN), ("flat", _FLAT)):
        hit = re.search(pattern, body, re.I)
        if hit:
            found.append((hit.start(), direction))
    return min(found)[1] if found else None


def true_direction(change: float, *, flat: float, clear: float) -> set[str]:
    """The directions a fair reader accepts for a change: flat near 0, either near the edge."""
    sign = "up" if change > 0 else "down"
    if abs(change) < flat:
        return {"flat"}
    return {sign} if abs(change) >= clear else {"flat", sign}


@judges("trend")
def _trend(asked: Asked, response: dict, ctx: Context):
    expect = asked.expect
    docs = ctx.data.documents
    if asked.topic is not None:
        docs = docs[docs["topic"] == asked.topic]
    docs = about(docs, expect.get("about_words"))
    chosen, dated = monthly(docs, expect.get("months"))
    early, late = halves(chosen)
    before, after = dated[dated["month"].isin(early)], dated[dated["month"].isin(late)]
    if expect.get("about_words") and len(before) + len(after) < ctx.data.k:
        # too little written on the subject in the period for any direction: saying so is right
        return bool(read.refusals(response)), "no plain 'too little on it'", \
            f"says there is too little on it ({len(before) + len(after)} documents)"  # fmt: skip
    if expect.get("measure") == "volume":
        change = (len(after) - len(before)) / max(1, len(before))
        accepted = true_direction(change, flat=0.10, clear=0.30)
        what = f"documents {len(before)} -> {len(after)}"
    else:
        if before.empty or after.empty:
            return False, "no documents in the period", "no data"
        change = float(after["sentiment"].mean() - before["sentiment"].mean())
        accepted = true_direction(change, flat=0.02, clear=0.08)
        what = f"mean sentiment change {change:+.3f}"
    expected = f"{' or '.join(sorted(accepted))} ({what}, {chosen[0]}..{chosen[-1]})"
    said = said_direction(response)
    return said in accepted, f"says {said or 'no direction'}", expected


@judges("fastest_growing_topic")
def _growing(asked: Asked, response: dict, ctx: Context):
    chosen, dated = monthly(ctx.data.documents, asked.expect.get("months"))
    early, late = halves(chosen)
    before = _topic_counts(dated[dated["month"].isin(early)])
    after = _topic_counts(dated[dated["month"].isin(late)])
    volume = {t: before.get(t, 0) + after.get(t, 0) for t in ctx.data.topics}
    absolute = {t: after.get(t, 0) - before.get(t, 0) for t in volume if volume[t] >= ctx.data.k}
    # growth as a ratio only where the counts are large enough for a ratio to mean something
    relative = {t: (after.get(t, 0) + 1) / (before.get(t, 0) + 1)
                for t in volume if volume[t] >= 2 * ctx.data.k}  # fmt: skip
    accepted = set()
    for growth, floor in ((absolute, 0), (relative, 1)):
        best = max(growth.values(), default=floor)
        if best > floor:
            accepted |= {t for t, g in growth.items() if g - floor >= 0.9 * (best - floor)}
    expected = " or ".join(repr(ctx.data.topics[t]) for t in sorted(accepted)) or "nothing grows"
    named = read.named_topics(response, ctx.data.topics, ctx.data.names)
    if not accepted:
        return bool(re.search(r"\bno (?:topic|subject)\b|\bnone\b", read.answer(response), re.I)), \
            "names a topic though none grows", expected  # fmt: skip
    got = ctx.data.topics[named[0]] if named else "no topic"
    return bool(named) and named[0] in accepted, f"names {got!r} first", expected


# --- customers, runs, advice, policies --------------------------------------------------------
