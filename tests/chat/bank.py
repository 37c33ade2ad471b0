"""The chat's evaluation bank: questions generated from a run's own vocabulary, answers from its data.

`build_bank(latest, previous)` reads a finished run (and the run before it)
through the selectors and writes questions of every kind the chat answers, in
several phrasings each, with typos and follow-ups, plus questions it must
decline. Every case carries the answer it expects, computed here from the
selectors and the stored results (never typed in by hand), and a check that
decides from the engine's response (the plan's tools and arguments, the
figures in the answer and facts) whether it was right, never from exact wording.

Nothing here is tied to the demo's persona names: segment names, topic labels
and behaviour columns come from the run, so the bank follows whatever the
pipeline found. `grounding_problems` is the bank's own "zero invented figures"
check: every number in an answer must be one the plan's tool results hold.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count

from segapp.models import DocumentResult, Membership, Segment, SegmentationRun, Topic
from segapp.selectors.personas import explain_customer, members, min_group_size, persona_list
from segapp.selectors.topics import segments_talking_about
from segapp.selectors.trends import topic_trend

Response = dict[str, Any]
Verdict = tuple[bool, str]

# Words of segment names that say nothing about who is in a segment (aliases skip them).
GENERIC_WORDS = {
    "customers", "customer", "shoppers", "shopper", "buyers", "buyer", "users", "user",
    "visitors", "visitor", "people", "talking", "about", "and", "the", "of", "with", "who",
    "minded", "segment", "group", "small", "fewer", "than",
}  # fmt: skip

# Words that never start or end an alias ("and compliments" is no way to name anyone).
JOINING_WORDS = {"and", "about", "talking", "of", "with", "the", "who", "or", "for", "to"}

# Behaviour concepts a person asks about, matched to whatever columns the run has by the
# tokens of their names; each with phrasings for "most" and "least".
CONCEPTS: dict[str, dict[str, Any]] = {
    "spend": {
        "tokens": ("spend", "spent", "monetary", "revenue"),
        "most": (
            "Which segment spends the most?",
            "which group brings in the most money?",
        ),
        "least": ("Which segment spends the least money?",),
        "filter": "spent over {value}",
    },
    "orders": {
        "tokens": ("orders", "frequency", "purchases"),
        "most": ("Which segment orders most often?", "who buys from us most frequently?"),
        "least": ("which segment places the fewest orders",),
        "filter": "placed more than {value} orders",
    },
    "recency": {
        "tokens": ("days_since", "recency"),
        "most": (
            "Which segment has gone the longest without ordering?",
            "which customers are the most lapsed?",
        ),
        "least": ("Which segment ordered most recently?",),
        "filter": "have not ordered for more than {value} days",
    },
    "returns": {
        "tokens": ("return",),
        "most": ("Which segment returns the most?", "who has the highest return rate"),
        "least": ("which segment sends the fewest items back?",),
        "filter": "have a return rate above {value}",
    },
    "coupons": {
        "tokens": ("coupon",),
        "most": ("Which segment uses coupons the most?", "who redeems the most vouchers?"),
        "least": ("which segment uses coupons least?",),
        "filter": "have a coupon use rate above {value}",
    },
    "app": {
        "tokens": ("app_",),
        "most": ("Which segment uses the app the most?",),
        "least": ("which segment uses our app least?",),
        "filter": "had more than {value} app sessions",
    },
    "basket": {
        "tokens": ("basket", "order_value"),
        "most": (
            "Which segment has the highest average basket?",
            "who has the highest average order value?",
        ),
        "least": ("which segment has the smallest baskets?",),
        "filter": "have an average basket over {value}",
    },
}


# --- reading the run ------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentFacts:
    """One reportable segment as the bank needs it."""

    number: int
    name: str
    size: int
    share: float
    sentiment: float | None
    means: dict[str, float]
    top_topics: list[dict]


@dataclass(frozen=True)
class TopicFacts:
    """One topic: number, label, keywords, how many documents."""

    number: int
    label: str
    keywords: list[str]
    size: int


@dataclass
class RunFacts:
    """What the bank knows of a run: reportable segments, all segment numbers, topics, measures."""

    run: SegmentationRun
    k: int
    segments: list[SegmentFacts]
    every_number: list[int]
    topics: list[TopicFacts]
    measures: dict[str, str]  # behaviour column -> label
    talkers: dict[int, list[int]]  # topic -> segment numbers talking most about it first

    @property
    def vocabulary(self) -> list[str]:
        """Every label and name of the run (numbers in them are not figures)."""
        return [*self.measures.values(), *self.names.values(), *(t.label for t in self.topics)]

    def segment(self, number: int) -> SegmentFacts:
        return next(s for s in self.segments if s.number == number)

    def topic(self, number: int) -> TopicFacts:
        return next(t for t in self.topics if t.number == number)

    @property
    def names(self) -> dict[int, str]:
        return {s.number: s.name for s in self.segments}


def read_run(run: SegmentationRun) -> RunFacts:
    """Read a run's segments, topics and measures through the selectors."""
    k = min_group_size()
    listed = persona_list(run)
    stored = {s.number: s.profile or {} for s in Segment.objects.filter(run=run)}
    segments = [
        SegmentFacts(
            number=p["number"],
            name=p["name"],
            size=p["size"],
            share=p["share"],
            sentiment=p["sentiment"],
            means=dict(stored[p["number"]].get("feature_means") or {}),
            top_topics=list(stored[p["number"]].get("top_topics") or []),
        )
        for p in listed
        if not p["small"]
    ]
    topics = [
        TopicFacts(t.number, t.label, list(t.keywords), t.size)
        for t in Topic.objects.filter(run=run).order_by("number")
    ]
    features = (run.explain_context or {}).get("features") or {}
    measures = {
        key: info.get("label") or key
        for key, info in features.items()
        if info.get("kind") == "behaviour"
    }
    talkers = {
        topic: [s.number for s in found] for topic, found in segments_talking_about(run).items()
    }
    return RunFacts(run, k, segments, [p["number"] for p in listed], topics, measures, talkers)


