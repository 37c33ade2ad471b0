"""Follow-up questions, resolved against the previous :class:`~nlp.chat.parse.Understanding`
and the segments the last answer named, in its order.

A follow-up either

- **asks something new of what was said before** ("tell me more about that one", "what
  do they talk about?", "and of those, how many haven't ordered?", "how does it compare
  with the smallest one?"): it keeps its own intent, read with the words that point
  back written "this segment", and takes the slots it leaves open from the last
  reading (which slots an intent has is read from its tools' arguments in the
  registry); or
- **repeats the last question about something else** ("and the smallest one?", "what
  about the savers?", "and by age?"): it keeps the last intent and every slot it does
  not give itself.
"""

from __future__ import annotations

from typing import Any

from nlp.chat import intents as registry
from nlp.chat import lexicon as lx
from nlp.chat.asking import asks_description
from nlp.chat.intent import own_intent_cue
from nlp.chat.lexicon.measures import STAT_WORDS
from nlp.chat.parse import Filter, Parse, Understanding, anaphors
from nlp.chat.quantity import column_unit, convert
from nlp.chat.text import parse_number

# A follow-up's own intent wins over the last one when it scores this much higher.
OWN_MARGIN = 0.1
# Slots a repeated question keeps from the last one when it does not give them.
_KEPT = ("stat", "attribute", "period", "customer", "goal", "about", "tone")
# Words that say a question is about everyone, not the segment talked about before.
_EVERYONE = frozenset({"overall", "everyone", "everybody", "all", "whole", "entire", "base"})


def refer_back(p: Parse, context: dict[str, Any]) -> None:
    """The words that point back at what the last question was about, taken out of the
    question so that nothing else reads them ("that top-spending group" names no segment);
    pointing back at the customer it asked about ("why were they put there?"), they name
    that customer."""
    p.back = anaphors(p)
    for start, end in p.back:
        p.used.update(range(start, end))
    customer = context.get("customer")
    grouped = any(x in lx.SEGMENT_WORDS for a, b in p.back for x in p.words[a:b])
    # "why were they put there?" is the customer; "what does that group look like?" their segment
    asked_why = context.get("intent") == "customer_why"
    if p.back and customer and not p.customer and asked_why and not grouped:
        p.customer = str(customer)


def follow_up(
    u: Understanding, p: Parse, context: dict[str, Any], scores: dict[str, float]
) -> Understanding:
    """The reading completed from the previous one when the question is a follow-up."""
    prev = Understanding.from_dict(context)
    if prev.intent == "unsupported":
        return u
    c = p.cues
    back = bool(p.back) or "pronoun" in c
    short = len([x for x in p.words if x not in lx.STOP_WORDS]) <= 3
    is_follow = (
        "followup_start" in c
        or back
        or (p.ordinal and not p.measure)
        or bool(p.picks)
        or (short and not p.customer and not p.runs)
    )
    if not is_follow or u.intent == "unsupported" and ("write" in c or "off_topic" in c):
        return u
    u.followup = True
    if prev.intent in _OVER_TIME and not (p.period or p.filters):
        _bare_duration(u, p)  # "what about 6 months?" after a trend: the last 6 months
    counted = prev.intent in {"count_filter", "share"} and not p.filters and not p.segments
    if counted and _new_duration(u, p, prev):  # "what about 6 months?" after "… 3 months"
        return u
    results = [int(n) for n in context.get("result_segments") or []]
    referred = results or list(prev.segments)
    if _only_new_slots(p) and prev.intent not in {"overview", "run_change"}:
        _repeat(u, p, prev, referred)  # "just the last 6 months?", "and by region?"
        u.unknown = []  # every word of it is the new slot or a filler
        u.measure = prev.measure if u.measure in (None, "documents") else u.measure
    elif _asks_its_own(u, p, prev, scores, back):
        _carry(u, p, prev, results, referred, back=back)
    else:
        _repeat(u, p, prev, referred)
    _fill_open_filters(u, p, prev)
    _pick_from_results(u, p, prev, results)
    if u.intent == "compare_segments" and len(u.segments) == 1 and referred:
        other = [n for n in referred if n not in u.segments]
        if other:
            u.segments = [other[0], *u.segments]
    if u.segments or u.topics:
        u.unknown = [x for x in u.unknown if x not in {ch["text"] for ch in p.chunks}]
    return u


# Words of a follow-up that only re-asks with a new period or breakdown ("just the last
# 6 months?", "same by region?", "over the past year only?").
_RE_ASKING = frozenset({"just", "only", "same", "now", "then", "what", "about", "how", "and",
                        "over", "for", "in", "the", "by", "instead", "again", "but", "ok", "so",
                        "please", "pls", "split", "broken", "down", "per"})  # fmt: skip


_OVER_TIME = frozenset({"topic_trend", "growing_topics"})


