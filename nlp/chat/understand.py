"""Understanding a question about a run: its intent and the segments, topics and measures it names.

:class:`Interpreter` combines

- **intent by meaning**: the question, with the entities it names masked ("this
  segment", "this topic"), is embedded and compared with labelled exemplar questions
  per intent (:data:`nlp.chat.intents.INTENT_REGISTRY`); light structural cues
  (comparatives, ordinals, "how many" with a number filter, "over time", "since the
  last run", a 64-hex pseudonym, "quotes") shift the scores;
- **entity linking**: segments by number ("segment 3", "#3", "cluster three"), by full
  name first (words split at hyphens and aligned in order with each name, typo-tolerant
  per word, so "Qaulity-minded big-basket shoppers" links before "big" reads as size),
  by partial name ("the eco people"), by what they talk about ("the segment that
  talks about school": the segment whose top topics hold it) or by description
  (embedding similarity of the unexplained words of the question with each segment's
  name, description and topics, above a threshold so unrelated words link nothing);
  topics by keyword or by meaning; measures through a synonym table mapped onto the
  run's own columns (spend/revenue/money -> columns with those words; phrases such as
  "without ordering" or "haven't bought for" beat single words), sentiment words
  and size words; numbers with comparators become filters;
- **follow-ups**: pronouns, "and the second largest?", "what about X?" resolve against
  the previous understanding passed as ``context``.

A question costs one call of ``encode`` with at most five texts; the exemplars and the
vocabulary are embedded once per interpreter.

The steps live in modules of their own: :mod:`~nlp.chat.reading` (words, runs,
periods, ordinals, comparators), :mod:`~nlp.chat.link_segments`,
:mod:`~nlp.chat.link_topics`, :mod:`~nlp.chat.link_measures`,
:mod:`~nlp.chat.link_filters` and :mod:`~nlp.chat.link_meaning` (entities linked to
the run's :class:`~nlp.chat.vocabulary_index.VocabularyIndex`), :mod:`~nlp.chat.intent`
(cues, scores, settling) and :mod:`~nlp.chat.follow_up`; the slots they fill are in
:mod:`~nlp.chat.parse`. This module runs them in order.
"""

from __future__ import annotations

import re
from typing import Any

from nlp.chat import lexicon as lx
from nlp.chat.asking import (
    description_opening,
    read_run_reference,
    sets_against,
    subject_words,
)
from nlp.chat.follow_up import follow_up, refer_back
from nlp.chat.intent import best_intent, intent_scores, read_cues, settle_intent
from nlp.chat.intents import INTENTS
from nlp.chat.link_filters import link_filters, percent_value
from nlp.chat.link_meaning import link_chunks, read_chunks
from nlp.chat.link_measures import link_measure, link_rank_by
from nlp.chat.link_names import clarify_question, link_name_parts
from nlp.chat.link_picks import link_measure_groups, link_picks
from nlp.chat.link_segments import (
    link_full_names,
    link_segment_names,
    link_segment_numbers,
    own_topics_only,
    segment_by_topic,
)
from nlp.chat.link_stats import groups_not_held, read_stats
from nlp.chat.link_topics import link_topic_keywords
from nlp.chat.link_unknown import claim_named_groups, finish_unknown, mark_names
from nlp.chat.measure_columns import names_metric
from nlp.chat.parse import Filter, Parse, Understanding, masked
from nlp.chat.quantity import column_period
from nlp.chat.reading import read_ordinals, read_period, read_runs, read_words
from nlp.chat.talk import FEELING_MEASURES, finish_talk, read_talk
from nlp.chat.text import stem
from nlp.chat.vocabulary import Vocabulary
from nlp.chat.vocabulary_index import Encode, VocabularyIndex, unit_vectors

__all__ = ["INTENTS", "Encode", "Filter", "Interpreter", "Understanding"]


class Interpreter:
    """Reads questions about one run's vocabulary (see the module docstring).

    ``encode`` maps a list of texts to unit-normalised vectors (one row per text);
    in production ``nlp.embed.make_embedder().encode``.
    """

    def __init__(self, encode: Encode, vocabulary: Vocabulary) -> None:
        self.encode = encode
        self.vocabulary = vocabulary

    def _prepare(self) -> VocabularyIndex:
        if getattr(self, "index_", None) is None:
            self.index_ = VocabularyIndex.build(self.vocabulary, self.encode)
        return self.index_

    def understand(self, question: str, context: dict[str, Any] | None = None) -> Understanding:
        """What ``question`` asks, with follow-ups resolved against ``context``.

        ``context`` is the previous :meth:`Understanding.to_dict` plus, optionally,
        ``"result_segments"`` / ``"result_topics"``: the segments and topics the last
        answer was about, in the order it gave them (e.g. a ranking's order).
        """
        index = self._prepare()
        parse = _read(index, question, context)
        texts = [masked(parse), *[c["text"] for c in parse.chunks]]
        vectors = unit_vectors(self.encode, texts)
        scores = intent_scores(index, vectors[0], parse)
        intent, confidence = best_intent(scores)
        intent = settle_intent(index, intent, scores, parse, context)
        link_chunks(index, parse, vectors[1:], intent, follow=bool(context))
        intent = settle_intent(index, intent, scores, parse, context)
        if segment_by_topic(index, parse) or own_topics_only(index, parse):
            intent = "describe_segment"
        intent = _settle_request(parse, intent)
        finish_unknown(index, parse, intent)
        parse.segments.sort(key=lambda n: parse.seg_at.get(n, len(parse.words)))
        finish_talk(parse, intent)
        understanding = _assemble(index, parse, intent, confidence)
        understanding.unknown_kinds = dict(parse.unknown_kinds)
        if context:
            understanding = follow_up(understanding, parse, context, scores)
        if parse.clarify and not understanding.segments:
            understanding.clarify = _clarified(index, parse.clarify, question)
        return _finish(understanding)