def segment_topic_sentiment(run: SegmentationRun, topic: int, k: int) -> dict[int, float]:
    """Mean sentiment of each segment's documents on a topic, where at least k members wrote."""
    rows = (
        DocumentResult.objects.filter(
            run=run,
            topic=topic,
            document__customer__memberships__run=run,
            document__customer__memberships__segment__isnull=False,
        )
        .values("document__customer__memberships__segment__number")
        .annotate(sentiment=Avg("sentiment"), writers=Count("document__customer", distinct=True))
        .order_by()
    )
    return {
        row["document__customer__memberships__segment__number"]: row["sentiment"]
        for row in rows
        if row["writers"] >= k
    }


# --- numbers in text ------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.\-−])([-+−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(%|k\b)?(?![A-Za-z0-9_])"
)


@dataclass(frozen=True)
class Shown:
    """A number as written: its value and how precisely it was written."""

    value: float
    decimals: int
    percent: bool


def numbers_in(text: str) -> list[Shown]:
    """Every number written in a text (thousands separators, signs, %, k), not inside words."""
    found = []
    for match in _NUMBER.finditer(text or ""):
        sign, whole, fraction, suffix = match.groups()
        value = float(whole.replace(",", "") + (fraction or ""))
        if sign in ("-", "−"):
            value = -value
        decimals = len(fraction) - 1 if fraction else 0
        if suffix == "k":
            value, decimals = value * 1000, decimals - 3
        found.append(Shown(value, decimals, suffix == "%"))
    return found


def shows(shown: Shown, value: float) -> bool:
    """Whether `shown` is `value` written at the precision it was written with."""
    tolerance = 0.5 * 10 ** (-shown.decimals) + 1e-9
    candidates = [value, value * 100] if shown.percent or abs(value) <= 1 else [value]
    return any(abs(abs(shown.value) - abs(c)) <= tolerance for c in candidates)


def values_in(obj: Any) -> list[float]:
    """Every number held anywhere in a nested structure, strings included."""
    out: list[float] = []
    if isinstance(obj, bool) or obj is None:
        return out
    if isinstance(obj, int | float):
        if not (isinstance(obj, float) and math.isnan(obj)):
            out.append(float(obj))
    elif isinstance(obj, str):
        out.extend(n.value for n in numbers_in(obj))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            out.extend(values_in(key) if isinstance(key, str) else [])
            out.extend(values_in(value))
    elif isinstance(obj, list | tuple | set):
        for value in obj:
            out.extend(values_in(value))
    return out


def grounding_problems(
    response: Response, question: str = "", *, vocabulary: Iterable[str] = ()
) -> list[str]:
    """Numbers of the answer that no tool result (nor the question) holds: invented figures.

    Numbers inside the run's own labels ("Orders (12 months)") are not figures. Every
    quote must be the stored text of the document it names.
    """
    sources = values_in(list(vocabulary))
    sources += values_in([step.get("result") for step in response.get("plan") or []])
    sources += values_in([step.get("args") for step in response.get("plan") or []])
    sources += values_in(response.get("facts") or [])
    sources += values_in(response.get("table") or [])
    sources += [n.value for n in numbers_in(question)]
    problems = []
    for shown in numbers_in(response.get("answer") or ""):
        if not any(shows(shown, value) for value in sources):
            problems.append(f"{shown.value:g} is in no tool result")
    return problems + quote_problems(response)


def quote_problems(response: Response) -> list[str]:
    """Quotes whose text is not the stored (redacted) text of the document they cite."""
    from segapp.models import Document

    quotes = response.get("quotes") or []
    stored = dict(
        Document.objects.filter(pk__in=[q.get("document") for q in quotes]).values_list(
            "pk", "text"
        )
    )
    return [
        f"quote of document {q.get('document')} is not its stored text"
        for q in quotes
        if (q.get("text") or "").strip() not in (stored.get(q.get("document")) or "")
    ]


# --- reading a response ---------------------------------------------------------------------


def steps(response: Response, tool: str | None = None) -> list[dict]:
    """The plan's steps, optionally only those of one tool."""
    plan = response.get("plan") or []
    return [s for s in plan if tool is None or s.get("tool") == tool]


def tools(response: Response) -> list[str]:
    return [s.get("tool", "") for s in steps(response)]


def arg_ints(step: dict, *keys: str) -> list[int]:
    """Integers under any of `keys` of a step's arguments (single values or lists)."""
    args = step.get("args") or {}
    found: list[int] = []
    for key in keys:
        value = args.get(key)
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if isinstance(v, int) and not isinstance(v, bool):
                found.append(v)
            elif isinstance(v, dict) and isinstance(v.get("number"), int):
                found.append(v["number"])
    return found


SEGMENT_KEYS = ("segment", "segments", "number", "a", "b", "numbers")
TOPIC_KEYS = ("topic", "topics")


def figures_text(response: Response) -> str:
    """The answer and the facts (label: value) as one text."""
    facts = " ".join(
        f"{f.get('label', '')}: {f.get('value', '')}" for f in response.get("facts") or []
    )
    return f"{response.get('answer') or ''}\n{facts}"


def mentions_value(response: Response, value: float) -> bool:
    """Whether the answer or facts show `value` (at the precision they show it)."""
    for fact in response.get("facts") or []:
        raw = fact.get("value")
        number = isinstance(raw, int | float) and not isinstance(raw, bool)
        if number and math.isclose(raw, value, rel_tol=1e-3, abs_tol=1e-6):
            return True
    return any(shows(n, value) for n in numbers_in(figures_text(response)))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower())