def _bare_duration(u: Understanding, p: Parse) -> None:
    """A number of months, weeks or years with no "last" ("6 months?", "over a year"): in a
    follow-up to a question over time, the period that ends with the data."""
    w = p.words
    for i in range(len(w)):
        unit = lx.UNITS.get(w[i])
        if unit is None or i in p.used:
            continue
        value = parse_number(w[i - 1]) if i >= 1 else None
        if value is None and i >= 1 and w[i - 1] in {"a", "one", "the", "full", "whole", "entire"}:
            value = 1.0
        if value is None or value <= 0 or not float(value).is_integer():
            continue
        p.period = u.period = {"last": int(value), "unit": unit}
        p.used.update({i - 1, i})
        return


def _new_duration(u: Understanding, p: Parse, prev: Understanding) -> bool:
    """A duration alone after a count with a condition counted in days or months: the same
    count with that duration as the condition's value (converted to its unit)."""
    timed = [f for f in prev.filters if column_unit(f.measure)]
    if len(timed) != 1:
        return False
    asked = Understanding(intent=prev.intent)
    _bare_duration(asked, p)
    if not asked.period:
        return False
    unit = column_unit(timed[0].measure) or "days"
    value = convert(float(asked.period["last"]), str(asked.period["unit"]), unit)
    u.intent, u.segments, u.unknown, u.period = prev.intent, list(prev.segments), [], None
    u.filters = [Filter(f.measure, f.op, value, f.percent) if f is timed[0] else f
                 for f in prev.filters]  # fmt: skip
    return True


def _only_new_slots(p: Parse) -> bool:
    """Whether the question gives nothing but a period, an attribute to break down by or a
    statistic ("and the median?")."""
    given = p.measure not in (None, "documents")  # a trend's default measure is none given
    if not (p.period or p.attribute or p.stat) or p.segments or p.topics or given or p.filters:
        return False
    rest = [x for i, x in enumerate(p.words) if i not in p.used and x.isalpha()]
    return all(x in _RE_ASKING or x == p.attribute or x in STAT_WORDS for x in rest)


def _fill_open_filters(u: Understanding, p: Parse, prev: Understanding) -> None:
    """ "what about over 2k?": a number with no measure of its own, on the last question's
    measure (the one of its conditions going the same way, else its first); "as a % of
    everyone?": the last conditions, as a share."""
    counted = u.intent in {"count_filter", "share"} and prev.intent in {"count_filter", "share"}
    if not counted:
        return
    if not u.filters and not p.open_filters and prev.filters and not u.segments:
        u.filters, u.segments = list(prev.filters), list(prev.segments)
        return
    if not p.open_filters or not prev.filters:
        return
    filled = []
    for f in [*u.filters, *p.open_filters]:
        if not f.measure:
            same = [g for g in prev.filters if g.op[0] == f.op[0]] or prev.filters
            f = Filter(same[0].measure, f.op, f.value, f.percent)
        filled.append(f)
    u.filters = _more_filters(prev.filters, filled)
    u.segments = u.segments or list(prev.segments)
    u.unknown = [x for x in u.unknown if not x.startswith("filter on")]


def _asks_its_own(
    u: Understanding, p: Parse, prev: Understanding, scores: dict[str, float], back: bool
) -> bool:
    """Whether the follow-up says what it asks (a cue of its intent, or its intent read
    clearly better than the last one with the words pointing back masked)."""
    if u.intent == "unsupported":
        return False
    if asks_description(p) and back and not p.segments:
        u.intent = "describe_segment"  # "ok, tell me more about them"
        return True
    if own_intent_cue(u.intent, p):
        return True
    if _same_kind(p):
        return False
    if u.intent == prev.intent or not back:
        return False
    return scores.get(u.intent, 0.0) >= scores.get(prev.intent, 0.0) + OWN_MARGIN


def _same_kind(p: Parse) -> bool:
    """ "any negative ones from them?": "ones" stands for what the last answer listed."""
    return any(x == "ones" and i not in p.used for i, x in enumerate(p.words))


def slots(intent: str) -> set[str]:
    """The arguments the tools of ``intent`` take ("segment", "topic", "filters" ...)."""
    try:
        tools = registry.intent(intent).tools
    except KeyError:
        return set()
    found: set[str] = set()
    for name in tools:
        try:
            found |= set(registry.tool(name).parameters)
        except KeyError:
            continue
    if "segments" in found:
        found.add("segment")
    return found


