"""The intent of a question: structural cues read from its words, scores against each
intent's exemplar questions (the two nearest, plus the cues), and the settling rules
that fix the intent where the entities found make another one the only sensible
reading.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from nlp.chat import lexicon as lx
from nlp.chat.groups import groups_scores, read_groups, settle_groups
from nlp.chat.intents import INTENTS
from nlp.chat.link_stats import settle_stats, stats_scores
from nlp.chat.parse import Parse
from nlp.chat.talk import settle_talk, speech, talk_scores
from nlp.chat.vocabulary_index import VocabularyIndex

# Below this best exemplar similarity a question with no linked entity is out of scope.
SCOPE_THRESHOLD = 0.38
# Measures a "where does this topic come up" question may carry.
_WHERE_MEASURES = (None, "topic_share", "documents", "size")


def read_cues(p: Parse) -> None:
    """The structural cues of the question (compare, trend, run, quotes, how many ...)."""
    w = p.words
    text = " " + " ".join(w) + " "
    if any(x in lx.COMPARE_WORDS for x in w):
        p.cues.add("compare")
    elif re.search(r" (against|next to|alongside|side by side with|v) ", text):
        p.cues.add("compare_maybe")  # "set the savers against the mortgage holders"
    if any(f" {phrase} " in text for phrase in lx.TREND_PHRASES):
        p.cues.add("trend")
    if any(f" {phrase} " in text for phrase in lx.RUN_PHRASES) or re.search(r" runs? #?\d+", text):
        p.cues.add("run")
    if any(x in lx.CHANGE_WORDS for x in w):
        p.cues.add("change")
    if any(x in lx.QUOTE_WORDS for x in w):
        p.cues.add("quotes")
    if any(x in lx.SAY_WORDS and speech(w, i) for i, x in enumerate(w)):
        p.cues.add("say")
    if any(x in lx.TOPIC_VERBS for x in w):
        p.cues.add("topic_verb")
    if any(x in lx.DRIVER_WORDS for x in w):
        p.cues.add("driver")
    if any(f" {phrase} " in text for phrase in lx.HOW_MANY):
        p.cues.add("how_many")
    pairs = {f"{a}-{b}" for a, b in zip(w, w[1:], strict=False)}  # "share price": "share-price"
    if any(x in lx.OFF_TOPIC_WORDS for x in w) or pairs & lx.OFF_TOPIC_WORDS:
        p.cues.add("off_topic")
    if pairs & lx.OFF_TOPIC_WORDS:  # a two-word off-topic name ("share price") is decisive
        p.cues.add("forecast")
    if _FORECAST.search(text) or any(x in _FORECAST_WORDS for x in w):
        p.cues.update({"off_topic", "forecast"})  # the chat reports the data, never predicts
    if _RECOMMEND_THING.search(text):  # "can you recommend a good training plan": no data
        p.cues.update({"off_topic", "forecast"})
    first = [x for x in w if x not in {"please", "can", "could", "you", "would", "kindly"}]
    if first and first[0] in lx.WRITE_VERBS:
        p.cues.add("write")
    if re.search(r" (which|what) (segments?|clusters?|groups?|personas?|customers?|one) ", text):
        p.cues.add("which")
    if re.search(r"^ ?(who|which|where) ", text):
        p.cues.add("which")
    if any(x in lx.PRONOUNS for x in w) and not re.search(r" (this|that) (run|topic) ", text):
        p.cues.add("pronoun")
    if any(f" {phrase} " in text for phrase in lx.RANK_PHRASES):
        p.cues.add("rank")
    if text.lstrip().startswith(lx.FOLLOWUP_STARTS):
        p.cues.add("followup_start")
    read_groups(p)


# A question about what will happen: "who is going to cancel next month", "spend next year".
_FORECAST = re.compile(
    r" next (?:week|month|quarter|year|season|christmas|summer|winter|spring|autumn) "
    r"| (?:going to|gonna|will|expected to) (?:\w+ ){0,3}(?:churn|cancel|leave|buy"
    r"|order|grow|return|spend|quit|lapse|drop) "
)
_RECOMMEND_THING = re.compile(
    r" recommend (?:me |us )?(?:a|an|some|any) (?!segment|group|cluster|cohort|audience|campaign"
    r"|offer|target)"
)
_FORECAST_WORDS = frozenset(
    {"predict", "predicts", "predicted", "prediction", "predictions", "forecast", "forecasts",
     "forecasting", "projection", "projections", "projected"}
)  # fmt: skip


def intent_scores(index: VocabularyIndex, vector: np.ndarray, p: Parse) -> dict[str, float]:
    """Each intent's score: the mean of its two nearest exemplars, shifted by the cues."""
    sims = index.exemplar_vectors @ vector
    scores: dict[str, float] = {}
    labels = np.array(index.intent_labels)
    for intent in INTENTS:
        mine = np.sort(sims[labels == intent])[::-1]
        scores[intent] = float(mine[:2].mean()) if len(mine) else 0.0
    _apply_cues(scores, p)
    return scores