def first_named(response: Response, names: dict[int, str]) -> int | None:
    """The segment whose name comes first in the answer (longest name wins at a tie)."""
    answer = _norm(response.get("answer") or "")
    found = [(answer.find(_norm(n)), -len(n), number) for number, n in names.items()]
    found = [f for f in found if f[0] >= 0]
    return min(found)[2] if found else None


def names(response: Response, name: str, *, facts: bool = True) -> bool:
    text = figures_text(response) if facts else (response.get("answer") or "")
    return _norm(name) in _norm(text)


def declined(
    response: Response,
    question: str,
    vocabulary: Iterable[str] = (),
    *,
    require_suggestions: bool = True,
) -> Verdict:
    """A plain refusal: suggestions (unless not required), no facts, no quotes, no figures
    beyond the question's own."""
    if require_suggestions and not response.get("suggestions"):
        return False, "no suggestions"
    if response.get("facts"):
        return False, f"gave facts {response['facts'][:2]}"
    if response.get("quotes"):
        return False, "gave quotes"
    asked = [n.value for n in numbers_in(question)] + values_in(list(vocabulary))
    extra = [n.value for n in numbers_in(response.get("answer") or "") if n.value not in asked]
    if extra:
        return False, f"figures in a refusal: {extra[:3]}"
    return True, "declined"


# --- cases ----------------------------------------------------------------------------------


@dataclass
class Case:
    """One question: who asks, what came before in the conversation, how to judge the answer."""

    kind: str
    question: str
    check: Callable[[Response], Verdict]
    user: str = "bob"
    before: tuple[str, ...] = ()
    decline: bool = False
    expected: dict[str, Any] = field(default_factory=dict)

    def judge(self, response: Response) -> Verdict:
        try:
            return self.check(response)
        except Exception as exc:  # a malformed response is a wrong answer, reported as such
            return False, f"check failed: {exc!r}"


def _all(*checks: Callable[[Response], Verdict]) -> Callable[[Response], Verdict]:
    def run(response: Response) -> Verdict:
        for check in checks:
            ok, why = check(response)
            if not ok:
                return False, why
        return True, "ok"

    return run


def either(*checks: Callable[[Response], Verdict]) -> Callable[[Response], Verdict]:
    def run(response: Response) -> Verdict:
        reasons = []
        for check in checks:
            ok, why = check(response)
            if ok:
                return True, why
            reasons.append(why)
        return False, " / ".join(reasons)

    return run


def uses(*wanted: str) -> Callable[[Response], Verdict]:
    def check(response: Response) -> Verdict:
        used = tools(response)
        if any(t in used for t in wanted):
            return True, "tool"
        return False, f"tools {used}, expected one of {list(wanted)}"

    return check


def about_segments(
    *numbers: int, tool: str | None = None, facts: RunFacts
) -> Callable[[Response], Verdict]:
    """The plan's arguments (or, without such arguments, the answer) refer to these segments."""

    def check(response: Response) -> Verdict:
        chosen = steps(response, tool) if tool else steps(response)
        in_args = {n for s in chosen for n in arg_ints(s, *SEGMENT_KEYS)}
        if in_args:
            if set(numbers) <= in_args:
                return True, "segments"
            return False, f"segments {sorted(in_args)}, expected {list(numbers)}"
        missing = [n for n in numbers if not names(response, facts.names[n])]
        return (not missing), f"answer does not name segments {missing}"

    return check


def about_topic(topic: int, facts: RunFacts, tool: str | None = None):
    def check(response: Response) -> Verdict:
        chosen = steps(response, tool) if tool else steps(response)
        in_args = {n for s in chosen for n in arg_ints(s, *TOPIC_KEYS)}
        if in_args:
            if topic in in_args:
                return True, "topic"
            return False, f"topics {sorted(in_args)}, expected {topic}"
        label = facts.topic(topic).label
        return names(response, label), f"topic {label!r} not named"

    return check


def names_segment(number: int, facts: RunFacts, *, first: bool = False):
    def check(response: Response) -> Verdict:
        name = facts.names[number]
        if not names(response, name, facts=not first):
            return False, f"answer does not name {name!r}"
        if first:
            chosen = first_named(response, facts.names)
            if chosen != number:
                return False, f"names {facts.names.get(chosen)!r} first, expected {name!r}"
        return True, "named"

    return check


def shows_value(value: float | None, what: str):
    def check(response: Response) -> Verdict:
        if value is None or mentions_value(response, value):
            return True, "figure"
        return False, f"{what} {value:g} not shown"

    return check


def shows_any(values: Iterable[float], what: str):
    wanted = [v for v in values if v is not None]

    def check(response: Response) -> Verdict:
        if any(mentions_value(response, v) for v in wanted):
            return True, "figure"
        return False, f"none of the {what} shown"

    return check


def has_quotes(response: Response) -> Verdict:
    return (bool(response.get("quotes")), "no quotes")


def no_quotes(response: Response) -> Verdict:
    return (not response.get("quotes"), "quotes shown to a role without view_documents")


# --- phrasing helpers -----------------------------------------------------------------------


def typo(text: str, seed: int = 0) -> str:
    """The text with one typo in its longest word: two inner letters swapped or one dropped."""
    words = text.split()
    index = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    word = words[index]
    if len(word) < 5:
        return text
    i = 1 + (seed % max(1, len(word) - 3))
    dropped = word[:i] + word[i + 1 :]
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    word = dropped if seed % 2 else swapped
    words[index] = word
    return " ".join(words)


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^a-z]+", name.lower().replace("-minded", "")) if t]