def _read(index: VocabularyIndex, question: str, context: dict[str, Any] | None = None) -> Parse:
    """The question's words and every entity the word-level steps link, in order (in a
    follow-up, the words pointing back at the last reading, ``context``, first)."""
    parse = read_words(question, index.lexicon, index.vocab_words)
    mark_names(parse, question)
    read_cues(parse)
    read_run_reference(parse)
    read_talk(parse)
    read_runs(parse)
    read_period(parse)
    link_segment_numbers(parse)
    link_full_names(index, parse)
    link_picks(index, parse)
    if context:
        refer_back(parse, context)
    link_name_parts(index, parse, pointed_only=True)
    link_filters(index, parse)
    read_ordinals(parse)
    link_name_parts(index, parse)
    link_segment_names(index, parse)
    link_measure_groups(index, parse)
    claim_named_groups(parse, index.vocabulary.categories)
    link_topic_keywords(index, parse)
    link_measure(index, parse)
    link_rank_by(parse)
    read_stats(index, parse)
    read_chunks(parse)
    return parse


def _clarified(index: VocabularyIndex, clarify: dict[str, Any], question: str) -> dict[str, Any]:
    """The question asking which segment is meant, and the question asked again with each."""
    names = {s.number: s.name for s in index.named_segments}
    words = clarify["phrase"].split()
    pattern = re.compile(r"[\s-]+".join(re.escape(x) for x in words), re.I)
    suggestions = [
        pattern.sub(names[n], question, count=1) for n in clarify["segments"] if n in names
    ]
    return {**clarify, "question": clarify_question(clarify, names), "suggestions": suggestions}


def _settle_request(p: Parse, intent: str) -> str:
    """The intent the form of the request fixes: two segments set against each other are
    compared; a portrait asked for of a segment named is a description, whatever the
    sub-questions it lists ("describe X - what do they buy, what do they moan about")."""
    if sets_against(p):
        return "compare_segments"
    compared = len(p.segments) >= 2 and p.cues & {"compare", "compare_maybe"}
    opening = description_opening(p)
    if not p.segments or compared or not opening or intent in {"customer_why", "unsupported"}:
        return intent
    # "what's the deal with X": the opening's words name no topic
    kept = [(n, s) for n, s in zip(p.topics, p.topic_spans, strict=False) if s[0] >= opening]
    p.topics, p.topic_spans = [n for n, _ in kept], [s for _, s in kept]
    return intent if p.topics else "describe_segment"


