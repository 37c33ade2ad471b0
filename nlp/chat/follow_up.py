"""Follow-up questions: "and the second?", "what about them on price?", "why are they
unhappy?" resolve against the previous :class:`~nlp.chat.parse.Understanding` and the
segments the last answer named, in its order.
"""

from __future__ import annotations

from typing import Any

from nlp.chat import lexicon as lx
from nlp.chat.intent import own_intent_cue
from nlp.chat.parse import Parse, Understanding


def follow_up(
    u: Understanding, p: Parse, context: dict[str, Any], scores: dict[str, float]
) -> Understanding:
    """The reading completed from the previous one when the question is a follow-up."""
    prev = Understanding.from_dict(context)
    if prev.intent == "unsupported":
        return u
    c = p.cues
    content = [ch for ch in p.chunks if not ch["people"]]
    short = len([x for x in p.words if x not in lx.STOP_WORDS]) <= 3
    is_follow = (
        "followup_start" in c
        or "pronoun" in c
        or (p.ordinal and not p.measure)
        or (short and not p.customer and not p.runs)
    )
    if not is_follow or u.intent == "unsupported" and ("write" in c or "off_topic" in c):
        return u
    u.followup = True
    results = [int(n) for n in context.get("result_segments") or []]
    referred = results or list(prev.segments)
    own_cue = own_intent_cue(u.intent, p)
    if not own_cue or u.intent == "unsupported":
        u.intent = prev.intent
        if (
            prev.intent
            in {
                "describe_segment",
                "compare_segments",
                "negative_drivers",
                "rank_segments",
                "count_filter",
            }
            and p.topics
            and not p.measure
            and ("pronoun" in c or prev.intent != "rank_segments")
        ):
            u.intent = "segment_topic"
        if u.intent == "rank_segments":
            u.measure = u.measure if p.measure else prev.measure
            u.order = u.order if (p.measure or p.direction) else prev.order
            if not u.topics and not p.measure:
                u.topics = list(prev.topics)
        if not u.segments and u.intent not in {"rank_segments", "overview", "topic_where"}:
            u.segments = list(prev.segments) if not p.topics or prev.segments else referred
        if not u.topics and u.intent in {
            "segment_topic",
            "topic_where",
            "topic_trend",
            "show_quotes",
        }:
            u.topics = list(prev.topics)
        if u.intent == "count_filter" and not u.filters:
            u.filters = list(prev.filters)
        if u.intent == "topic_trend" and u.measure is None:
            u.measure = prev.measure
        if u.intent == "run_change" and not u.runs:
            u.runs = list(prev.runs)
        u.unknown = (
            [x for x in u.unknown if x not in {ch["text"] for ch in content}]
            if (u.segments or u.topics)
            else u.unknown
        )
    if u.intent == prev.intent == "topic_trend" and u.period is None:
        u.period = prev.period  # "and the number of comments over the same period?"
    picked = p.ordinal and not p.measure and prev.intent != "rank_segments"
    if picked and len(results) >= p.position:
        u.segments = [results[p.position - 1]]
        if u.intent == "rank_segments":
            u.intent = "describe_segment"
    wants_segments = u.intent in {
        "describe_segment",
        "segment_topic",
        "negative_drivers",
        "show_quotes",
        "count_filter",
        "compare_segments",
        "top_topics",
        "liked_most",
    }
    if "pronoun" in c and not p.segments and wants_segments and referred:
        u.segments = referred[:2] if u.intent == "compare_segments" else referred[:3]
        if u.intent in {
            "describe_segment",
            "segment_topic",
            "negative_drivers",
            "count_filter",
        }:
            u.segments = referred[:1] if results and prev.intent == "rank_segments" else u.segments
    if u.intent == "compare_segments" and len(u.segments) == 1 and referred:
        other = [n for n in referred if n not in u.segments]
        if other:
            u.segments = [other[0], *u.segments]
    if u.intent == "show_quotes" and not u.segments and not u.topics:
        u.segments = referred[:1] if results else list(prev.segments)
        u.topics = list(prev.topics)
    if u.intent in {"segment_topic"} and not u.segments and referred:
        u.segments = referred[:3]
    if u.segments or u.topics:
        u.unknown = [x for x in u.unknown if x not in {ch["text"] for ch in p.chunks}]
    return u
