"""Judging the chat's answer to one bank entry against the run's stored data.

Every `expect.kind` of the bank format has a judge that computes the expected
answer from the run's data (`truth`) and reads the response (`reading`): the
segments, counts, measures, run changes and advice here, topics, quotes and
trends in `judge_talk`, customers, sensitive breakdowns and declines in
`judge_policy`. A verdict is one of three outcomes:

- right: the answer gives what was asked (numbers within sensible rounding:
  counts exact or "fewer than k", shares ±0.6 points, means ±1%);
- miss: not right, but the answer says it cannot answer or asks back (honest);
- wrong: not right and said with confidence.
"""

from __future__ import annotations

import re

from tests.chat.bank import grounding_problems
from tests.chat.independent import judge_policy, judge_talk
from tests.chat.independent import reading as read
from tests.chat.independent.picks import Asked
from tests.chat.independent.truth import RunData, about, column_stat, matching, segment_values
from tests.chat.independent.verdicts import (
    JUDGES,
    LEAK,
    MAY_LOOK_UP_CUSTOMERS,
    MISS,
    RIGHT,
    UNSURE,
    WRONG,
    Context,
    Verdict,
    fmt,
    judges,
    segment_text,
    vocabulary,
)

__all__ = ["MAY_LOOK_UP_CUSTOMERS", "MISS", "RIGHT", "WRONG", "Context", "Verdict", "judge",
           "judge_policy", "judge_talk", "true_figures"]  # fmt: skip


def judge(asked: Asked, response: dict, ctx: Context) -> Verdict:
    """The verdict on one response; an honest "cannot" is a miss, anything else not right wrong.

    A question about a subject no document mentions (`about_words` found nowhere) has one
    right answer: saying plainly that there is nothing on it.
    """
    kind = asked.expect.get("kind")
    if kind not in JUDGES:
        return Verdict(WRONG, f"the bank has no judge for kind {kind!r}", "")
    words = asked.expect.get("about_words")
    if words and about(ctx.data.documents, words).empty:
        kind = "decline"
    ok, why, expected = JUDGES[kind](asked, response, ctx)
    if ok:
        return Verdict(RIGHT, why, expected)
    if why.startswith(LEAK):  # said what the role may not see: wrong however it is worded
        return Verdict(WRONG, why, expected)
    if why.startswith(UNSURE):
        return Verdict(MISS, why, expected)
    return Verdict(MISS if read.says_unable(response) else WRONG, why, expected)


# --- segments ---------------------------------------------------------------------------------


@judges("segment_count")
def _segment_count(asked: Asked, response: dict, ctx: Context):
    counts = {len(ctx.data.names), int(ctx.data.customers["segment"].nunique())}
    text = read.everything(response)
    said = {int(m.group(1)) for m in re.finditer(r"\b(\d+)\s+(?:\w+\s+){0,2}(?:segments|groups)",
                                                 read._IDENTIFIERS.sub(" ", text), re.I)}  # fmt: skip
    said |= {int(f["value"]) for f in response.get("facts") or []
             if "segment" in str(f.get("label", "")).lower() and str(f.get("value", "")).isdigit()}  # fmt: skip
    return bool(said & counts), f"segment counts said {sorted(said)}", f"{sorted(counts)} segments"


@judges("segment_size")
def _segment_size(asked: Asked, response: dict, ctx: Context):
    segment = ctx.data.segment(asked.segment)
    expected = f"{segment.name}: {segment.size} customers, {segment.share:.1%}"
    if not read.names_segment(response, segment.number, ctx.data.names):
        return False, "does not name the segment", expected
    text = segment_text(asked, response, ctx)
    if asked.expect.get("as") == "share":
        ok = any(read.shows_share(text, s) for s in (segment.share, segment.stored_share))
        return ok, "share not given for the segment", expected
    return read.shows_count(text, segment.size, ctx.data.k), "count not given", expected


@judges("describe_segment")
def _describe(asked: Asked, response: dict, ctx: Context):
    segment = ctx.data.segment(asked.segment)
    expected = f"{segment.name}: {segment.size} customers, {segment.share:.1%}"
    if not read.names_segment(response, segment.number, ctx.data.names):
        return False, "does not name the segment", expected
    text = segment_text(asked, response, ctx)
    ok = read.shows_count(text, segment.size, ctx.data.k) or read.shows_share(text, segment.share)
    return ok, "no size or share for the segment", expected


def true_figures(data: RunData, number: int) -> tuple[list[int], list[float], list[float]]:
    """(counts, shares, means) that are true of a segment: its size, share, mean sentiment and
    behaviour means."""
    segment = data.segment(number)
    means = [v for c in data.columns if (v := column_stat(data.members(number)[c])) is not None]
    mood = segment_values(data, "sentiment").get(number)
    docs = data.segment_documents(number)
    topics = docs["topic"].value_counts(normalize=True).tolist() if len(docs) else []
    shares = [segment.share, segment.stored_share, *topics]
    return [segment.size], shares, means + ([mood] if mood is not None else [])