def _assemble(index: VocabularyIndex, p: Parse, intent: str, confidence: float) -> Understanding:
    """The :class:`Understanding` of a finished parse under ``intent``."""
    order = "desc"
    if p.measure or p.direction:
        direction = p.direction or 1
        order = "desc" if direction * p.polarity > 0 else "asc"
    measure = p.measure
    if intent == "rank_segments" and measure is None and not p.measure_unknown:
        measure = "topic_share" if p.topics and "sentiment" not in p.cues else "size"
    if intent == "topic_trend" and "sentiment" in p.cues:
        measure = "sentiment"
    topics = list(p.topics)
    if intent in {"topic_trend", "topic_where"} and not topics and p.segments:
        topics = index.main_topics(p.segments[:1])
        p.segments = []
    if intent == "rank_segments" and measure not in (None, *FEELING_MEASURES, "topic_share"):
        topics = []
    filters = [
        f if f.measure else Filter(measure or "", f.op, f.value, f.percent) for f in p.filters
    ]
    filters = [percent_value(f) for f in filters]
    unknown = list(dict.fromkeys([*p.measure_unknown, *p.unknown]))
    if intent not in {"rank_segments", "count_filter"}:  # a metric named is asked whatever
        unknown = [u for u in unknown if u not in p.measure_unknown or names_metric(u)]
    if intent == "customer_why":  # "... I'm preparing for a call with them": the customer is
        unknown = [u for u in unknown if p.unknown_kinds.get(u) == "segment"]  # the subject
    measured = set(p.measure_unknown) | {u for u, k in p.unknown_kinds.items() if k == "measure"}
    metrics = [u for u in unknown if u in measured and (names_metric(u) or u.isupper())]
    if metrics and intent == "describe_segment":  # "the email open rate of X": not a portrait
        intent = "measure_value"
    if intent in {"compare_segments", "describe_segment"} and p.segments:
        # "A vs B: spend, basket size, returns?": what to look at, not a measure to rank by;
        # "sum up X in a couple of lines": how to answer, not a subject
        unknown = [
            x
            for x in unknown
            if p.unknown_kinds.get(x) == "segment"
            or x in metrics
            or p.unknown_kinds.get(x) != "measure"
            and subject_words(p, x)
        ]
    if intent == "count_filter":
        unknown += [f"filter on “{f.op} {f.value:g}”" for f in filters if not f.measure]
        p.open_filters = [f for f in filters if not f.measure]
        filters = [f for f in filters if f.measure]
    if intent in {"count_filter", "share"}:
        unknown += _loose_conditions(p, filters) + groups_not_held(p, filters)
        if not (filters or p.segments or unknown):  # topics are no condition of a count
            unknown += _unread_conditions(p)  # "how many have a Strava account linked?"
        windowed = any(column_period(f.measure) for f in filters if f.measure)
        if p.period and "period_read" not in p.cues and not windowed:  # "wrote … last year"
            phrase = period_words(p.period)
            p.unknown_kinds[phrase] = "condition"
            unknown.append(phrase)
            p.period = None
    return Understanding(
        topic_words=_topic_words(index, p, topics, intent),
        intent=intent,
        segments=list(p.segments),
        topics=topics,
        measure=measure,
        order=order,
        position=max(1, p.position),
        filters=filters,
        customer=p.customer,
        runs=list(p.runs),
        period=p.period,
        confidence=round(float(confidence), 4),
        unknown=unknown,
        stat=p.stat,
        attribute=p.attribute,
        per_segment=p.per_segment,
        picks=[x for x in p.picks if x["segment"] in p.segments],
        tone=p.tone,
        about=p.about,
        goal=p.goal,
    )


def _topic_words(index: VocabularyIndex, p: Parse, topics: list[int], intent: str) -> str | None:
    """The question's words that named the first topic, when the topic's label holds none
    of them ("delivery" linked to "price · sale · points" through a deeper keyword)."""
    subject = intent in {"show_quotes", "topic_trend", "topic_where", "segment_topic"} or (
        intent == "rank_segments" and p.measure == "sentiment"
    )
    topic = index.vocabulary.topic(topics[0]) if topics and p.topic_spans else None
    if not subject or topic is None:
        return None
    start, end = p.topic_spans[0]
    words = [x for x in p.words[start:end] if x.isalpha() and x not in lx.STOP_WORDS]
    label = {stem(x) for x in re.findall(r"[a-z]+", topic.label.lower())}
    if not words or any(stem(x) in label for x in words):
        return None
    return " ".join(words)


def _loose_conditions(p: Parse, filters: list[Filter]) -> list[str]:
    """Measure phrases of a counting question that no condition was read from ("... and
    opened our last email"): never dropped in silence, the answer says they were not read."""
    out = []
    named = {i for a, b in p.segment_spans for i in range(a, b)}
    for start, end, column in p.loose:
        if column in {f.measure for f in filters} or named & set(range(start, end)):
            continue
        phrase = " ".join(p.words[start:end])
        p.unknown_kinds[phrase] = "condition"
        out.append(phrase)
    return out


def _unread_conditions(p: Parse) -> list[str]:
    """Content words of a count with no condition read ("have a Strava account linked"):
    said as a condition not understood, never counted as everyone."""
    out = []
    for c in p.chunks:
        if c["people"] or all(x in lx.PEOPLE_NOUNS or x in _COUNT_FILLERS for x in c["words"]):
            continue
        p.unknown_kinds[c["text"]] = "condition"
        out.append(c["text"])
    return out


_COUNT_FILLERS = frozenset(
    {
        "total",
        "altogether",
        "overall",
        "right",
        "currently",
        "today",
        "exist",
        "exists",
        "registered",
        "active",
        "run",
        "data",
        "dataset",
    }
)


def period_words(period: dict[str, Any]) -> str:
    """A period as a person writes it: "the last 2 years", "since 2024-03", "in 2025"."""
    if "last" in period:
        n, unit = int(period["last"]), str(period.get("unit") or "months")
        return f"the last {n} {unit.rstrip('s') if n == 1 else unit}"
    for key, words in (("since", "since"), ("year", "in"), ("month", "in")):
        if key in period:
            value = period[key]
            return f"{words} {'this year' if value == 'this' else value}".replace("in this", "this")
    return "the period"


def _finish(u: Understanding) -> Understanding:
    """At most two segments compared; no segment or topic twice."""
    if u.intent == "compare_segments":
        u.segments = u.segments[:2]
    u.segments = list(dict.fromkeys(u.segments))
    u.topics = list(dict.fromkeys(u.topics))
    return u