def _apply_cues(s: dict[str, float], p: Parse) -> None:
    c = p.cues
    n_seg = len(p.segments) + sum(1 for ch in p.chunks if ch["people"])
    superlative = bool(p.direction) or p.ordinal or "rank" in c
    groups_scores(s, p)
    if p.customer and "write" not in c:  # "delete customer X" asks to change data
        s["customer_why"] += 0.4
    if "write" in c:
        s["unsupported"] += 0.35
    if "off_topic" in c:
        s["unsupported"] += 0.3
    if "run" in c:
        s["run_change"] += 0.35 if ("change" in c or "compare" in c) else 0.2
    if "compare" in c:
        s["compare_segments"] += 0.2 if n_seg >= 2 or "pronoun" in c else 0.1
    if "compare_maybe" in c and n_seg + len(p.chunks) >= 2 and n_seg >= 1:
        s["compare_segments"] += 0.25
    changed = "change" in c and "run" not in c
    recent = bool({"recently", "lately"} & set(p.words))
    if "trend" in c or (changed and (p.period or recent or "feel" in c)):
        s["topic_trend"] += 0.3  # "how has sentiment moved this year": a change over a period
    if "quotes" in c:
        s["show_quotes"] += 0.25
    if "how_many" in c:
        text = " ".join(p.words)
        if re.search(r"how many (segments|clusters|groups|personas|types)", text):
            s["overview"] += 0.35
        elif p.filters:
            s["count_filter"] += 0.4
        else:
            s["count_filter"] += 0.2
    elif p.filters:
        s["count_filter"] += 0.2
    if superlative and not p.segments:
        s["rank_segments"] += 0.15 + 0.1 * ("which" in c)
    if p.measure and superlative and not p.segments:
        s["rank_segments"] += 0.1
    asks_where = "topic_verb" in c and ("which" in c or superlative)
    if asks_where and p.topics and not p.segments and p.measure in _WHERE_MEASURES:
        s["topic_where"] += 0.25
    if "negative" in c and "driver" in c and not superlative and "feel" not in c:
        s["negative_drivers"] += 0.25
    elif "driver" in c and ("negative" in c or "why" in p.words) and p.segments:
        s["negative_drivers"] += 0.15
    if p.segments and p.topics and ("say" in c or "pronoun" in c or "about" in p.words):
        s["segment_topic"] += 0.15
    if p.segments and not (p.topics or p.measure or superlative or p.filters):
        s["describe_segment"] += 0.1
    stats_scores(s, p)
    talk_scores(s, p)