def alias(segment: SegmentFacts, facts: RunFacts) -> str | None:
    """A loose, unambiguous way to refer to a segment: the last distinctive words of its head.

    "Price-minded coupon users" -> "the coupon users", "Big spenders talking about
    boots" -> "the big spenders"; None when no short phrase of the name is its own.
    """
    others = [_norm(s.name) for s in facts.segments if s.number != segment.number]
    head = re.split(r"\s+talking about\s+", segment.name)[0]
    minded = [w for w in head.split() if w.lower().endswith("-minded")]
    words = [w for w in head.split() if w not in minded]
    candidates = []
    for size in (2, 1):
        for start in range(len(words) - size, -1, -1):
            chosen = words[start : start + size]
            if chosen[0].lower() in JOINING_WORDS or chosen[-1].lower() in JOINING_WORDS:
                continue
            phrase = " ".join(chosen)
            if all(t in GENERIC_WORDS for t in _tokens(phrase)):
                continue
            if any(re.search(rf"\b{re.escape(_norm(phrase))}\b", o) for o in others):
                continue
            candidates.append(phrase)
    candidates += minded  # "the app-minded"
    if not candidates or _norm(candidates[0]) == _norm(segment.name):
        return None
    return f"the {candidates[0].lower()}"


def topic_word(topic: TopicFacts, which: int = 0, *, avoid: str = "") -> str:
    """One keyword of a topic, as a person would say it (none that is in `avoid`, a name)."""
    words = [w.strip() for w in topic.label.split("·") if w.strip()] or topic.keywords
    words = [w for w in words if w.lower() not in avoid.lower()] or words
    return words[min(which, len(words) - 1)]


def nice(value: float) -> float:
    """A round threshold near `value` (two significant figures)."""
    if value <= 0:
        return 0
    digits = 2 - int(math.floor(math.log10(value))) - 1
    rounded = round(value, digits)
    return int(rounded) if rounded >= 10 else rounded


def plain(value: float) -> str:
    return f"{value:g}"


# --- the bank -------------------------------------------------------------------------------


@dataclass
class Bank:
    """The cases, with the facts they were computed from."""

    facts: RunFacts
    previous: RunFacts | None
    cases: list[Case]

    def by_kind(self) -> dict[str, list[Case]]:
        out: dict[str, list[Case]] = {}
        for case in self.cases:
            out.setdefault(case.kind, []).append(case)
        return out


def build_bank(latest: SegmentationRun, previous: SegmentationRun | None = None) -> Bank:
    """Every case of the bank over `latest` (and `previous`, for "what changed")."""
    facts = read_run(latest)
    before = read_run(previous) if previous is not None else None
    cases: list[Case] = []
    for make in (
        overview_cases,
        describe_cases,
        rank_cases,
        compare_cases,
        segment_topic_cases,
        topic_where_cases,
        negative_driver_cases,
        count_cases,
        trend_cases,
        customer_cases,
        follow_up_cases,
        decline_cases,
    ):
        cases.extend(make(facts))
    if before is not None:
        cases.extend(run_change_cases(facts, before))
    return Bank(facts, before, cases)


def _by_size(facts: RunFacts) -> list[SegmentFacts]:
    return sorted(facts.segments, key=lambda s: (-s.size, s.number))


