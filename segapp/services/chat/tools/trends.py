"""Tools about change over time: a topic's months, whether sentiment is getting better or
worse over a period, and which topics grow fastest.

A period is read against the run's own months (the last month with dated
documents is "now"): {"last": 6, "unit": "months"}, {"since": "2024-03"} or
{"since": 2024}, {"month": "2024-03"} or {"month": "03"}, {"year": 2024}, or
{"start"/"from", "end"/"to"}. Monthly sentiment is left out for a month of
fewer than k documents, as in the trend selector.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from typing import Any

from django.db.models import Avg, CharField, Count
from django.db.models.functions import Cast, Substr

from nlp.chat.lexicon.quantities import UNIT_FACTORS
from segapp.selectors import trends
from segapp.selectors.topics import small_topic_numbers
from segapp.services.chat import figures
from segapp.services.chat.tools.base import ToolContext, ToolResult, fact, no_segment, no_topic
from segapp.services.chat.tools.documents import (
    matching_documents,
    search_words,
    subject_match,
    written_words,
)
from segapp.services.chat.tools.missing import no_such_words

STEADY = 0.05  # a change of mean sentiment smaller than this is "about the same"
VOLUME_STEADY = 0.2  # a change of documents smaller than this share is "about the same"
GROWTH_SHOWN = 5
UNIT_MONTHS = UNIT_FACTORS["months"]  # a period unit in months ("quarters": 3)


def topic_trend(
    ctx: ToolContext,
    topic: int | None = None,
    measure: str = "volume",
    period: dict | None = None,
    about: str | None = None,
) -> ToolResult:
    """A topic's documents (or mean sentiment) per month; without a topic, all documents, or
    with `about` the documents holding any of its words (a subject no topic covers).

    Mean sentiment without a topic is `sentiment_trend`'s question ("is sentiment getting
    better?") and is answered by it.
    """
    if topic is None and measure == "sentiment":
        return sentiment_trend(ctx, period=period, about=about)
    if topic is not None and int(topic) not in ctx.topic_labels():
        return no_topic(ctx, topic)
    words = subject_words(about) if topic is None else []
    if words:
        months = _sentiment_months(ctx, None, None, words)
        if _written(months) < ctx.k:  # (almost) nobody writes about it: say so
            about = " ".join(written_words(about))
            return no_such_words(ctx, about, {"about": about}, some=bool(months))
        label = f"“{' '.join(written_words(about))}”"
        measure = "volume"
    elif topic is None:
        volumes = trends.topic_volumes(ctx.run)
        months = [{"month": m.isoformat()[:7], "documents": n, "sentiment": None}
                  for m, n in zip(volumes.months, volumes.totals, strict=True)]  # fmt: skip
        label = "all topics"
        measure = "volume"
    else:
        trend = trends.topic_trend(ctx.run, int(topic))
        months = [{"month": m.month.isoformat()[:7], "documents": m.documents,
                   "share": round(m.share, 4), "sentiment": m.sentiment}
                  for m in trend.months]  # fmt: skip
        label = ctx.topic_label(int(topic))
    months = _in_run_period(ctx, months, period)
    data: dict[str, Any] = {"topic": topic, "label": label, "measure": measure, "months": months,
                            "period": period_words(period)}  # fmt: skip
    if words:
        data["about"] = " ".join(written_words(about))
    if not months:
        return ToolResult(data=data, refused="There are no dated documents in that period.")
    key = "sentiment" if measure == "sentiment" else "documents"
    known = [m for m in months if m[key] is not None]
    if not known:
        return ToolResult(
            data=data,
            refused=f"Each month has fewer than {ctx.k} documents on it, so no monthly "
            "sentiment can be reported.",
        )
    if key == "documents":
        data["volume"] = volume_change(months)
    first, last = known[0], known[-1]
    peak = max(known, key=lambda m: (m[key], m["month"]))
    low = min(known, key=lambda m: (m[key], m["month"]))
    data.update(first=first["month"], last=last["month"], peak=peak["month"], low=low["month"])
    write = figures.sentiment if key == "sentiment" else figures.count
    facts = [
        fact(first["month"], write(first[key])),
        fact(last["month"], write(last[key])),
        fact(f"Highest ({peak['month']})", write(peak[key])),
        fact(f"Lowest ({low['month']})", write(low[key])),
    ]
    return ToolResult(data=data, facts=facts, table=_month_table(months))


def volume_change(months: list[dict]) -> dict[str, Any] | None:
    """Documents in the earlier half of the months against the later half (the middle month
    of an odd count in neither) and which way that goes: "up", "down" or "steady" (a change
    under VOLUME_STEADY of the earlier count); None with fewer than two months."""
    half = len(months) // 2
    if half < 1:
        return None
    early, late = months[:half], months[len(months) - half :]
    before = sum(m["documents"] for m in early)
    after = sum(m["documents"] for m in late)
    change = round((after - before) / before, 4) if before else None
    if change is None:
        direction = "up" if after else "steady"
    else:
        direction = (
            "up" if change >= VOLUME_STEADY else "down" if change <= -VOLUME_STEADY else "steady"
        )
    return {
        "early": {"from": early[0]["month"], "to": early[-1]["month"], "documents": before},
        "late": {"from": late[0]["month"], "to": late[-1]["month"], "documents": after},
        "change": change, "direction": direction, "steady": VOLUME_STEADY,
    }  # fmt: skip


def _month_table(months: list[dict]) -> dict[str, Any]:
    return {"columns": ["Month", "Documents", "Mean sentiment"],
            "rows": [[m["month"], figures.count(m["documents"]),
                      figures.sentiment(m["sentiment"]) if m["sentiment"] is not None else ""]
                     for m in months]}  # fmt: skip


# --- periods ------------------------------------------------------------------------------------


def _shift(month: str, by: int) -> str:
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + number - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_bounds(period: dict | None, months: Sequence[str]) -> tuple[str, str]:
    """(first, last) month ("YYYY-MM", inclusive; "" for open) of `period` over `months`."""
    if not period or not months:
        return "", ""
    latest = max(months)
    if period.get("last"):
        span = max(1, round(float(period["last"]) * UNIT_MONTHS.get(period.get("unit"), 1)))
        return _shift(latest, -(span - 1)), latest
    if period.get("since"):
        since = str(period["since"])
        if len(since) <= 2:  # "since March": the last March up to the data's latest month
            year = int(latest[:4]) - (int(since) >= int(latest[5:7]))
            return f"{year:04d}-{int(since):02d}", ""
        return (since[:7] if len(since) >= 7 else f"{since[:4]}-01"), ""
    if period.get("year"):
        year = str(period["year"])[:4]
        if not year.isdigit():  # "this year": the latest year of the data, so far
            year = latest[:4]
        return f"{year}-01", f"{year}-12"
    if period.get("month"):
        month = str(period["month"])
        if len(month) <= 2:  # a month without its year: the latest one in the data
            month = max((m for m in months if m[5:7] == f"{int(month):02d}"), default="")
        return month[:7], month[:7]
    start = str(period.get("start") or period.get("from") or "")[:7]
    end = str(period.get("end") or period.get("to") or "")[:7]
    return start, end


def in_period(months: list[dict], period: dict | None) -> list[dict]:
    """The months (dicts with "month") that fall in `period`; all of them without one."""
    start, end = period_bounds(period, [m["month"] for m in months])
    return [m for m in months if (not start or m["month"] >= start)
            and (not end or m["month"] <= end)]  # fmt: skip


def period_words(period: dict | None) -> str:
    """A period as the answer reads it: "the last 6 months", "since 2024-03", "" for all."""
    if not period:
        return ""
    since = str(period.get("since") or "")
    if len(since) <= 2 and since.isdigit():  # "since March", read against the data's months
        return f"since {calendar.month_name[int(since)]}"
    if period.get("last"):
        n, unit = int(period["last"]), str(period.get("unit") or "months")
        return f"the last {unit.rstrip('s')}" if n == 1 else f"the last {n} {unit}"
    if period.get("year") == "this":
        return "this year so far"
    for key, words in (("since", "since"), ("year", "in"), ("month", "in")):
        if period.get(key):
            return f"{words} {period[key]}"
    start = period.get("start") or period.get("from")
    end = period.get("end") or period.get("to")
    if start and end:
        return f"from {start} to {end}"
    return f"since {start}" if start else (f"until {end}" if end else "")


# --- sentiment getting better or worse ----------------------------------------------------------


def subject_words(about: str | None) -> list[str]:
    """The stems of a subject's words ("deliveries" -> "deliver"), matched at a word's start."""
    return search_words(about)


def _run_months(ctx: ToolContext) -> list[str]:
    """Every calendar month from the run's first dated document to its last."""
    dated = [m["month"] for m in _sentiment_months(ctx, None, None)]
    if not dated:
        return []
    year, month = int(dated[0][:4]), int(dated[0][5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= dated[-1]:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _in_run_period(ctx: ToolContext, months: list[dict], period: dict | None) -> list[dict]:
    """The months of `period` read against the run's own months (its last dated month is
    "now"), months without documents filled in with none."""
    every = _run_months(ctx)
    start, end = period_bounds(period, every)
    known = {m["month"]: m for m in months}
    empty = {"documents": 0, "sentiment": None}
    return [known.get(m, {"month": m, **empty}) for m in every
            if (not start or m >= start) and (not end or m <= end)]  # fmt: skip


def _sentiment_months(
    ctx: ToolContext, topic: int | None, segment, words: list[str] | None = None
) -> list[dict[str, Any]]:
    """Documents and mean sentiment per month (all documents, a topic's or a segment's;
    with `words`, the documents about them: `subject_match`)."""
    rows = (
        _dated_results(ctx, topic, segment, words)
        .values("month")
        .annotate(documents=Count("id"), sentiment=Avg("sentiment"))
        .order_by("month")
    )
    return [
        {"month": r["month"], "documents": r["documents"],
         "sentiment": round(r["sentiment"], 4) if r["documents"] >= ctx.k else None}
        for r in rows
    ]  # fmt: skip


def _pooled_halves(
    ctx: ToolContext, topic: int | None, segment, words: list[str], months: list[dict]
) -> tuple[tuple[list[dict], float], tuple[list[dict], float]] | None:
    """The earlier and the later half of the period's months with their mean sentiment, when
    each half holds k documents or more (else None); no month's own mean is shown."""
    dated = [m for m in months if m["documents"]]
    if len(dated) < 2:
        return None
    half = len(dated) // 2
    early, late = dated[:half], dated[half:]
    if min(_written(early), _written(late)) < ctx.k:
        return None
    means = []
    for part in (early, late):
        found = _dated_results(ctx, topic, segment, words).filter(
            month__gte=part[0]["month"], month__lte=part[-1]["month"]
        )
        means.append(round(float(found.aggregate(mood=Avg("sentiment"))["mood"] or 0.0), 4))
    return (early, means[0]), (late, means[1])


def _dated_results(ctx: ToolContext, topic: int | None, segment, words: list[str] | None):
    """The run's dated document results (of a topic, a segment, about ``words``), each with
    its month ("YYYY-MM")."""
    found = matching_documents(ctx, topic=topic, segment=segment)
    found = found.filter(document__created_at__isnull=False)
    if words:
        found = found.filter(subject_match(ctx.run, words, ctx.k))
    return found.annotate(month=Substr(Cast("document__created_at", CharField()), 1, 7))


def _written(months: list[dict]) -> int:
    """The documents of all ``months``."""
    return sum(m["documents"] for m in months)


def _mean(months: list[dict]) -> float:
    documents = sum(m["documents"] for m in months)
    return sum(m["sentiment"] * m["documents"] for m in months) / documents


def sentiment_trend(
    ctx: ToolContext,
    topic: int | None = None,
    segment: int | None = None,
    period: dict | None = None,
    about: str | None = None,
) -> ToolResult:
    """Whether mean sentiment (of all documents, a topic, a segment, or the documents holding
    any word of `about`) is getting better or worse over `period`: the document-weighted
    mean of its earlier months against its later months, with every month's mean (months
    of fewer than k documents left out)."""
    if topic is not None and int(topic) not in ctx.topic_labels():
        return no_topic(ctx, topic)
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return no_segment(ctx, segment)
    words = subject_words(about) if topic is None else []
    every_month = _sentiment_months(ctx, topic, chosen, words)
    if words and _written(every_month) < ctx.k:  # (almost) nobody writes about it: say so
        about = " ".join(written_words(about))
        return no_such_words(ctx, about, {"about": about}, some=bool(every_month))
    months = _in_run_period(ctx, every_month, period)
    label = f"“{' '.join(written_words(about))}”" if words else "all documents"
    data: dict[str, Any] = {
        "topic": topic, "about": " ".join(words) or None,
        "label": ctx.topic_label(int(topic)) if topic is not None else label,
        "segment": chosen.number if chosen else None, "name": chosen.name if chosen else None,
        "period": period_words(period), "measure": "sentiment", "months": months, "k": ctx.k,
    }  # fmt: skip
    known = [m for m in months if m["sentiment"] is not None]
    if len(known) >= 2:
        half = len(known) // 2
        early, late = known[:half], known[-half:]
        before, after = round(_mean(early), 4), round(_mean(late), 4)
    else:  # a small subject: its earlier and later months pooled, each half k documents or more
        pooled = _pooled_halves(ctx, topic, chosen, words, months)
        if pooled is None:
            return ToolResult(
                data=data,
                refused=f"There is too little on it to say which way sentiment is going: I "
                f"need {ctx.k} or more dated documents in both the earlier and the later "
                "months of the period.",
            )
        (early, before), (late, after) = pooled
    change = round(after - before, 4)
    direction = "better" if change >= STEADY else "worse" if change <= -STEADY else "steady"
    data.update(
        first=early[0]["month"], last=late[-1]["month"], direction=direction,
        early={"from": early[0]["month"], "to": early[-1]["month"], "sentiment": before},
        late={"from": late[0]["month"], "to": late[-1]["month"], "sentiment": after},
        change=change, steady=STEADY,
    )  # fmt: skip
    facts = [
        fact(f"Mean sentiment {figures.months(early[0]['month'], early[-1]['month'])}",
             figures.sentiment(before)),
        fact(f"Mean sentiment {figures.months(late[0]['month'], late[-1]['month'])}",
             figures.sentiment(after)),
        fact("Change", figures.sentiment(change)),
    ]  # fmt: skip
    return ToolResult(data=data, facts=facts, table=_month_table(months))


# --- topics growing fastest ---------------------------------------------------------------------


def growing_topics(
    ctx: ToolContext, period: dict | None = None, order: str = "desc", limit: int = GROWTH_SHOWN
) -> ToolResult:
    """Topics whose share of the documents grew most (order "asc": fell most) between the
    earlier and the later half of `period`'s months (all dated months without one)."""
    volumes = trends.topic_volumes(ctx.run)
    names = [m.isoformat()[:7] for m in volumes.months]
    start, end = period_bounds(period, names)
    kept = [i for i, m in enumerate(names) if (not start or m >= start) and (not end or m <= end)]
    data: dict[str, Any] = {"period": period_words(period), "order": order, "k": ctx.k}
    if len(kept) < 2:
        return ToolResult(
            data=data,
            refused="I need documents from at least two months of that period to see which "
            "topics grow.",
        )
    half = len(kept) // 2
    early, late = kept[:half], kept[-half:]
    early_total = sum(volumes.totals[i] for i in early) or 1
    late_total = sum(volumes.totals[i] for i in late) or 1
    small = small_topic_numbers(ctx.run, ctx.k)
    rows = []
    for topic, counts in volumes.counts.items():
        if topic < 0 or topic in small or topic not in ctx.topic_labels():
            continue
        if sum(counts[i] for i in early + late) < 2 * ctx.k:
            continue  # growth on a handful of documents is noise
        before = sum(counts[i] for i in early) / early_total
        after = sum(counts[i] for i in late) / late_total
        rows.append({"topic": topic, "label": ctx.topic_label(topic),
                     "before": round(before, 4), "after": round(after, 4),
                     "change": round(after - before, 4),
                     "documents": sum(counts[i] for i in early + late)})  # fmt: skip
    sign = -1 if order != "asc" else 1
    rows.sort(key=lambda r: (sign * r["change"], r["topic"]))
    limit = max(1, min(int(limit or GROWTH_SHOWN), 20))
    data.update(
        early={"from": names[early[0]], "to": names[early[-1]]},
        late={"from": names[late[0]], "to": names[late[-1]]},
        topics=rows[:limit],
    )  # fmt: skip
    if not rows:
        return ToolResult(data=data, refused="No topic of this run has dated documents.")
    facts = [fact(f"Documents about {r['label']}",
                  f"{figures.share(r['before'])} → {figures.share(r['after'])} "
                  f"({figures.points(r['change'])})") for r in rows[:limit]]  # fmt: skip
    table = {
        "columns": ["Topic", figures.months(names[early[0]], names[early[-1]]),
                    figures.months(names[late[0]], names[late[-1]]), "Change"],
        "rows": [[r["label"], figures.share(r["before"]), figures.share(r["after"]),
                  figures.points(r["change"])] for r in rows[:limit]],
    }  # fmt: skip
    return ToolResult(data=data, facts=facts, table=table)