def _has_true_figure(text: str, data: RunData, number: int) -> bool:
    counts, shares, means = true_figures(data, number)
    return (any(read.shows_count(text, c, data.k) for c in counts)
            or any(read.shows_share(text, s) for s in shares)
            or any(read.shows_value(text, m, absolute=0.005) for m in means))  # fmt: skip


@judges("compare_segments")
def _compare(asked: Asked, response: dict, ctx: Context):
    numbers = [asked.segment, asked.segment2]
    names = [ctx.data.names[n] for n in numbers]
    expected = f"{names[0]} against {names[1]}, figures for both"
    texts = read.segment_texts(response, ctx.data.names)
    for number in numbers:
        if not read.names_segment(response, number, ctx.data.names):
            return False, f"does not name {ctx.data.names[number]!r}", expected
        if not _has_true_figure(texts.get(number, ""), ctx.data, number):
            return False, f"no true figure for {ctx.data.names[number]!r}", expected
    return True, "both with figures", expected


_MEASURE_WORDS = {
    "size": r"larg|big|small|customers|size|members",
    "sentiment": r"sentiment|negative|positive|happ|satisf|mood|complain",
    "negative_share": r"sentiment|negative|positive|happ|satisf|mood|complain",
}


def _mentions_measure(response: dict, measure: str, data: RunData) -> bool:
    text = read.answer(response).lower()
    if measure in _MEASURE_WORDS:
        return bool(re.search(_MEASURE_WORDS[measure], text))
    for column in data.equivalents(measure):
        label = data.labels.get(column, column).lower()
        bare = re.sub(r"\s*\(.*?\)", "", label)
        if any(w in text for w in {label, bare, column.replace("_", " ")}):
            return True
    return False


@judges("rank_segments")
def _rank(asked: Asked, response: dict, ctx: Context):
    measure, words = asked.expect.get("measure", "size"), asked.expect.get("about_words")
    lowest = asked.expect.get("direction") == "lowest"
    values = segment_values(ctx.data, measure, words)
    if not values:
        return False, f"no segment has a value of {measure}", "no answer in the data"
    best = (min if lowest else max)(values.values())
    slack = 0.10 if words else 0.02
    accepted = {n for n, v in values.items() if abs(v - best) <= slack * abs(best) + 1e-12}
    names = [
        ctx.data.names[n] for n in sorted(accepted, key=lambda n: values[n], reverse=not lowest)
    ]
    expected = f"{' or '.join(names)} ({measure} {fmt(best)})"
    first = read.first_segment(response, ctx.data.names)
    if first not in accepted:
        got = ctx.data.names.get(first) if first is not None else "no segment"
        return False, f"names {got!r} first ({measure} {fmt(values.get(first))})", expected
    if not _mentions_measure(response, measure, ctx.data):
        return False, f"right segment but the answer is not about {measure}", expected
    return True, "right segment first", expected


# --- customers counted and measured -----------------------------------------------------------


def _population(asked: Asked, ctx: Context):
    if asked.expect.get("within_segment"):
        return [ctx.data.members(asked.segment)]
    return [ctx.data.members(), ctx.data.reportable()]


def _equivalent_filters(filters: list[dict], data: RunData) -> list[list[dict]]:
    """The filters, and the same filters on columns holding the same figures (each combination)."""
    combos: list[list[dict]] = [[]]
    for f in filters:
        combos = [[*c, {**f, "column": e}] for c in combos for e in data.equivalents(f["column"])]
    return combos


_DIRECTION = {
    "up": r"above|over|more\s+than|at\s+least|greater",
    "down": r"below|under|less\s+than|at\s+most|fewer",
}
_BANDED = re.compile(r"thresholds?\s+(?:are|is)\s+rounded", re.I)
_LOOSER = {">": ">=", ">=": ">", "<": "<=", "<=": "<"}


def _banded_filters(filters: list[dict], response: dict) -> list[list[dict]]:
    """Where the answer says it rounded the thresholds for the asker's role: the filters with
    each threshold it wrote near the one asked (either side of the bound)."""
    if not _BANDED.search(read.answer(response)):
        return []
    bounds = rf"\b(?:{_DIRECTION['up']}|{_DIRECTION['down']})\s+([-+]?[\d,]*\.?\d+)"
    shown = {float(m.group(1).replace(",", "")) for m in re.finditer(bounds, read.answer(response))}
    combos: list[list[dict]] = [[]]
    for f in filters:
        value = float(f["value"])
        near = (
            [v for v in shown if (value == 0 and v == 0) or 0.5 <= v / value <= 2.0]
            if value
            else [0.0]
        )
        ops = [f.get("op", ">")] + ([_LOOSER[f["op"]]] if f.get("op") in _LOOSER else [])
        combos = [
            [*c, {**f, "value": v, "op": o}] for c in combos for v in near or [value] for o in ops
        ]
        if len(combos) > 64:
            return []
    return combos