def settle_intent(
    index: VocabularyIndex,
    intent: str,
    scores: dict[str, float],
    p: Parse,
    context: dict[str, Any] | None,
) -> str:
    """Fix the intent where the entities found make another one the only sensible reading."""
    has_context = bool(context)
    if "forecast" in p.cues:  # a prediction or a recommendation of things: not the data's
        return "unsupported"
    talk = None if p.customer else settle_talk(intent, scores, p)
    if talk:  # advice asked ("where should we push X"), whatever measure it names
        return talk
    measured = settle_stats(intent, p)
    if measured:
        return measured
    linked = p.segments or p.topics or p.measure or p.filters or p.customer
    if p.customer and intent not in {"customer_why", "unsupported"} and "write" not in p.cues:
        return "customer_why"
    if intent == "customer_why" and not p.customer:
        return second_best(scores, exclude={"customer_why"})
    grouped = settle_groups(intent, p)
    if grouped:
        return grouped
    bare = not p.cues & {"write", "off_topic"}
    if intent == "unsupported" and bare and p.segments and len(p.words) <= 6:
        return "describe_segment"
    mentions = len(p.segments) + sum(1 for ch in p.chunks if ch["people"])
    compares = "compare" in p.cues or "compare_maybe" in p.cues
    if compares and "run" not in p.cues and mentions >= 2:
        return "compare_segments"
    if intent != "unsupported" and not linked and not has_context:
        best_other = max(v for k, v in scores.items() if k != "unsupported")
        entity_asked = intent in {"describe_segment", "segment_topic", "compare_segments"}
        if best_other < SCOPE_THRESHOLD and not (entity_asked and p.chunks):
            return "unsupported"
    if intent == "unsupported" and linked and "write" not in p.cues and "off_topic" not in p.cues:
        second = second_best(scores, exclude={"unsupported"})
        if scores[second] >= scores["unsupported"] - 0.15:
            return second
    if intent == "describe_segment" and p.segments and p.topics and "say" in p.cues:
        return "segment_topic"  # a topic linked by meaning after the first reading
    if "rank_unknown" in p.cues and not p.segments:
        return "rank_segments"
    if (
        "driver" in p.cues
        and p.segments
        and not (p.direction or p.ordinal)
        and "compare" not in p.cues
        and any(lx.SENTIMENT_TERMS.get(x, 0) < 0 or x in lx.BAD_WORDS for x in p.words)
    ):
        p.topics = [t for t in p.topics if not index.sentiment_topic(t)]
        return "negative_drivers"
    if intent == "compare_segments" and "run" in p.cues and len(p.segments) < 2:
        return "run_change"
    if intent == "run_change" and "run" not in p.cues and "change" not in p.cues:
        return second_best(scores, exclude={"run_change"})
    if intent == "topic_trend" and "trend" not in p.cues and not p.period:
        second = second_best(scores, exclude={"topic_trend"})
        if scores[second] >= scores["topic_trend"] - 0.1:
            return second
    if intent == "describe_segment" and not p.segments and not has_context:
        if p.measure and (p.direction or p.ordinal):
            return "rank_segments"
        if p.topics and not p.chunks:
            return "topic_where"
    if intent == "rank_segments" and p.segments and not (p.direction or p.ordinal):
        return "segment_topic" if p.topics else "describe_segment"
    if intent == "count_filter" and re.search(
        r"how many (segments|clusters|groups|personas)", " ".join(p.words)
    ):
        return "overview"
    return intent


def own_intent_cue(intent: str, p: Parse) -> bool:
    """Whether the follow-up itself says what it asks (else it inherits the last intent)."""
    c = p.cues
    return {
        "overview": ("how_many" in c or "count_segments" in c) and not p.filters,
        "share": "share_ask" in c,
        "list_customers": "list" in c,
        "describe_segment": False,
        "rank_segments": bool(p.measure and (p.direction or p.ordinal))
        or bool(p.direction and not p.segments and "which" in c),
        "compare_segments": "compare" in c,
        "segment_topic": ("say" in c or "pronoun" in c) and bool(p.topics) and "pronoun" in c,
        "topic_where": "topic_verb" in c and "which" in c,
        "negative_drivers": "driver" in c,
        "count_filter": bool(p.filters) or "how_many" in c,
        "topic_trend": "trend" in c,
        "run_change": "run" in c,
        "customer_why": bool(p.customer),
        "show_quotes": "quotes" in c,
        "measure_value": "stat" in c and bool(p.measure),
        "breakdown": "breakdown" in c,
        "top_topics": "top_talk" in c,
        "growing_topics": "growth" in c,
        "liked_most": "like" in c,
        "target_advice": "advice" in c,
        "unsupported": "write" in c or "off_topic" in c,
    }.get(intent, False)


def best_intent(scores: dict[str, float]) -> tuple[str, float]:
    """The best-scoring intent and its score."""
    intent = max(scores, key=lambda k: scores[k])
    return intent, scores[intent]


def second_best(scores: dict[str, float], *, exclude: set[str]) -> str:
    """The best-scoring intent outside ``exclude``."""
    return max((k for k in scores if k not in exclude), key=lambda k: scores[k])