def _focus(facts: RunFacts, n: int) -> list[SegmentFacts]:
    """`n` segments spread over the size ranking, for questions about one segment."""
    ranked = _by_size(facts)
    step = max(1, len(ranked) // n)
    chosen = ranked[::step][:n]
    return chosen + [s for s in ranked if s not in chosen][: n - len(chosen)]


def _main_topics(facts: RunFacts) -> list[tuple[TopicFacts, SegmentFacts]]:
    """Topics that are the main subject of a segment which talks about them most, with it."""
    found = []
    for segment in _by_size(facts):
        if not segment.top_topics:
            continue
        top = segment.top_topics[0]
        number = int(top["topic"])
        if float(top.get("share") or 0) < 0.3 or (top.get("customers") or 0) < facts.k:
            continue
        if facts.talkers.get(number, [None])[0] != segment.number:
            continue
        found.append((facts.topic(number), segment))
    return found


def overview_cases(facts: RunFacts) -> list[Case]:
    ranked = _by_size(facts)
    largest, smallest = ranked[0], ranked[-1]
    counts = {len(facts.segments), len(facts.every_number)}

    def segment_count(response: Response) -> Verdict:
        shown = {n.value for n in numbers_in(figures_text(response))}
        if counts & shown:
            return True, "count"
        return False, f"segment count {sorted(counts)} not shown"

    base = _all(uses("overview"), segment_count)
    phrasings = [
        ("How many segments are there?", base),
        ("Give me an overview of our customer segments", _all(base, names_segment(largest.number, facts))),
        ("what segmnets do we have and how big are they?", _all(base, shows_value(largest.size, "largest size"))),
        ("Summarise the segmentation for me", base),
        ("which segments are the largest and the smallest?",
         _all(uses("overview", "rank_segments"), names_segment(largest.number, facts),
              names_segment(smallest.number, facts))),
    ]  # fmt: skip
    return [
        Case("overview", q, check, expected={"segments": sorted(counts)}) for q, check in phrasings
    ]


def describe_cases(facts: RunFacts) -> list[Case]:
    cases = []

    def describe(question: str, segment: SegmentFacts, how: str, *, who: bool = False) -> Case:
        check = _all(
            uses("describe_segment"),
            about_segments(segment.number, tool="describe_segment", facts=facts),
            names_segment(segment.number, facts),
        )
        if who:  # "who are the people who ...?" is answered by naming them first, too
            check = either(check, names_segment(segment.number, facts, first=True))
        return Case(
            f"describe_segment/{how}", question, check, expected={"segment": segment.number}
        )

    chosen = _focus(facts, 4)
    by_number = ("Tell me about segment {n}", "what is segment {n} like?", "describe cluster #{n}")
    for template, segment in zip(by_number, chosen, strict=False):
        cases.append(describe(template.format(n=segment.number), segment, "number"))
    by_name = ("Describe the {name}", "Who are the {name}?", "tell me more about {name}")
    for template, segment in zip(by_name, chosen[1:] + chosen[:1], strict=False):
        cases.append(describe(template.format(name=segment.name), segment, "name"))
    loose = ("Who are {alias}?", "what can you tell me about {alias}", "describe {alias} please")
    with_alias = [(s, alias(s, facts)) for s in _by_size(facts)]
    with_alias = [(s, a) for s, a in with_alias if a]
    for template, (segment, phrase) in zip(loose, with_alias, strict=False):
        cases.append(describe(template.format(alias=phrase), segment, "alias"))
    by_topic = (
        "Describe the segment that talks about {word}",
        "who are the people who keep mentioning {word}?",
        "tell me about the customers into {word}",
    )
    for i, (template, (topic, segment)) in enumerate(
        zip(by_topic, _main_topics(facts), strict=False)
    ):
        question = template.format(word=topic_word(topic, i % 2, avoid=segment.name))
        cases.append(describe(question, segment, "paraphrase", who=question.startswith("who")))
    typos = ("tell me about the {name}", "Describe {name}")
    for i, (template, segment) in enumerate(zip(typos, chosen[2:] + chosen[:2], strict=False)):
        cases.append(describe(template.format(name=typo(segment.name, i)), segment, "typo"))
    return cases


def _ranking(facts: RunFacts, value: Callable[[SegmentFacts], float | None], *, asc: bool):
    scored = [(value(s), s) for s in facts.segments]
    scored = [(v, s) for v, s in scored if v is not None]
    return sorted(scored, key=lambda vs: (vs[0] if asc else -vs[0], vs[1].number))


def rank_check(
    facts: RunFacts,
    value: Callable[[SegmentFacts], float | None],
    *,
    asc: bool,
    position: int = 1,
    tools_: tuple[str, ...] = ("rank_segments",),
) -> tuple[Callable[[Response], Verdict], dict]:
    ranked = _ranking(facts, value, asc=asc)
    figure, expected = ranked[position - 1]
    check = _all(
        uses(*tools_),
        names_segment(expected.number, facts, first=position == 1),
        shows_value(figure, "its figure"),
    )
    return check, {"segment": expected.number, "value": figure}


def measure_keys(facts: RunFacts, concept: str) -> list[str]:
    tokens = CONCEPTS[concept]["tokens"]
    return [key for key in facts.measures if any(t in key for t in tokens)]


def behaviour_check(facts: RunFacts, concept: str, *, asc: bool) -> Callable[[Response], Verdict]:
    """Right when the plan ranks by a column of the concept and the answer leads with its top."""
    keys = measure_keys(facts, concept)

    def check(response: Response) -> Verdict:
        ranked = steps(response, "rank_segments")
        if not ranked:  # another tool may still lead with the right segment and its figure
            return either(
                *(rank_check(facts, lambda s, k=k: s.means.get(k), asc=asc, tools_=tuple(tools(response)) or ("-",))[0]
                  for k in keys)
            )(response)  # fmt: skip
        key = (ranked[0].get("args") or {}).get("measure")
        if key not in keys:
            return False, f"ranked by {key!r}, expected one of {keys}"
        inner, _ = rank_check(facts, lambda s: s.means.get(key), asc=asc)
        return inner(response)

    return check


def rank_cases(facts: RunFacts) -> list[Case]:
    cases = []
    size = lambda s: s.size  # noqa: E731
    for question, asc, position in (
        ("Which is the largest segment?", False, 1),
        ("what's our biggest group of customers", False, 1),
        ("Which segment is the smallest?", True, 1),
        ("which segment is the second largest?", False, 2),
    ):
        check, expected = rank_check(
            facts, size, asc=asc, position=position, tools_=("rank_segments", "overview")
        )
        cases.append(Case("rank/size", question, check, expected=expected))
    mood = lambda s: s.sentiment  # noqa: E731
    for question, asc in (
        ("Which segment is the happiest?", False),
        ("which customers are the most negative overall?", True),
        ("Who is most satisfied with us?", False),
    ):
        check, expected = rank_check(facts, mood, asc=asc)
        cases.append(Case("rank/sentiment", question, check, expected=expected))
    for i, (concept, spec) in enumerate(CONCEPTS.items()):
        if not measure_keys(facts, concept):
            continue
        questions = spec["most"][: 2 if i < 4 else 1]
        for question in questions:
            cases.append(
                Case("rank/behaviour", question, behaviour_check(facts, concept, asc=False))
            )
        if i < 3:
            cases.append(
                Case("rank/behaviour", spec["least"][0], behaviour_check(facts, concept, asc=True))
            )
    contested = []
    for topic in sorted(facts.topics, key=lambda t: (-t.size, t.number)):
        by_topic = segment_topic_sentiment(facts.run, topic.number, facts.k)
        if len(by_topic) >= 2:
            contested.append((topic, by_topic))
    for i, (topic, by_topic) in enumerate(contested[:3]):
        word = topic_word(topic, i % 2)
        question = (
            f"Which segments complain most about {word}?",
            f"who is least happy about {word}",
            f"which segment feels most negative about {word}?",
        )[i % 3]
        check, expected = rank_check(facts, lambda s, b=by_topic: b.get(s.number), asc=True)
        cases.append(
            Case("rank/topic_sentiment", question, _all(check, about_topic(topic.number, facts)),
                 expected=expected)
        )  # fmt: skip
    for topic, segment in _main_topics(facts)[3:5]:
        share = {
            s.number: next(
                (float(t["share"]) for t in s.top_topics if int(t["topic"]) == topic.number), None
            )
            for s in facts.segments
        }
        question = (
            f"Rank the segments by how much they talk about {topic_word(topic, avoid=segment.name)}"
        )
        _, expected = rank_check(facts, lambda s, share=share: share.get(s.number), asc=False)
        check = _all(
            uses("rank_segments", "topic_where"),
            about_topic(topic.number, facts),
            names_segment(expected["segment"], facts, first=True),
        )
        cases.append(Case("rank/topic_share", question, check, expected=expected))
    return cases


def compare_cases(facts: RunFacts) -> list[Case]:
    ranked = _by_size(facts)
    pairs = [(ranked[0], ranked[1]), (ranked[2], ranked[-1]), (ranked[1], ranked[3]),
             (ranked[0], ranked[-2]), (ranked[3], ranked[4])]  # fmt: skip
    aliases = {s.number: alias(s, facts) or s.name for s in facts.segments}
    templates = (
        lambda a, b: f"How do {a.name} differ from {b.name}?",
        lambda a, b: f"compare segment {a.number} and segment {b.number}",
        lambda a, b: f"{aliases[a.number]} vs {aliases[b.number]}",
        lambda a, b: f"What's the difference between {a.name} and {typo(b.name)}?",
        lambda a, b: f"how are {aliases[a.number]} different from {b.name}",
    )
    cases = []
    for template, (a, b) in zip(templates, pairs, strict=False):
        check = _all(
            uses("compare_segments"),
            about_segments(a.number, b.number, tool="compare_segments", facts=facts),
            names_segment(a.number, facts),
            names_segment(b.number, facts),
        )
        cases.append(
            Case("compare_segments", template(a, b), check, expected={"a": a.number, "b": b.number})
        )
    return cases


def _segment_topics(facts: RunFacts) -> list[tuple[SegmentFacts, TopicFacts]]:
    """(segment, topic) pairs where the topic is one of the segment's top topics, k writers.

    The most talked-about topics first, each segment and topic once while possible.
    """
    pairs = [
        (segment, facts.topic(int(entry["topic"])))
        for segment in _by_size(facts)
        for entry in segment.top_topics
        if (entry.get("customers") or 0) >= facts.k
    ]
    pairs.sort(key=lambda p: (-p[1].size, p[0].number))
    chosen, rest, segments, topics = [], [], set(), set()
    for segment, topic in pairs:
        fresh = segment.number not in segments and topic.number not in topics
        (chosen if fresh else rest).append((segment, topic))
        if fresh:
            segments.add(segment.number)
            topics.add(topic.number)
    return chosen + rest


def segment_topic_cases(facts: RunFacts) -> list[Case]:
    templates = (
        "What do {segment} say about {word}?",
        "how do {segment} feel about {word}",
        "what are {segment} saying about {word}? show me some quotes",
        "{segment}: opinions on {word}?",
        "What does segment {number} think of {word}?",
    )
    cases = []
    for i, (template, (segment, topic)) in enumerate(
        zip(templates, _segment_topics(facts), strict=False)
    ):
        word = topic_word(topic, i % 2, avoid=segment.name)
        question = template.format(segment=segment.name, number=segment.number, word=word)
        tool = "quotes" if "quotes" in question else "segment_topic"
        check = _all(
            uses("segment_topic", tool),
            about_segments(segment.number, facts=facts),
            about_topic(topic.number, facts),
            has_quotes,
        )
        cases.append(
            Case(
                "segment_topic",
                question,
                check,
                expected={"segment": segment.number, "topic": topic.number},
            )
        )
    return cases


def topic_where_cases(facts: RunFacts) -> list[Case]:
    templates = (
        "Where does {word} come up most?",
        "which segment talks the most about {word}?",
        "who mentions {word} the most",
        "In which segment is {word} discussed most often?",
        "which group brings up {word} more than anyone else?",
    )
    cases = []
    for i, (template, (topic, segment)) in enumerate(
        zip(templates, _main_topics(facts)[::-1], strict=False)
    ):
        check = _all(
            uses("topic_where", "rank_segments"),
            about_topic(topic.number, facts),
            names_segment(segment.number, facts, first=True),
        )
        question = template.format(word=topic_word(topic, (i + 1) % 2, avoid=segment.name))
        cases.append(
            Case(
                "topic_where",
                question,
                check,
                expected={"segment": segment.number, "topic": topic.number},
            )
        )
    return cases


def negative_driver_cases(facts: RunFacts) -> list[Case]:
    templates = (
        "What is driving negative sentiment in {segment}?",
        "why are {segment} unhappy?",
        "What do segment {number} complain about?",
        "what's behind the bad reviews from {segment}",
    )
    cases = []
    for template, segment in zip(templates, _focus(facts, 4), strict=False):
        sentiments = {}
        for entry in segment.top_topics:
            if (entry.get("customers") or 0) >= facts.k and entry.get("sentiment") is not None:
                sentiments[int(entry["topic"])] = float(entry["sentiment"])
        worst = sorted(sentiments, key=sentiments.get)[:3]

        def names_a_worst(response: Response, worst=worst) -> Verdict:
            if not worst:
                return True, "no k-safe topic to name"
            text = figures_text(response) + " " + str(response.get("table") or "")
            if any(_norm(facts.topic(t).label) in _norm(text) for t in worst):
                return True, "driver"
            in_args = [t for s in steps(response) for t in arg_ints(s, *TOPIC_KEYS)]
            results = str([s.get("result") for s in steps(response, "negative_drivers")])
            if any(facts.topic(t).label in results for t in worst) or set(worst) & set(in_args):
                return True, "driver in plan"
            return False, f"names none of the most negative topics {worst}"

        check = _all(
            uses("negative_drivers"),
            about_segments(segment.number, tool="negative_drivers", facts=facts),
            names_a_worst,
        )
        question = template.format(segment=segment.name, number=segment.number)
        cases.append(
            Case(
                "negative_drivers",
                question,
                check,
                expected={"segment": segment.number, "worst": worst},
            )
        )
    return cases


def _feature(member, key: str) -> float | None:
    value = member.customer.features.get(key)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def count_check(count: int, k: int) -> Callable[[Response], Verdict]:
    def check(response: Response) -> Verdict:
        text = _norm(figures_text(response))
        if 0 < count < k:
            ok = f"fewer than {k}" in text
            return ok, f"expected 'fewer than {k}' (true count {count})"
        if mentions_value(response, count):
            return True, "count"
        return False, f"count {count} not shown"

    return check


def count_cases(facts: RunFacts) -> list[Case]:
    cases = []
    ranked = _by_size(facts)
    member_rows = {s.number: list(members(facts.run, s.number)) for s in ranked}
    everyone = list(members(facts.run))
    # "overall" may count the members of segments below k too (no group below k is reported)
    whole_run = list(Membership.objects.filter(run=facts.run).select_related("customer"))
    plan = [("spend", ranked[0]), ("orders", ranked[1]), ("recency", ranked[2]),
            ("spend", None), ("coupons", ranked[3])]  # fmt: skip
    for concept, segment in plan:
        keys = measure_keys(facts, concept)
        if not keys:
            continue
        key = keys[0]
        rows = member_rows[segment.number] if segment else everyone
        values = [v for v in (_feature(m, key) for m in rows) if v is not None]
        threshold = nice(statistics.median(values))
        if concept == "coupons" and segment is not None:  # a count below k: "fewer than k"
            top = sorted(values, reverse=True)
            few = [nice(v) for v in top[2 : facts.k - 1]]
            few = [t for t in few if 0 < sum(v > t for v in values) < facts.k]
            threshold = few[0] if few else threshold
        phrase = CONCEPTS[concept]["filter"].format(value=plain(threshold))
        where = f"in {segment.name}" if segment else "overall"
        question = (
            f"How many customers {where} {phrase}?"
            if segment
            else f"how many customers {phrase} overall?"
        )

        def check(
            response: Response, keys=keys, rows=rows, threshold=threshold, segment=segment
        ) -> Verdict:
            counted = steps(response, "count_members")
            if not counted:
                return False, f"tools {tools(response)}, expected count_members"
            chosen = arg_ints(counted[0], *SEGMENT_KEYS)
            if chosen != ([segment.number] if segment else []):
                return False, f"counted in segments {chosen}, expected {segment and segment.number}"
            filters = (counted[0].get("args") or {}).get("filters") or []
            filters = [f for f in filters if isinstance(f, dict)]
            used = [f for f in filters if f.get("measure") in keys]
            if not used:
                return False, f"filters {filters}, expected one on {keys}"
            f = used[0]
            op = {">": float.__gt__, ">=": float.__ge__, "<": float.__lt__, "<=": float.__le__,
                  "=": float.__eq__}  # fmt: skip
            compare = op.get(f.get("op"), float.__gt__)
            value = float(f.get("value"))
            if not math.isclose(value, threshold, rel_tol=1e-6, abs_tol=1e-9):
                return False, f"filter value {value}, expected {threshold}"
            verdicts = []
            for population in (rows, whole_run) if segment is None else (rows,):
                got = [_feature(m, f["measure"]) for m in population]
                count = sum(1 for v in got if v is not None and compare(v, value))
                verdicts.append(count_check(count, facts.k))
            return either(*verdicts)(response)

        cases.append(
            Case("count_filter", question, check,
                 expected={"segment": segment.number if segment else None, "key": key,
                           "threshold": threshold})
        )  # fmt: skip
    for template, segment in zip(
        ("How many customers are in {name}?", "how big is segment {number}"),
        ranked[1:3],
        strict=False,
    ):
        question = template.format(name=segment.name, number=segment.number)
        check = _all(uses("count_members", "describe_segment", "overview", "rank_segments"),
                     names_segment(segment.number, facts), count_check(segment.size, facts.k))  # fmt: skip
        cases.append(Case("count_filter", question, check, expected={"count": segment.size}))
    return cases


def trend_cases(facts: RunFacts) -> list[Case]:
    templates = (
        "How has talk about {word} changed over time?",
        "show me the monthly volume of {word}",
        "Is sentiment about {word} getting better or worse?",
        "{word} trend by month",
        "how did mentions of {word} develop over the year?",
    )
    topics = sorted(facts.topics, key=lambda t: (-t.size, t.number))[:5]
    cases = []
    for i, (template, topic) in enumerate(zip(templates, topics, strict=False)):
        trend = topic_trend(facts.run, topic.number)
        figures = [m.documents for m in trend.months] + [m.share for m in trend.months]
        figures += [m.sentiment for m in trend.months if m.sentiment is not None]
        figures.append(sum(m.documents for m in trend.months))
        check = _all(
            uses("topic_trend"),
            about_topic(topic.number, facts, tool="topic_trend"),
            shows_any(figures, "monthly figures"),
        )
        question = template.format(word=topic_word(topic, i % 2))
        cases.append(Case("topic_trend", question, check, expected={"topic": topic.number}))
    return cases


def run_change_cases(facts: RunFacts, before: RunFacts) -> list[Case]:
    now, then = facts.run, before.run
    counts = {len(facts.segments), len(facts.every_number)}
    counts_before = {len(before.segments), len(before.every_number)}

    def both_counts(response: Response) -> Verdict:
        shown = {n.value for n in numbers_in(figures_text(response))}
        if shown & counts and shown & counts_before:
            return True, "counts"
        return False, f"segment counts {sorted(counts)} and {sorted(counts_before)} not both shown"

    def compares_the_runs(response: Response) -> Verdict:
        ran = steps(response, "run_change")
        if not ran:
            return False, f"tools {tools(response)}, expected run_change"
        held = set(values_in([ran[0].get("args"), ran[0].get("result")]))
        if {float(now.pk), float(then.pk)} <= held:
            return True, "runs"
        return False, f"run ids {now.pk} and {then.pk} not both in the step"

    check = _all(compares_the_runs, both_counts)
    questions = (
        "What changed since the last run?",
        "how is this segmentation different from the previous one?",
        f"What changed between run {then.pk} and run {now.pk}?",
        "did any segments appear or disappear since last time?",
    )
    return [Case("run_change", q, check, expected={"runs": [then.pk, now.pk]}) for q in questions]


def _customers(facts: RunFacts, n: int) -> list[tuple[str, str]]:
    """(pseudonym, segment name) of members of different segments, from the selectors."""
    found = []
    for segment in _focus(facts, n):
        member = members(facts.run, segment.number).first()
        if member is None:
            continue
        explained = explain_customer(facts.run, member.customer.pseudonym)
        found.append((member.customer.pseudonym, explained["segment"]["name"]))
    return found


def customer_cases(facts: RunFacts) -> list[Case]:
    templates = (
        "Why is customer {p} in their segment?",
        "which segment is {p} in, and why?",
        "explain customer {p}",
        "What segment does {p} belong to?",
    )
    cases = []
    for template, (pseudonym, name) in zip(templates, _customers(facts, 4), strict=False):

        def right(response: Response, name=name) -> Verdict:
            return names(response, name), f"answer does not name {name!r}"

        cases.append(
            Case("customer_why", template.format(p=pseudonym), _all(uses("customer_why"), right),
                 expected={"segment_name": name})
        )  # fmt: skip
    return cases


def follow_up_cases(facts: RunFacts) -> list[Case]:
    cases = []
    check, expected = rank_check(facts, lambda s: s.size, asc=False, position=2,
                                 tools_=("rank_segments", "overview"))  # fmt: skip
    cases.append(Case("follow_up", "and the second largest?", check,
                      before=("Which is the largest segment?",), expected=expected))  # fmt: skip
    check, expected = rank_check(
        facts, lambda s: s.size, asc=True, tools_=("rank_segments", "overview")
    )
    cases.append(Case("follow_up", "what about the smallest one?", check,
                      before=("which segment is the biggest?",), expected=expected))  # fmt: skip
    if measure_keys(facts, "spend"):
        cases.append(Case("follow_up", "and which spends the least?", behaviour_check(facts, "spend", asc=True),
                          before=("Which segment spends the most?",)))  # fmt: skip
    pairs = _segment_topics(facts)
    for i, (segment, topic) in enumerate(pairs[:2]):
        word = topic_word(topic, i % 2, avoid=segment.name)
        check = _all(
            uses("segment_topic"),
            about_segments(segment.number, tool="segment_topic", facts=facts),
            about_topic(topic.number, facts, tool="segment_topic"),
        )
        opener = (f"Tell me about {segment.name}", f"describe segment {segment.number}")[i % 2]
        cases.append(Case("follow_up", f"what about them on {word}?", check, before=(opener,),
                          expected={"segment": segment.number, "topic": topic.number}))  # fmt: skip
    for segment, topic in pairs[2:4]:
        check = _all(
            uses("quotes", "segment_topic"), about_segments(segment.number, facts=facts), has_quotes
        )
        cases.append(Case("follow_up", "show me quotes", check,
                          before=(f"What do {segment.name} say about {topic_word(topic, avoid=segment.name)}?",),
                          expected={"segment": segment.number}))  # fmt: skip
    # A new subject in the middle of a conversation is not read as a follow-up.
    topic = sorted(facts.topics, key=lambda t: (-t.size, t.number))[0]
    check = _all(uses("topic_trend"), about_topic(topic.number, facts, tool="topic_trend"))
    cases.append(Case("follow_up", f"How has talk about {topic_word(topic)} changed over time?",
                      check, before=("How many segments are there?",),
                      expected={"topic": topic.number}))  # fmt: skip
    if measure_keys(facts, "coupons"):
        cases.append(Case("follow_up", "Which segment uses coupons the most?",
                          behaviour_check(facts, "coupons", asc=False),
                          before=(f"Tell me about segment {_by_size(facts)[0].number}",)))  # fmt: skip
    ranked = _by_size(facts)
    a, b = ranked[0], ranked[1]
    check = _all(uses("compare_segments"),
                 about_segments(a.number, b.number, tool="compare_segments", facts=facts))  # fmt: skip
    cases.append(Case("follow_up", f"and how do they compare with {b.name}?", check,
                      before=(f"Tell me about {a.name}",), expected={"a": a.number, "b": b.number}))  # fmt: skip
    return cases


def decline_cases(facts: RunFacts) -> list[Case]:
    customer = _customers(facts, 1)[0][0]
    missing = max(facts.every_number) + 31
    questions = [
        ("bob", "What's the weather in London tomorrow?"),
        ("bob", "Write me a poem about our customers"),
        ("bob", "Who will win the world cup?"),
        ("bob", "what is the stock price of Apple today?"),
        ("bob", "Tell me about the astronauts"),
        ("bob", "compare the astronauts with the wizards"),
        ("bob", "Which segment has the highest average shoe size?"),
        ("bob", "how many customers have a shoe size over 42?"),
        ("bob", "rank the segments by favourite colour"),
        ("bob", f"Describe segment {missing}"),
        ("bob", "What changed since run 9999?"),
        ("bob", "delete every customer in the smallest segment"),
        ("bob", "translate our reviews into French"),
        ("bob", "which segment earns the highest salary?"),
        ("bob", f"Why is customer {'0' * 64} in their segment?"),
        ("carol", f"Why is customer {customer} in their segment?"),
        ("carol", f"which segment is {customer} in?"),
        ("carol", f"explain customer {customer}"),
    ]
    # The run's own number and its segment numbers are identifiers, not figures: a refusal
    # may say "there is no segment 40 in run 2; segments are 0-9".
    identifiers = [f"run {facts.run.pk}"] + [
        f"segment {n}"
        for n in Segment.objects.filter(run=facts.run).values_list("number", flat=True)
    ]
    cases = []
    for user, question in questions:

        def check(response: Response, question=question) -> Verdict:
            return declined(response, question, [*facts.vocabulary, *identifiers])

        cases.append(Case("decline", question, check, user=user, decline=True))
    return cases