@judges("count_customers")
def _count(asked: Asked, response: dict, ctx: Context):
    filters = asked.expect.get("filters") or []
    text = (segment_text(asked, response, ctx) + "\n" + read.everything(response)
            if asked.expect.get("within_segment") else read.everything(response))  # fmt: skip
    share = asked.expect.get("as") == "share"
    truths = []
    for population in _population(asked, ctx):
        for chosen in _equivalent_filters(filters, ctx.data) + _banded_filters(filters, response):
            count = int(matching(population, chosen).sum())
            truths.append((count, count / max(1, len(population))))
    truths = list(dict.fromkeys(truths))
    expected = " or ".join(f"{c} ({s:.1%})" for c, s in truths)
    if share:  # a group below k is told "fewer than k" and given no share, by design
        below_k = re.search(rf"fewer\s+than\s+{ctx.data.k}\b", text, re.I)
        ok = any(read.shows_share(text, s) for _, s in truths) or any(
            0 < c < ctx.data.k and below_k for c, _ in truths
        )
    else:
        ok = any(read.shows_count(text, c, ctx.data.k) for c, _ in truths)
    why = f"{'share' if share else 'count'} not given"
    if not ok and _BANDED.search(read.answer(response)) and _names_columns(response, filters, ctx):
        why = f"{UNSURE}{why}: the answer says it rounded the thresholds asked for the role"
    return ok, why, expected


def _names_columns(response: dict, filters: list[dict], ctx: Context) -> bool:
    """Whether the answer restates every filter: its column (or one holding the same figures)
    and the direction of its bound."""
    text = read.answer(response).lower()
    for f in filters:
        direction = _DIRECTION["up" if f.get("op", ">").startswith(">") else "down"]
        if f.get("op") in ("=", "=="):
            direction = r"is|equal|exactly|no\b|zero|any"
        labels = [
            re.escape(ctx.data.labels.get(c, c).lower()) for c in ctx.data.equivalents(f["column"])
        ]
        if not re.search(rf"(?:{'|'.join(labels)})[^.;:]{{0,12}}?\b(?:{direction})", text):
            return False
    return True


@judges("measure_value")
def _measure(asked: Asked, response: dict, ctx: Context):
    column, stat = asked.expect.get("column"), asked.expect.get("stat", "mean")
    if column not in ctx.data.columns:
        return False, f"the data has no column {column!r}", "a column of the data"
    truths = [column_stat(p[c], stat) for p in _population(asked, ctx)
              for c in ctx.data.equivalents(column)]  # fmt: skip
    truths = [t for t in truths if t is not None]
    expected = f"{stat} {column} = " + " or ".join(fmt(t) for t in truths)
    text = read.everything(response)
    if asked.expect.get("within_segment"):
        if not read.names_segment(response, asked.segment, ctx.data.names):
            return False, "does not name the segment", expected
        text = segment_text(asked, response, ctx) + "\n" + read.answer(response)
    ok = any(read.shows_value(text, t) for t in truths)
    return ok, f"{stat} of {column} not given", expected


# --- topics, quotes, trends -------------------------------------------------------------------


@judges("run_change")
def _run_change(asked: Asked, response: dict, ctx: Context):
    now, then = ctx.data, ctx.previous
    pairs = [({len(now.names), now.customers["segment"].nunique()},
              {len(then.names), then.customers["segment"].nunique()}),
             ({len(now.customers)}, {len(then.customers)})]  # fmt: skip
    shown = {n.value for n in read.figures(read.everything(response))}
    expected = (f"run {then.run.pk} against run {now.run.pk}: segments {sorted(pairs[0][1])} -> "
                f"{sorted(pairs[0][0])}, customers {len(then.customers)} -> {len(now.customers)}")  # fmt: skip
    against = rf"\brun\s+{then.run.pk}\b|previous|last\s+(?:run|time)|earlier\s+run|→|->"
    if not re.search(against, read.answer(response), re.I):
        return False, "does not set the latest run against the previous one", expected
    ok = any(shown & {float(v) for v in a} and shown & {float(v) for v in b} for a, b in pairs)
    return ok, "does not give the previous and the latest figures", expected


_YOUR_CALL = re.compile(
    r"your\s+(?:decision|call|choice|judg\w+)|up\s+to\s+you|yours\s+to\s+(?:make|decide)"
    r"|(?:decision|choice)\s+(?:is|rests|stays|remains)\s+(?:yours|with\s+you)"
    r"|for\s+you\s+to\s+(?:decide|choose|weigh|judge)|you\s+(?:decide|choose|know\s+your)"
    r"|depends\s+on\s+your|i\s+(?:do\s+not|don['’]t|can(?:no|['’])t|won['’]t)\s+(?:decide|choose|make\s+th)",
    re.I,
)


@judges("advice")
def _advice(asked: Asked, response: dict, ctx: Context):
    expected = "evidence figures per segment and 'the decision is yours'"
    texts = read.segment_texts(response, ctx.data.names)
    backed = [
        n
        for n, text in texts.items()
        if n in ctx.data.names and _has_true_figure(text, ctx.data, n)
    ]
    if not backed:
        return False, "no true figure for any segment", expected
    invented = grounding_problems(response, asked.question, vocabulary=vocabulary(ctx))
    if invented:
        return False, invented[0], expected
    if not _YOUR_CALL.search(read.answer(response)):
        return False, "does not leave the decision to the user", expected
    return True, "evidence and the user's call", expected