def _carry(
    u: Understanding,
    p: Parse,
    prev: Understanding,
    results: list[int],
    referred: list[int],
    *,
    back: bool,
) -> None:
    """A new question about what was said before: the slots it leaves open, from the last."""
    takes = slots(u.intent)
    own_subject = bool(p.segments or p.topics or p.customer)
    # "as a % of everyone": the whole a share is taken of, not the subject
    everyone = u.intent != "share" and (
        any(x in _EVERYONE for x in p.words) or any(ch["people"] and not back for ch in p.chunks)
    )
    open_segment = "segment" in takes and not p.segments and referred
    if open_segment and (back or not (own_subject or everyone)):
        ranked = results and prev.intent == "rank_segments"
        if u.intent == "compare_segments":
            u.segments = referred[:2]
        else:
            u.segments = referred[:1] if ranked else referred[:3]
    open_topic = "topic" in takes and not u.topics and prev.topics and not p.segments
    if open_topic and (back or "same" in p.words or not own_subject):
        u.topics = list(prev.topics)
    if "filters" in takes and (back or _instead(p)) and prev.filters:
        u.filters = _more_filters(prev.filters, u.filters)
    if "period" in takes and u.period is None and prev.period and ("same" in p.words or back):
        u.period = prev.period
    if (
        "measure" in takes
        and u.measure in (None, "size")
        and prev.measure
        and u.intent == prev.intent
    ):
        u.measure = prev.measure  # "and the median?": the same measure
    if "customer" in takes and not u.customer and prev.customer and back:
        u.customer = prev.customer


def _more_filters(before: list[Filter], added: list[Filter]) -> list[Filter]:
    """The last question's conditions and the new ones ("and of those, how many ..."); a new
    condition on the same measure and in the same direction replaces the old one."""
    kept = [
        f for f in before if not any(f.measure == g.measure and f.op[0] == g.op[0] for g in added)
    ]
    return [*kept, *added]


def _repeat(u: Understanding, p: Parse, prev: Understanding, referred: list[int]) -> None:
    """The last question again, with what this one gives in place of what it gave."""
    c = p.cues
    u.intent = prev.intent
    content = [ch for ch in p.chunks if not ch["people"]]
    rephrased = prev.intent in {
        "describe_segment",
        "compare_segments",
        "negative_drivers",
        "rank_segments",
        "count_filter",
    }
    pointed = "pronoun" in c or prev.intent != "rank_segments"
    if rephrased and p.topics and not p.measure and pointed:
        u.intent = "segment_topic"
    if u.intent == "rank_segments":
        _rank_again(u, p, prev)
    if not u.segments and u.intent not in {"rank_segments", "overview", "topic_where"}:
        u.segments = list(prev.segments) if not p.topics or prev.segments else referred
    if not u.topics and u.intent in {"segment_topic", "topic_where", "topic_trend", "show_quotes"}:
        u.topics = list(prev.topics)
    if u.intent == "count_filter" and not u.filters:
        u.filters = list(prev.filters)
    elif u.intent in {"count_filter", "share"} and u.filters and _instead(p):
        u.filters = _more_filters(
            prev.filters, u.filters
        )  # "what if it's returns over 30% instead?"
        u.segments = u.segments or list(prev.segments)
    if u.intent == "topic_trend" and u.measure is None:
        u.measure = prev.measure
    if u.intent in {"measure_value", "breakdown"} and u.measure in (None, "size"):
        u.measure = prev.measure  # "and the median?": the same measure
    if u.intent == "run_change" and not u.runs:
        u.runs = list(prev.runs)
    for name in _KEPT:
        if getattr(u, name, None) is None and getattr(prev, name, None) is not None:
            setattr(u, name, getattr(prev, name))
    if u.segments or u.topics:
        u.unknown = [x for x in u.unknown if x not in {ch["text"] for ch in content}]


def _instead(p: Parse) -> bool:
    """Whether a follow-up changes one condition of the last question ("... instead?", "what
    if ...", "now with ...")."""
    text = " " + " ".join(p.words) + " "
    return " instead " in text or " what if " in text or text.startswith((" now ", " and now "))


def _rank_again(u: Understanding, p: Parse, prev: Understanding) -> None:
    """ "and the lowest?", "and the most positive one?": the ranking again, its measure and
    order from this question where it gives them (a segment picked by rank is a ranking)."""
    picked = [x for x in u.picks if x["segment"] in u.segments]
    if picked and len(picked) == len(u.segments):
        first = picked[0]
        u.measure, u.order, u.position = first["measure"], first["order"], first["position"]
        u.segments, u.picks = [], []
        return
    u.measure = u.measure if p.measure else prev.measure
    u.order = u.order if (p.measure or p.direction) else prev.order
    if not u.topics and not p.measure:
        u.topics = list(prev.topics)


def _pick_from_results(u: Understanding, p: Parse, prev: Understanding, results: list[int]) -> None:
    """ "the second one": the segment at that place of the last answer's list."""
    picked = p.ordinal and not p.measure and prev.intent != "rank_segments"
    if picked and len(results) >= p.position:
        u.segments = [results[p.position - 1]]
        if u.intent == "rank_segments":
            u.intent = "describe_segment"
