"""The chat's tools: one function per tool name of a plan, reading selectors only.

Each tool takes a `ToolContext` (run, user, k) and the plan step's arguments and
returns a `ToolResult`: `data` (a compact JSON-ready summary, shown as the
plan step's result), `facts` (label/value pairs a person reads, formatted by
`figures`), `quotes` (redacted document texts, only for roles with
`view_documents`, only about groups of at least k writers) and an optional
small `table`. Checks live here, never in the answer: customers need
`explain_customers`, quotes need `view_documents`, product managers and
integrations get aggregates only, and no group below k is reported (a filtered
count between 1 and k-1 reads "fewer than k"; roles without customer-level
access get numeric thresholds rounded to population bands, see `counts`). A
tool that cannot answer returns a result with `refused` set to a plain reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, Q

from segapp.models import DocumentResult, Membership, RunStatus, Segment, SegmentationRun, Topic
from segapp.selectors import personas, trends
from segapp.selectors.topics import (
    TopicNotFound,
    get_topic,
    small_topic_label,
    small_topic_numbers,
)
from segapp.services.accounts import can
from segapp.services.chat import counts, figures
from segapp.services.chat.customer_columns import behaviour_measures
from segapp.services.chat.vocabulary import run_categories
from segapp.services.sensitive import declared_sensitive_names

QUOTE_LIMIT = 5
MAX_QUOTE_LIMIT = 10
TRAITS_SHOWN = 3
COMPARE_TRAITS = 4
COMPARE_TOPICS = 3
DRIVERS_SHOWN = 3
WHERE_SHOWN = 3
CHANGES_SHOWN = 3
MIN_OVERLAP = 0.5  # Jaccard overlap from which a segment persists into the next run (as naming)
SEGMENT_KEY = "document__customer__memberships__segment__number"


@dataclass
class ToolContext:
    """What every tool needs: the run, who asks (None: the command line's operator), and k.

    Segments and topic labels are read once per question and shared by its steps.
    """

    run: SegmentationRun
    user: Any
    k: int
    _segments: list[Segment] | None = field(default=None, repr=False)
    _labels: dict[int, str] | None = field(default=None, repr=False)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per question for `key` (member values, grids), then the same value."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def allowed(self, capability: str) -> bool:
        """Whether the asker may use `capability`; the command line's operator may do all."""
        return self.user is None or can(self.user, capability)

    def measures(self) -> dict[str, dict[str, Any]]:
        """The run's features that may be offered as measures (none declared sensitive)."""
        return self.cached(
            "measures", lambda: behaviour_measures(self.run, declared=declared_sensitive_names())
        )

    def segments(self) -> list[Segment]:
        """The run's segments by number (one query, then cached)."""
        if self._segments is None:
            self._segments = list(Segment.objects.filter(run=self.run).order_by("number"))
        return self._segments

    def reportable(self) -> list[Segment]:
        """The segments of at least k customers."""
        return [s for s in self.segments() if not personas.is_small(s, self.k)]

    def segment(self, number: int) -> Segment | None:
        """A reportable segment by number, or None."""
        return next((s for s in self.reportable() if s.number == number), None)

    def topic_labels(self) -> dict[int, str]:
        """Topic number → label (one query, then cached)."""
        if self._labels is None:
            small = small_topic_numbers(self.run)
            hidden = small_topic_label()
            self._labels = {
                number: hidden if number in small else label
                for number, label in Topic.objects.filter(run=self.run).values_list(
                    "number", "label"
                )
            }
        return self._labels

    def topic_label(self, number: int) -> str:
        """A topic's label, or "topic N" when the run has none by that number."""
        return self.topic_labels().get(number, f"topic {number}")


@dataclass
class ToolResult:
    """What a tool found: data for the plan, facts and quotes for people, maybe a table."""

    data: dict[str, Any] = field(default_factory=dict)
    facts: list[dict[str, str]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    table: dict[str, Any] | None = None
    refused: str | None = None

    def summary(self) -> dict[str, Any]:
        """The compact result shown in the plan ("how I answered")."""
        found = dict(self.data)
        if self.refused:
            found["refused"] = self.refused
        if self.quotes:
            found["quotes"] = [q["document"] for q in self.quotes]
        return found


class ToolError(ValueError):
    """A tool was called with arguments it does not take (an LLM's invented call, say)."""


def refused(reason: str, **data: Any) -> ToolResult:
    """A result that says plainly why the tool cannot answer."""
    return ToolResult(data=dict(data), refused=reason)


def fact(label: str, value: str) -> dict[str, str]:
    """One label/value pair of the facts table."""
    return {"label": label, "value": value}


def segment_ref(segment: Segment) -> dict[str, Any]:
    """How a segment is named in data: number and name."""
    return {"segment": segment.number, "name": segment.name}


def _no_segment(ctx: ToolContext, number: Any) -> ToolResult:
    if any(s.number == number for s in ctx.segments()):
        return refused(
            f"Segment {number} has fewer than {ctx.k} customers; nothing is reported about "
            "groups that small.",
            segment=number,
            k=ctx.k,
        )
    return refused(f"There is no segment {number} in run {ctx.run.pk}.", segment=number)


def _no_topic(ctx: ToolContext, number: Any) -> ToolResult:
    return refused(f"There is no topic {number} in run {ctx.run.pk}.", topic=number)


# --- overview and one segment -----------------------------------------------------------------


def overview(ctx: ToolContext) -> ToolResult:
    """How many segments, their sizes and shares, the largest and the smallest."""
    shown = ctx.reportable()
    small = len(ctx.segments()) - len(shown)
    rows = [{**segment_ref(s), "size": s.size, "share": round(s.share, 4)} for s in shown]
    data: dict[str, Any] = {
        "run": ctx.run.pk,
        "segments": len(ctx.segments()),
        "reported": len(shown),
        "small_segments": small,
        "k": ctx.k,
        "customers": ctx.run.n_customers,
        "outlier_share": ctx.run.outlier_share,
        "sizes": rows,
    }
    facts = [fact("Segments", figures.count(len(ctx.segments()))),
             fact("Customers in the run", figures.count(ctx.run.n_customers))]  # fmt: skip
    if shown:
        by_size = sorted(shown, key=lambda s: (-s.size, s.number))
        data["largest"], data["smallest"] = by_size[0].number, by_size[-1].number
    for s in shown:
        facts.append(fact(s.name, f"{figures.count(s.size)} ({figures.share(s.share)})"))
    if small:
        facts.append(fact(f"Segments below k = {ctx.k}", figures.count(small)))
    table = {
        "columns": ["Segment", "Name", "Customers", "Share"],
        "rows": [[s.number, s.name, figures.count(s.size), figures.share(s.share)] for s in shown],
    }
    return ToolResult(data=data, facts=facts, table=table)


def describe_segment(ctx: ToolContext, segment: int) -> ToolResult:
    """One segment: size, share, description, sentiment, top topics and strongest traits."""
    if ctx.segment(int(segment)) is None:
        return _no_segment(ctx, segment)
    try:
        persona = personas.get_persona(ctx.run, int(segment), with_quotes=False)
    except personas.SegmentNotFound:
        return _no_segment(ctx, segment)
    topics = [t for t in persona["top_topics"] if t.get("share") is not None][:3]
    traits = [t for t in persona["traits"] if t.get("segment_mean") is not None][:TRAITS_SHOWN]
    data = {
        "segment": persona["number"],
        "name": persona["name"],
        "size": persona["size"],
        "share": round(persona["share"], 4),
        "description": persona["description"],
        "sentiment": persona["sentiment"],
        "topics": [
            {
                "topic": t["topic"],
                "label": t["label"],
                "share": t["share"],
                "sentiment": t.get("sentiment"),
            }
            for t in topics
        ],  # fmt: skip
        "traits": [
            {
                "feature": t["feature"],
                "label": t["label"],
                "segment_mean": t["segment_mean"],
                "population_mean": t.get("population_mean"),
                "direction": t.get("direction"),
            }
            for t in traits
        ],  # fmt: skip
    }
    facts = [
        fact("Customers", figures.count(persona["size"])),
        fact("Share of the run", figures.share(persona["share"])),
    ]
    if persona["sentiment"] is not None:
        facts.append(fact("Mean sentiment", figures.sentiment(persona["sentiment"])))
    for t in topics:
        facts.append(fact(f"Documents about {t['label']}", figures.share(t["share"])))
    for t in traits:
        population = t.get("population_mean")
        versus = "" if population is None else f" (everyone: {figures.number(population)})"
        facts.append(fact(t["label"], figures.number(t["segment_mean"]) + versus))
    return ToolResult(data=data, facts=facts)


# --- ranking ----------------------------------------------------------------------------------


def _topic_rows(ctx: ToolContext, topic: int | None = None) -> dict[int, dict[int, dict]]:
    """Per segment number, per topic: documents, mean sentiment, negatives, writers (one query)."""
    found = DocumentResult.objects.filter(
        run=ctx.run,
        document__customer__memberships__run=ctx.run,
        document__customer__memberships__segment__isnull=False,
    )
    if topic is not None:
        found = found.filter(topic=topic)
    rows = (
        found.values("topic", number=F(SEGMENT_KEY))
        .annotate(
            n=Count("id"),
            sentiment=Avg("sentiment"),
            negative=Count("id", filter=Q(sentiment_label="negative")),
            writers=Count("document__customer", distinct=True),
        )
        .order_by()
    )
    by_segment: dict[int, dict[int, dict]] = {}
    for row in rows:
        by_segment.setdefault(row["number"], {})[row["topic"]] = row
    return by_segment


def _documents_per_segment(ctx: ToolContext) -> dict[int, int]:
    """How many documents of the run each segment's members wrote (one query)."""
    rows = (
        DocumentResult.objects.filter(
            run=ctx.run,
            document__customer__memberships__run=ctx.run,
            document__customer__memberships__segment__isnull=False,
        )
        .values(number=F(SEGMENT_KEY))
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["number"]: row["n"] for row in rows}


def _measure_values(
    ctx: ToolContext, measure: str, topic: int | None
) -> tuple[str, dict[int, float], Callable[[float], str]] | str:
    """(label, value per reportable segment, formatter), or a reason the measure is unknown."""
    shown = ctx.reportable()
    if measure == "size":
        return "number of customers", {s.number: s.size for s in shown}, figures.count
    if measure == "documents":
        values = {s.number: (s.profile or {}).get("documents") for s in shown}
        return "documents written", _known(values), figures.count
    if measure in ("sentiment", "topic_share") and topic is not None:
        if topic not in ctx.topic_labels():
            return f"There is no topic {topic} in run {ctx.run.pk}."
        return _topic_measure(ctx, measure, topic)
    if measure == "topic_share":
        return "Which topic should the segments be ranked by? Name one."
    if measure == "sentiment":
        values = {s.number: (s.profile or {}).get("sentiment") for s in shown}
        return "mean sentiment", _known(values), figures.sentiment
    info = ctx.measures().get(measure)
    if info is None or info.get("kind") != "behaviour":
        return f"This run has no measure called “{measure}”."
    values = {s.number: personas._feature_means(s.profile or {}).get(measure) for s in shown}
    return f"mean {info.get('label') or measure}".lower(), _known(values), figures.number


def _known(values: dict[int, Any]) -> dict[int, float]:
    return {n: float(v) for n, v in values.items() if v is not None}


def _topic_measure(
    ctx: ToolContext, measure: str, topic: int
) -> tuple[str, dict[int, float], Callable[[float], str]]:
    """Sentiment about / share of a topic per segment: the profile's top topics, else the
    run's document results (sentiment only where at least k members wrote about it)."""
    rows = _topic_rows(ctx, topic)
    totals = _documents_per_segment(ctx) if measure == "topic_share" else {}
    label = ctx.topic_label(topic)
    values: dict[int, float] = {}
    for s in ctx.reportable():
        stored = next(
            (t for t in (s.profile or {}).get("top_topics") or [] if t.get("topic") == topic), None
        )
        row = rows.get(s.number, {}).get(topic)
        if measure == "sentiment":
            if (
                stored
                and stored.get("sentiment") is not None
                and stored.get("customers", 0) >= ctx.k
            ):
                values[s.number] = float(stored["sentiment"])
            elif row and row["writers"] >= ctx.k:
                values[s.number] = round(float(row["sentiment"]), 4)
        elif stored and stored.get("share") is not None:
            values[s.number] = float(stored["share"])
        else:
            total = totals.get(s.number, 0)
            values[s.number] = round(row["n"] / total, 4) if row and total else 0.0
    if measure == "sentiment":
        return f"sentiment about {label}", values, figures.sentiment
    return f"share of documents about {label}", values, figures.share


def rank_segments(
    ctx: ToolContext,
    measure: str = "size",
    order: str = "desc",
    position: int = 1,
    topic: int | None = None,
) -> ToolResult:
    """Segments ranked by a measure; `position` picks one (1: top, 2: second …)."""
    measured = _measure_values(ctx, str(measure or "size"), topic)
    if isinstance(measured, str):
        return refused(measured, measure=measure, topic=topic)
    label, values, write = measured
    if not values:
        return refused(f"No segment has a {label} I can report.", measure=measure, topic=topic)
    descending = order != "asc"
    names = {s.number: s.name for s in ctx.reportable()}
    ranked = sorted(values.items(), key=lambda item: (-item[1] if descending else item[1], item[0]))
    ranking = [
        {"segment": n, "name": names[n], "value": round(v, 4), "rank": i + 1}
        for i, (n, v) in enumerate(ranked)
    ]
    position = max(1, int(position or 1))
    data: dict[str, Any] = {
        "measure": measure,
        "label": label,
        "order": "desc" if descending else "asc",
        "position": position,
        "topic": topic,
        "ranking": ranking,
    }
    if position > len(ranking):
        return refused(f"Only {len(ranking)} segments have a {label} I can report.", **data)
    chosen = ranking[position - 1]
    data["answer"] = chosen["segment"]
    facts = [fact(f"{r['name']}: {label}", write(r["value"])) for r in ranking]
    table = {
        "columns": ["Rank", "Segment", "Name", label[:1].upper() + label[1:]],
        "rows": [[r["rank"], r["segment"], r["name"], write(r["value"])] for r in ranking],
    }
    return ToolResult(data=data, facts=facts, table=table)


# --- two segments, a segment and a topic, a topic's segments ----------------------------------


def compare_segments(ctx: ToolContext, segments: list[int]) -> ToolResult:
    """Two segments side by side: sizes, sentiment, the most different traits and topics."""
    numbers = [int(n) for n in (segments or [])][:2]
    if len(numbers) < 2 or numbers[0] == numbers[1]:
        return refused("Name two different segments to compare.", segments=numbers)
    for number in numbers:
        if ctx.segment(number) is None:
            return _no_segment(ctx, number)
    compared = personas.compare_personas(ctx.run, numbers[0], numbers[1])
    a, b = compared["a"], compared["b"]
    traits = [t for t in compared["traits"] if t["difference"] is not None]
    traits = [t for t in traits if not t["feature"].startswith("topic:")][:COMPARE_TRAITS]
    topics = compared["topics"][:COMPARE_TOPICS]
    data = {
        "a": {**_side(a)},
        "b": {**_side(b)},
        "traits": [
            {
                "feature": t["feature"],
                "label": t["label"],
                "a": round(t["a"], 4),
                "b": round(t["b"], 4),
            }
            for t in traits
        ],  # fmt: skip
        "topics": [
            {
                "topic": t["topic"],
                "label": t["label"],
                "a_share": t["a_share"],
                "b_share": t["b_share"],
            }
            for t in topics
        ],  # fmt: skip
    }
    facts = [fact(f"{a['name']}: customers", figures.count(a["size"])),
             fact(f"{b['name']}: customers", figures.count(b["size"]))]  # fmt: skip
    for side in (a, b):
        if side["sentiment"] is not None:
            facts.append(
                fact(f"{side['name']}: mean sentiment", figures.sentiment(side["sentiment"]))
            )
    rows = []
    for t in traits:
        write = figures.sentiment if t["feature"] == "sentiment" else figures.number
        facts.append(fact(t["label"], f"{write(t['a'])} vs {write(t['b'])}"))
        rows.append([t["label"], write(t["a"]), write(t["b"])])
    for t in topics:
        shares = f"{figures.share(t['a_share'])} vs {figures.share(t['b_share'])}"
        facts.append(fact(f"Documents about {t['label']}", shares))
        rows.append([f"Documents about {t['label']}", figures.share(t["a_share"]),
                     figures.share(t["b_share"])])  # fmt: skip
    table = {"columns": ["", a["name"], b["name"]], "rows": rows}
    return ToolResult(data=data, facts=facts, table=table)


def _side(persona: dict) -> dict[str, Any]:
    return {
        "segment": persona["number"],
        "name": persona["name"],
        "size": persona["size"],
        "share": round(persona["share"], 4),
        "sentiment": persona["sentiment"],
    }


def _topic_documents(
    ctx: ToolContext, *, topic: int | None, segment: Segment | None, negative: bool = False,
    limit: int,
) -> list[dict[str, Any]]:  # fmt: skip
    """Up to `limit` redacted texts (different customers) of a topic and/or segment.

    Documents the run chose as representative (the persona's quotes, the
    topic's representative documents) come first; then the rest by id.
    """
    found = DocumentResult.objects.filter(run=ctx.run)
    if topic is not None:
        found = found.filter(topic=topic)
    if segment is not None:
        found = found.filter(
            document__customer__memberships__run=ctx.run,
            document__customer__memberships__segment=segment,
        )
    if negative:
        found = found.filter(sentiment_label="negative")
    preferred = [int(pk) for pk in ((segment.profile or {}).get("quotes") or [])] if segment else []
    if topic is not None:
        stored = Topic.objects.filter(run=ctx.run, number=topic).values_list(
            "representative_documents", flat=True
        )
        preferred += [int(pk) for pk in (stored.first() or [])]
    rank = {pk: i for i, pk in enumerate(preferred)}
    rows = found.order_by("sentiment" if negative else "document_id").values(
        "document_id", "document__text", "document__customer_id", "topic", "sentiment"
    )[:500]
    rows = sorted(rows, key=lambda r: rank.get(r["document_id"], len(rank)))
    chosen, writers = [], set()
    for row in rows:
        if row["document__customer_id"] in writers or not row["document__text"]:
            continue
        writers.add(row["document__customer_id"])
        quote = {"document": row["document_id"], "text": row["document__text"]}
        if segment is not None:
            quote["segment"] = segment.number
        chosen.append(quote)
        if len(chosen) >= limit:
            break
    return chosen


def segment_topic(ctx: ToolContext, segment: int, topic: int) -> ToolResult:
    """What a segment says about a topic: its share, sentiment, writers, and quotes."""
    chosen = ctx.segment(int(segment))
    if chosen is None:
        return _no_segment(ctx, segment)
    if int(topic) not in ctx.topic_labels():
        return _no_topic(ctx, topic)
    topic = int(topic)
    row = _topic_rows(ctx, topic).get(chosen.number, {}).get(topic)
    total = _documents_per_segment(ctx).get(chosen.number, 0)
    label = ctx.topic_label(topic)
    data: dict[str, Any] = {**segment_ref(chosen), "topic": topic, "label": label, "k": ctx.k}
    if row is None or row["writers"] < ctx.k:
        data["writers"] = "fewer than k"
        reason = (
            f"Fewer than {ctx.k} customers of “{chosen.name}” write about {label}, so I can't "
            "report on what they say about it."
        )
        return ToolResult(data=data, facts=[], refused=reason)
    share = round(row["n"] / total, 4) if total else 0.0
    data.update(
        documents=row["n"], share=share, writers=row["writers"],
        sentiment=round(row["sentiment"], 4),
        negative_share=round(row["negative"] / row["n"], 4) if row["n"] else 0.0,
    )  # fmt: skip
    facts = [
        fact("Documents on the topic", figures.count(row["n"])),
        fact("Share of the segment's documents", figures.share(share)),
        fact("Customers writing about it", figures.count(row["writers"])),
        fact("Their mean sentiment on it", figures.sentiment(data["sentiment"])),
        fact("Negative documents on it", figures.share(data["negative_share"])),
    ]
    quotes = []
    if ctx.allowed("view_documents"):
        quotes = _topic_documents(ctx, topic=topic, segment=chosen, limit=3)
    else:
        data["quotes_hidden"] = True
    return ToolResult(data=data, facts=facts, quotes=quotes)


def topic_where(ctx: ToolContext, topic: int) -> ToolResult:
    """Where a topic comes up most: each segment's share of documents on it, and the lift."""
    try:
        found = get_topic(ctx.run, int(topic), with_documents=False)
    except (TopicNotFound, TypeError, ValueError):
        return _no_topic(ctx, topic)
    rows = _topic_rows(ctx, found.number)
    totals = _documents_per_segment(ctx)
    overall = found.share or 0.0
    ranking = []
    for s in ctx.reportable():
        row = rows.get(s.number, {}).get(found.number)
        total = totals.get(s.number, 0)
        if not row or not total:
            continue
        share = round(row["n"] / total, 4)
        ranking.append({
            **segment_ref(s), "share": share, "documents": row["n"],
            "lift": round(share / overall, 2) if overall else None,
            "sentiment": round(row["sentiment"], 4) if row["writers"] >= ctx.k else None,
        })  # fmt: skip
    ranking.sort(key=lambda r: (-r["share"], r["segment"]))
    data = {
        "topic": found.number,
        "label": found.label,
        "documents": found.size,
        "share": round(overall, 4),
        "sentiment": found.sentiment,
        "ranking": ranking,
    }
    facts = [fact("Documents on the topic", figures.count(found.size)),
             fact("Share of all documents", figures.share(overall))]  # fmt: skip
    if found.sentiment is not None:
        facts.append(fact("Mean sentiment on the topic", figures.sentiment(found.sentiment)))
    for r in ranking[:WHERE_SHOWN]:
        facts.append(fact(f"{r['name']}: share of its documents", figures.share(r["share"])))
    table = {
        "columns": ["Segment", "Name", "Share of its documents", "Lift", "Sentiment"],
        "rows": [
            [
                r["segment"],
                r["name"],
                figures.share(r["share"]),
                figures.ratio(r["lift"]) if r["lift"] is not None else "",
                figures.sentiment(r["sentiment"]) if r["sentiment"] is not None else "",
            ]
            for r in ranking
        ],  # fmt: skip
    }
    return ToolResult(data=data, facts=facts, table=table)


def negative_drivers(ctx: ToolContext, segment: int | None = None) -> ToolResult:
    """Topics driving negative sentiment: the share of documents that are negative posts on
    each topic (its share × its negative rate), among topics at least k customers wrote about."""
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return _no_segment(ctx, segment)
    rows = _driver_rows(ctx, chosen)
    total = sum(r["n"] for r in rows)
    drivers = []
    for row in rows:
        if row["topic"] < 0 or row["writers"] < ctx.k or not row["negative"]:
            continue
        drivers.append({
            "topic": row["topic"], "label": ctx.topic_label(row["topic"]),
            "weight": round(row["negative"] / total, 4),
            "share": round(row["n"] / total, 4),
            "negative_share": round(row["negative"] / row["n"], 4),
            "sentiment": round(row["sentiment"], 4),
        })  # fmt: skip
    drivers.sort(key=lambda d: (-d["weight"], d["sentiment"], d["topic"]))
    data: dict[str, Any] = {"segment": None, "name": "all customers", "documents": total,
                            "drivers": drivers[:6]}  # fmt: skip
    if chosen is not None:
        data.update(segment_ref(chosen))
    if not drivers:
        return ToolResult(
            data=data,
            refused=f"No topic that at least {ctx.k} customers write about has negative "
            "documents here.",
        )
    facts = []
    for d in drivers[:DRIVERS_SHOWN]:
        facts.append(fact(f"{d['label']}: negative documents", figures.share(d["negative_share"])))
        facts.append(fact(f"{d['label']}: mean sentiment", figures.sentiment(d["sentiment"])))
    quotes = []
    if ctx.allowed("view_documents"):
        quotes = _topic_documents(
            ctx, topic=drivers[0]["topic"], segment=chosen, negative=True, limit=2
        )
    table = {
        "columns": ["Topic", "Share of documents", "Negative", "Mean sentiment"],
        "rows": [[d["label"], figures.share(d["share"]), figures.share(d["negative_share"]),
                  figures.sentiment(d["sentiment"])] for d in drivers[:6]],
    }  # fmt: skip
    return ToolResult(data=data, facts=facts, quotes=quotes, table=table)


def _driver_rows(ctx: ToolContext, segment: Segment | None) -> list[dict]:
    found = DocumentResult.objects.filter(run=ctx.run)
    if segment is not None:
        found = found.filter(
            document__customer__memberships__run=ctx.run,
            document__customer__memberships__segment=segment,
        )
    else:
        small = [s.pk for s in ctx.segments() if personas.is_small(s, ctx.k)]
        if small:
            found = found.exclude(
                document__customer__memberships__segment__in=small,
            )
    return list(
        found.values("topic")
        .annotate(
            n=Count("id"),
            sentiment=Avg("sentiment"),
            negative=Count("id", filter=Q(sentiment_label="negative")),
            writers=Count("document__customer", distinct=True),
        )
        .order_by()
    )


# --- counts with filters ----------------------------------------------------------------------


def count_members(
    ctx: ToolContext, segment: int | None = None, filters: list[dict] | None = None
) -> ToolResult:
    """How many members (of a segment, or of the run) match behaviour and category filters.

    A count between 1 and k-1 is reported as "fewer than k". Roles without
    customer-level access get numeric thresholds rounded to population bands
    (`counts`), and the answer says so.
    """
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return _no_segment(ctx, segment)
    features = ctx.measures()
    wanted = []
    categories: dict[str, list[str]] | None = None
    for f in filters or []:
        key, op = str(f.get("measure")), str(f.get("op", ">"))
        if op == "==":
            if categories is None:
                categories = ctx.cached("categories", lambda: run_categories(ctx.run, ctx.k))
            value = str(f.get("value", "")).strip().lower()
            if value not in categories.get(key, []):
                return refused(f"This run has no customers with {key} “{value}” to count.",
                               measure=key)  # fmt: skip
            wanted.append({"measure": key, "label": key.replace("_", " "), "op": op,
                           "value": value})  # fmt: skip
            continue
        info = features.get(key)
        if op not in counts.OPS or not isinstance(f.get("value"), int | float):
            raise ToolError(f"Invalid filter {f!r}.")
        if info is None or info.get("kind") not in ("behaviour", "sentiment"):
            return refused(f"This run has no measure called “{key}” to filter on.", measure=key)
        wanted.append({"measure": key, "label": info.get("label") or key, "op": op,
                       "value": float(f["value"])})  # fmt: skip
    counted = counts.count(ctx, chosen.number if chosen else None, wanted)
    who = chosen.name if chosen else "the run"
    data: dict[str, Any] = {
        "segment": chosen.number if chosen else None,
        "name": who,
        "filters": [{**w, "value": w["value"]} for w in wanted],
        "members": counted.members,
        "k": ctx.k,
    }
    if counted.withheld:
        return refused(counted.withheld, **data)
    data["condition"] = counted.condition
    if counted.rounded:
        data["rounded"] = counted.rounded
    matching = counted.matching or 0
    if 0 < matching < ctx.k:
        data["count"], data["fewer_than_k"] = None, True
        shown = f"fewer than {ctx.k}"
    else:
        data["count"], data["fewer_than_k"] = matching, False
        shown = figures.count(matching)
        data["share"] = round(matching / counted.members, 4) if counted.members else 0.0
    facts = [fact(f"Customers in {who}", figures.count(counted.members))]
    condition = counted.condition
    facts.append(fact(f"Of them with {condition}" if condition else "Of them", shown))
    if data.get("share") is not None and wanted:
        facts.append(fact("Share", figures.share(data["share"])))
    facts.extend(fact(label, value) for label, value in counted.facts)
    return ToolResult(data=data, facts=facts)


# --- change over time and between runs --------------------------------------------------------


def topic_trend(
    ctx: ToolContext, topic: int | None = None, measure: str = "volume", period: dict | None = None
) -> ToolResult:
    """A topic's documents (or mean sentiment) per month; without a topic, all documents."""
    if topic is not None and int(topic) not in ctx.topic_labels():
        return _no_topic(ctx, topic)
    if topic is None:
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
    months = _in_period(months, period)
    data: dict[str, Any] = {"topic": topic, "label": label, "measure": measure, "months": months}
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
    table = {"columns": ["Month", "Documents", "Mean sentiment"],
             "rows": [[m["month"], figures.count(m["documents"]),
                       figures.sentiment(m["sentiment"]) if m["sentiment"] is not None else ""]
                      for m in months]}  # fmt: skip
    return ToolResult(data=data, facts=facts, table=table)


def _in_period(months: list[dict], period: dict | None) -> list[dict]:
    if not period:
        return months
    start = str(period.get("start") or period.get("from") or "")[:7]
    end = str(period.get("end") or period.get("to") or "")[:7]
    return [
        m for m in months if (not start or m["month"] >= start) and (not end or m["month"] <= end)
    ]


def run_change(
    ctx: ToolContext, against: str | int = "previous", run: int | None = None
) -> ToolResult:
    """What changed between two successful runs: segments that persist (with size changes),
    appear and vanish, and the biggest shifts in the topic mix."""
    current = ctx.run
    if run is not None:
        current = SegmentationRun.objects.filter(pk=int(run), status=RunStatus.SUCCEEDED).first()
        if current is None:
            return refused(f"There is no successful run {run}.", run=run)
    previous = _earlier_run(current, against)
    if previous is None:
        reason = (
            f"There is no successful run before run {current.pk} to compare with."
            if against == "previous"
            else f"There is no successful run {against}."
        )
        return refused(reason, run=current.pk, against=against)
    now, before = _reportable(current, ctx.k), _reportable(previous, ctx.k)
    pairs = _persisting(current, previous, now, before)
    persisted = [
        {"segment": n.number, "name": n.name, "previous_segment": o.number,
         "previous_size": o.size, "size": n.size, "change": n.size - o.size}
        for n, o in pairs
    ]  # fmt: skip
    kept_new, kept_old = {n.number for n, _ in pairs}, {o.number for _, o in pairs}
    appeared = [{"segment": s.number, "name": s.name, "size": s.size}
                for s in now if s.number not in kept_new]  # fmt: skip
    vanished = [{"segment": s.number, "name": s.name, "size": s.size}
                for s in before if s.number not in kept_old]  # fmt: skip
    shifts = _topic_shifts(current, previous)
    data = {
        "run": current.pk, "previous": previous.pk,
        "segments": len(now), "previous_segments": len(before),
        "customers": current.n_customers, "previous_customers": previous.n_customers,
        "persisted": persisted, "appeared": appeared, "vanished": vanished,
        "topic_shifts": shifts[:CHANGES_SHOWN],
    }  # fmt: skip
    facts = [
        fact(f"Segments (run {previous.pk} → run {current.pk})",
             f"{figures.count(len(before))} → {figures.count(len(now))}"),
        fact("Customers", f"{figures.count(previous.n_customers)} → "
                          f"{figures.count(current.n_customers)}"),
        fact("Segments that persist", figures.count(len(persisted))),
        fact("New segments", figures.count(len(appeared))),
        fact("Segments gone", figures.count(len(vanished))),
    ]  # fmt: skip
    for p in sorted(persisted, key=lambda p: -abs(p["change"]))[:CHANGES_SHOWN]:
        sizes = f"{figures.count(p['previous_size'])} → {figures.count(p['size'])}"
        facts.append(fact(f"{p['name']}: customers", sizes))
    for s in shifts[:CHANGES_SHOWN]:
        moved = f"{figures.share(s['before'])} → {figures.share(s['after'])}"
        facts.append(fact(f"Documents about {s['label']}", moved))
    return ToolResult(data=data, facts=facts)


def _earlier_run(current: SegmentationRun, against: str | int) -> SegmentationRun | None:
    succeeded = SegmentationRun.objects.filter(status=RunStatus.SUCCEEDED).exclude(pk=current.pk)
    if against in (None, "previous"):
        earlier = succeeded.filter(created_at__lte=current.created_at, pk__lt=current.pk)
        return earlier.order_by("-created_at", "-id").first()
    try:
        return succeeded.filter(pk=int(against)).first()
    except (TypeError, ValueError):
        return None


def _reportable(run: SegmentationRun, k: int) -> list[Segment]:
    return [
        s for s in Segment.objects.filter(run=run).order_by("number") if not personas.is_small(s, k)
    ]


def _persisting(
    current: SegmentationRun, previous: SegmentationRun, now: list[Segment], before: list[Segment]
) -> list[tuple[Segment, Segment]]:
    """(new, old) pairs: the run's recorded `continues`, else customers overlapping by
    Jaccard ≥ 0.5 (each old segment continues into at most one new one)."""
    old = {s.number: s for s in before}
    pairs: dict[int, tuple[Segment, Segment]] = {}
    for s in now:
        continues = (s.profile or {}).get("continues") or {}
        if continues.get("run") == previous.pk and continues.get("segment") in old:
            pairs[s.number] = (s, old[continues["segment"]])
    if pairs or not now or not before:
        return list(pairs.values())
    members_now, members_before = _members(current), _members(previous)
    candidates = []
    for s in now:
        for o in before:
            a, b = members_now.get(s.number, set()), members_before.get(o.number, set())
            overlap = len(a & b) / len(a | b) if a | b else 0.0
            if overlap >= MIN_OVERLAP:
                candidates.append((overlap, s, o))
    lent: set[int] = set()
    for _, s, o in sorted(candidates, key=lambda c: (-c[0], c[1].number, c[2].number)):
        if s.number not in pairs and o.number not in lent:
            pairs[s.number], lent = (s, o), lent | {o.number}
    return list(pairs.values())


def _members(run: SegmentationRun) -> dict[int, set[int]]:
    rows = Membership.objects.filter(run=run, segment__isnull=False).values_list(
        "segment__number", "customer_id"
    )
    found: dict[int, set[int]] = {}
    for number, customer in rows.iterator(chunk_size=5000):
        found.setdefault(number, set()).add(customer)
    return found


def _topic_shifts(current: SegmentationRun, previous: SegmentationRun) -> list[dict[str, Any]]:
    """Topics (matched by label) whose share of the documents moved most between the runs."""

    def shares(run: SegmentationRun) -> dict[str, float]:
        total = run.n_documents or 1
        found: dict[str, float] = {}
        small = small_topic_numbers(run)
        rows = Topic.objects.filter(run=run).values_list("number", "label", "size")
        for _, label, size in (r for r in rows if r[0] not in small):
            found[label] = found.get(label, 0.0) + size / total
        return found

    after, before = shares(current), shares(previous)
    shifts = [
        {"label": label, "before": round(before.get(label, 0.0), 4),
         "after": round(after.get(label, 0.0), 4),
         "change": round(after.get(label, 0.0) - before.get(label, 0.0), 4)}
        for label in sorted(set(after) | set(before))
    ]  # fmt: skip
    shifts = [s for s in shifts if s["change"] != 0]
    return sorted(shifts, key=lambda s: (-abs(s["change"]), s["label"]))


# --- one customer, quotes ---------------------------------------------------------------------


def customer_why(ctx: ToolContext, customer: str) -> ToolResult:
    """One customer's segment and why (roles with `explain_customers` only)."""
    pseudonym = str(customer or "").strip().lower()
    if not ctx.allowed("explain_customers"):
        return refused(
            "Your role does not allow looking at individual customers; I can answer about "
            "segments instead.",
            customer=pseudonym,
        )
    try:
        explained = personas.explain_customer(ctx.run, pseudonym)
    except personas.CustomerNotFound as exc:
        return refused(str(exc), customer=pseudonym)
    home = explained["segment"] or explained["soft_segment"]
    pulls = [
        {"feature": p.get("feature"), "label": p.get("label") or p.get("feature"),
         "value": p.get("value"), "segment_mean": p.get("segment_mean"),
         "population_mean": p.get("population_mean")}
        for p in explained["pulls"][:3]
    ]  # fmt: skip
    data: dict[str, Any] = {
        "customer": pseudonym,
        "short": pseudonym[:12],
        "segment": home["number"] if home else None,
        "name": home["name"] if home else None,
        "small": bool(home and home.get("small")),
        "outlier": explained["outlier"],
        "probability": round(float(explained["probability"] or 0.0), 4),
        "pulls": pulls,
        "rule": (explained["rule"] or {}).get("text"),
    }
    facts = [fact("Segment", home["name"] if home else "none (an outlier)")]
    if not data["small"]:
        facts.append(fact("Probability", figures.probability(data["probability"])))
    for p in pulls:
        if p["value"] is None or p["segment_mean"] is None:
            continue
        facts.append(fact(p["label"], f"{figures.number(p['value'])} (segment: "
                                      f"{figures.number(p['segment_mean'])})"))  # fmt: skip
    if data["rule"]:
        facts.append(fact("Rule they meet", data["rule"]))
    return ToolResult(data=data, facts=facts)


def quotes(
    ctx: ToolContext, segment: int | None = None, topic: int | None = None, limit: int = QUOTE_LIMIT
) -> ToolResult:
    """Redacted quotes of a segment, a topic, or a segment on a topic (view_documents only)."""
    if not ctx.allowed("view_documents"):
        return refused(
            "Your role does not allow reading customers' words, so I can't show quotes; I can "
            "give you figures instead.",
            segment=segment,
            topic=topic,
        )
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return _no_segment(ctx, segment)
    if topic is not None and int(topic) not in ctx.topic_labels():
        return _no_topic(ctx, topic)
    limit = max(1, min(int(limit or QUOTE_LIMIT), MAX_QUOTE_LIMIT))
    data: dict[str, Any] = {"segment": chosen.number if chosen else None,
                            "name": chosen.name if chosen else None,
                            "topic": topic, "label": ctx.topic_label(int(topic))
                            if topic is not None else None}  # fmt: skip
    if chosen is not None and topic is None:
        found = personas.quotes_of(ctx.run, (chosen.profile or {}).get("quotes") or [])[:limit]
        found = [{"document": q["document"], "text": q["text"], "segment": chosen.number}
                 for q in found]  # fmt: skip
    else:
        if chosen is not None and topic is not None:
            writers = _topic_rows(ctx, int(topic)).get(chosen.number, {}).get(int(topic))
            if writers is None or writers["writers"] < ctx.k:
                return ToolResult(
                    data=data,
                    refused=f"Fewer than {ctx.k} customers of “{chosen.name}” write about "
                    f"{data['label']}, so I can't quote them.",
                )
        found = _topic_documents(
            ctx, topic=None if topic is None else int(topic), segment=chosen, limit=limit
        )
    if not found:
        return ToolResult(data=data, refused="I found no quotes to show for that.")
    data["count"] = len(found)
    return ToolResult(data=data, quotes=found)


TOOLS: dict[str, Callable[..., ToolResult]] = {
    "overview": overview,
    "describe_segment": describe_segment,
    "rank_segments": rank_segments,
    "compare_segments": compare_segments,
    "segment_topic": segment_topic,
    "topic_where": topic_where,
    "negative_drivers": negative_drivers,
    "count_members": count_members,
    "topic_trend": topic_trend,
    "run_change": run_change,
    "customer_why": customer_why,
    "quotes": quotes,
}


def run_tool(ctx: ToolContext, name: str, args: dict[str, Any] | None = None) -> ToolResult:
    """Call tool `name` with `args`; ToolError for an unknown tool or arguments it does not take."""
    tool = TOOLS.get(name)
    if tool is None:
        raise ToolError(f"There is no tool called {name!r}.")
    try:
        return tool(ctx, **(args or {}))
    except TypeError as exc:
        raise ToolError(f"{name}: {exc}") from None
    except (KeyError, AttributeError, ValueError) as exc:
        raise ToolError(f"{name}: invalid arguments ({exc})") from None
