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
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from nlp.chat import lexicon as lx
from nlp.chat import text as _text
from nlp.chat.categories import find_categories
from nlp.chat.intents import INTENT_EXEMPLARS, INTENTS
from nlp.chat.text import (
    HEX_RE,
    column_tokens,
    correct,
    normalise,
    parse_number,
    same_word,
    stem,
)
from nlp.chat.vocabulary import MeasureTerm, Vocabulary

Encode = Callable[[list[str]], np.ndarray]

# Similarity thresholds for linking words to the vocabulary by meaning (unit vectors, cosine).
# Segments: the mean similarity over a segment's three texts (name; name + description +
# topics; topics + traits), and it must beat the next segment by SEGMENT_MARGIN.
SEGMENT_THRESHOLD = 0.22
SEGMENT_MARGIN = 0.05
TOPIC_THRESHOLD = 0.42
LINK_MARGIN = 0.02
# Below this best exemplar similarity a question with no linked entity is out of scope.
SCOPE_THRESHOLD = 0.38
MAX_CHUNKS = 3
# A segment is named by its full name when a run of question words covers this share of it.
FULL_NAME_COVERAGE = 0.6

_WHERE_MEASURES = (None, "topic_share", "documents", "size")
# "describe the segment that talks about X", "tell me about the customers into X"
_DESCRIBE_BY_TOPIC = re.compile(
    r"^(?:can you |could you |please )*(?:describe|tell me (?:more )?about|who are|who is|what are"
    r"|profile|characteri[sz]e|explain|summari[sz]e|give me the profile of)"
    r" (?:the |those |these |that |our )?(?:\w+ ){0,2}?"
    r"(?:segments?|groups?|clusters?|personas?|visitors?|"
    + "|".join(sorted(lx.PEOPLE_NOUNS, key=len, reverse=True))
    + r")"
    r" (?:that|who|which|into|talking|interested|obsessed|mentioning|discussing|focused|keen"
    r"|passionate|care|caring|asking|writing|complaining|raving|all)\b"
)
_CUE_WORDS = frozenset(w for phrase in (*lx.TREND_PHRASES, *lx.RUN_PHRASES) for w in phrase.split())
_BAD_WORDS = frozenset(["bad", "poor", "awful", "terrible", "worse", "worst", "negative"])
_MOOD_WORDS = frozenset(["bad", "ok", "okay", "meh", "good", "great", "poor", "fine", "awful"])
_RANK_PHRASES = ("rank", "ranking", "sort", "sorted", "order by")
_TALK_WORDS = frozenset(
    ["how", "much", "often", "talk", "talks", "mention", "mentions", "discuss", "about", "share"]
)
_CHANGE_FORMS = frozenset(["changed", "changing", "change", "changes", "shifted", "moved"])
_TOPIC_PREPS = frozenset(
    ["about", "on", "regarding", "concerning", "re", "around", "of", "with", "over", "for"]
)
_FOLLOWUP_STARTS = (
    "and ",
    "what about",
    "how about",
    "same for",
    "and for",
    "ok and",
    "now ",
    "then ",
    "what of",
    "also ",
    "ok, ",
    "and what",
    "and how",
    "and which",
    "and who",
    "but ",
)
_COMPARATORS: tuple[tuple[str, str], ...] = (
    ("at least", ">="),
    ("no less than", ">="),
    ("minimum of", ">="),
    ("a minimum of", ">="),
    ("not less than", ">="),
    ("at most", "<="),
    ("no more than", "<="),
    ("not more than", "<="),
    ("maximum of", "<="),
    ("a maximum of", "<="),
    ("up to", "<="),
    ("more than", ">"),
    ("greater than", ">"),
    ("higher than", ">"),
    ("bigger than", ">"),
    ("larger than", ">"),
    ("older than", ">"),
    ("longer than", ">"),
    ("over", ">"),
    ("above", ">"),
    ("exceeding", ">"),
    ("exceeds", ">"),
    ("exceed", ">"),
    ("beyond", ">"),
    ("less than", "<"),
    ("fewer than", "<"),
    ("lower than", "<"),
    ("smaller than", "<"),
    ("younger than", "<"),
    ("shorter than", "<"),
    ("under", "<"),
    ("below", "<"),
    ("exactly", "="),
    ("equal to", "="),
    ("equals", "="),
    (">=", ">="),
    ("<=", "<="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
)
_TRAILING_COMPARATORS = (
    ("or more", ">="),
    ("and above", ">="),
    ("or above", ">="),
    ("and over", ">="),
    ("or over", ">="),
    ("plus", ">="),
    ("+", ">="),
    ("or less", "<="),
    ("or fewer", "<="),
    ("and below", "<="),
    ("or under", "<="),
    ("or below", "<="),
)
_SEGMENT_WORDS = frozenset(
    [
        "segment",
        "segments",
        "cluster",
        "clusters",
        "group",
        "groups",
        "persona",
        "personas",
        "seg",
        "#",
    ]
)
_UNITS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "quarter": "quarters",
    "quarters": "quarters",
}


@dataclass(frozen=True)
class Filter:
    """A condition on a measure: ``measure op value`` ("spend_12m > 500").

    ``percent`` says the number was written with "%"; ``value`` is then already a
    fraction when the measure is a rate or share (its name says so), else as written.
    With ``op`` "==" the measure is a categorical customer column and ``value``
    one of its values ("region == north").
    """

    measure: str
    op: str
    value: float | str
    percent: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "measure": self.measure,
            "op": self.op,
            "value": self.value,
            "percent": self.percent,
        }


@dataclass
class Understanding:
    """What a question asks: one intent of :data:`INTENTS` and the entities it names.

    ``segments`` and ``topics`` are numbers of the run's segments and topics;
    ``measure`` is a measure key (a behaviour column, "size", "sentiment",
    "topic_share" or "documents"); ``position`` 1 is the top of ``order``;
    ``unknown`` lists phrases that name something the run does not have.
    """

    intent: str
    segments: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    measure: str | None = None
    order: str = "desc"
    position: int = 1
    filters: list[Filter] = field(default_factory=list)
    customer: str | None = None
    runs: list[int | str] = field(default_factory=list)
    period: dict[str, Any] | None = None
    confidence: float = 0.0
    unknown: list[str] = field(default_factory=list)
    followup: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what the service keeps as a conversation's context)."""
        data = asdict(self)
        data["filters"] = [f.to_dict() for f in self.filters]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Understanding:
        """The inverse of :meth:`to_dict`; unknown keys (e.g. answer entities) are ignored."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["filters"] = [
            Filter(
                measure=str(f["measure"]),
                op=str(f["op"]),
                value=str(f["value"]) if f["op"] == "==" else float(f["value"]),
                percent=bool(f.get("percent", False)),
            )
            for f in data.get("filters") or []
        ]
        values.setdefault("intent", "unsupported")
        return cls(**values)


@dataclass
class _Parse:
    """Working state while reading one question."""

    words: list[str]
    used: set[int] = field(default_factory=set)
    segments: list[int] = field(default_factory=list)
    segment_spans: list[tuple[int, int]] = field(default_factory=list)
    seg_at: dict[int, int] = field(default_factory=dict)
    topics: list[int] = field(default_factory=list)
    topic_spans: list[tuple[int, int]] = field(default_factory=list)
    measure: str | None = None
    polarity: int = 1
    direction: int = 0
    position: int = 1
    ordinal: bool = False
    filters: list[Filter] = field(default_factory=list)
    customer: str | None = None
    runs: list[int | str] = field(default_factory=list)
    period: dict[str, Any] | None = None
    unknown: list[str] = field(default_factory=list)
    measure_unknown: list[str] = field(default_factory=list)
    cues: set[str] = field(default_factory=set)
    chunks: list[dict[str, Any]] = field(default_factory=list)


class Interpreter:
    """Reads questions about one run's vocabulary (see the module docstring).

    ``encode`` maps a list of texts to unit-normalised vectors (one row per text);
    in production ``nlp.embed.make_embedder().encode``.
    """

    def __init__(self, encode: Encode, vocabulary: Vocabulary) -> None:
        self.encode = encode
        self.vocabulary = vocabulary

    # -- prepared once ------------------------------------------------------------------------

    def _prepare(self) -> None:
        if getattr(self, "prepared_", False):
            return
        vocab = self.vocabulary
        self.intent_labels_: list[str] = []
        texts: list[str] = []
        for intent, examples in INTENT_EXEMPLARS.items():
            for example in examples:
                self.intent_labels_.append(intent)
                texts.append(example)
        n_examples = len(texts)
        self.named_segments_ = [s for s in vocab.segments if not s.small]
        segment_owner: list[int] = []
        for segment in self.named_segments_:
            for text in (segment.name, segment.text(), segment.profile_text()):
                segment_owner.append(segment.number)
                texts.append(text)
        topic_owner: list[int] = []
        for topic in vocab.topics:
            for text in (topic.text(), topic.phrase()):
                topic_owner.append(topic.number)
                texts.append(text)
        vectors = self._encode(texts)
        self.exemplar_vectors_ = vectors[:n_examples]
        self.segment_vectors_ = vectors[n_examples : n_examples + len(segment_owner)]
        self.topic_vectors_ = vectors[n_examples + len(segment_owner) :]
        self.segment_owner_ = np.array(segment_owner, dtype=int)
        self.topic_owner_ = np.array(topic_owner, dtype=int)
        self.segment_keys_ = {s.number: _name_keys(s.name) for s in self.named_segments_}
        self.topic_words_ = {t.number: t.words() for t in vocab.topics}
        self.columns_ = self._concept_columns(vocab.behaviour())
        vocab_words = set()
        for words in self.segment_keys_.values():
            vocab_words |= set(words)
        for words in self.topic_words_.values():
            vocab_words |= {part for w in words for part in w.split() if part.isalpha()}
        for segment in self.named_segments_:
            vocab_words |= {x for x in _name_tokens(segment.name) if len(x) > 2}
        self.name_tokens_ = {s.number: _name_tokens(s.name) for s in self.named_segments_}
        for measure in vocab.behaviour():
            vocab_words |= set(column_tokens(measure.key))
        for term in vocab.categories:
            vocab_words |= {w for phrase in term.phrases() for w in phrase if w.isalpha()}
        self.vocab_words_ = frozenset(vocab_words)
        self.lexicon_ = frozenset(_base_lexicon() | vocab_words)
        self.prepared_ = True

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        vectors = np.asarray(self.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    @staticmethod
    def _concept_columns(measures: list[MeasureTerm]) -> dict[str, list[MeasureTerm]]:
        columns: dict[str, list[MeasureTerm]] = {c.name: [] for c in lx.CONCEPTS}
        for measure in measures:
            tokens = set(column_tokens(measure.key)) | set(column_tokens(measure.label))
            for concept in lx.CONCEPTS:
                if _concept_owns(concept, tokens):
                    columns[concept.name].append(measure)
                    break
        return columns

    # -- public -------------------------------------------------------------------------------

    def understand(self, question: str, context: dict[str, Any] | None = None) -> Understanding:
        """What ``question`` asks, with follow-ups resolved against ``context``.

        ``context`` is the previous :meth:`Understanding.to_dict` plus, optionally,
        ``"result_segments"`` / ``"result_topics"``: the segments and topics the last
        answer was about, in the order it gave them (e.g. a ranking's order).
        """
        self._prepare()
        parse = self._read(question)
        vectors = self._encode([_masked(parse), *[c["text"] for c in parse.chunks]])
        scores = self._intent_scores(vectors[0], parse)
        intent, confidence = _best(scores)
        intent = self._settle_intent(intent, scores, parse, context)
        self._link_chunks(parse, vectors[1:], intent, follow=bool(context))
        intent = self._settle_intent(intent, scores, parse, context)
        if self._segment_by_topic(parse) or self._own_topics_only(parse):
            intent = "describe_segment"
        parse.segments.sort(key=lambda n: parse.seg_at.get(n, len(parse.words)))
        understanding = self._assemble(parse, intent, confidence)
        if context:
            understanding = self._follow_up(understanding, parse, context, scores)
        return _finish(understanding, parse)

    # -- reading the words --------------------------------------------------------------------

    def _read(self, question: str) -> _Parse:
        text = normalise(question)
        customer = None
        match = HEX_RE.search(text)
        if match:
            customer = match.group(0).lower()
            text = text[: match.start()] + " customer x " + text[match.end() :]
        words = correct(_tokens(text), self.lexicon_, self.vocab_words_)
        parse = _Parse(words=words, customer=customer)
        self._cues(parse)
        self._runs(parse)
        self._period(parse)
        self._segment_numbers(parse)
        self._full_names(parse)
        self._filters(parse)
        self._ordinals(parse)
        self._segment_names(parse)
        self._topic_keywords(parse)
        self._measure(parse)
        self._rank_by(parse)
        self._chunks(parse)
        return parse

    def _cues(self, p: _Parse) -> None:
        w = p.words
        text = " " + " ".join(w) + " "
        if any(x in lx.COMPARE_WORDS for x in w):
            p.cues.add("compare")
        elif re.search(r" (against|next to|alongside|side by side with) ", text):
            p.cues.add("compare_maybe")  # "set the savers against the mortgage holders"
        if any(f" {phrase} " in text for phrase in lx.TREND_PHRASES):
            p.cues.add("trend")
        if any(f" {phrase} " in text for phrase in lx.RUN_PHRASES) or re.search(
            r" runs? #?\d+", text
        ):
            p.cues.add("run")
        if any(x in lx.CHANGE_WORDS for x in w):
            p.cues.add("change")
        if any(x in lx.QUOTE_WORDS for x in w):
            p.cues.add("quotes")
        if any(x in lx.SAY_WORDS for x in w):
            p.cues.add("say")
        if any(x in lx.TOPIC_VERBS for x in w):
            p.cues.add("topic_verb")
        if any(x in lx.DRIVER_WORDS for x in w):
            p.cues.add("driver")
        if any(f" {phrase} " in text for phrase in lx.HOW_MANY):
            p.cues.add("how_many")
        if any(x in lx.OFF_TOPIC_WORDS for x in w):
            p.cues.add("off_topic")
        first = [x for x in w if x not in {"please", "can", "could", "you", "would", "kindly"}]
        if first and first[0] in lx.WRITE_VERBS:
            p.cues.add("write")
        if re.search(
            r" (which|what) (segments?|clusters?|groups?|personas?|customers?|one) ", text
        ):
            p.cues.add("which")
        if re.search(r"^ ?(who|which|where) ", text):
            p.cues.add("which")
        if any(x in lx.PRONOUNS for x in w) and not re.search(r" (this|that) (run|topic) ", text):
            p.cues.add("pronoun")
        if any(
            f" {phrase} " in text for phrase in ("rank", "ranking", "sort", "sorted", "order by")
        ):
            p.cues.add("rank")
        if text.lstrip().startswith(_FOLLOWUP_STARTS):
            p.cues.add("followup_start")

    def _runs(self, p: _Parse) -> None:
        w = p.words
        for i, word in enumerate(w[:-1]):
            if word in {"run", "runs"}:
                j = i + 1 + (w[i + 1] == "#")
                while j < len(w) and w[j].isdigit():
                    p.runs.append(int(w[j]))
                    p.used.add(j)
                    j += 1
                    if j < len(w) - 1 and w[j] in {"and", "vs", "to", "with", ","}:
                        j += 1
        if "run" in p.cues and not p.runs:
            p.runs.append("previous")

    def _period(self, p: _Parse) -> None:
        w = p.words
        for i, word in enumerate(w):
            if word in {"last", "past", "previous"} and i + 1 < len(w):
                value = parse_number(w[i + 1]) if i + 2 < len(w) else None
                if value is not None and w[i + 2] in _UNITS:
                    p.period = {"last": int(value), "unit": _UNITS[w[i + 2]]}
                    p.used.update({i + 1, i + 2})
                    return
                if w[i + 1] in _UNITS:
                    p.period = {"last": 1, "unit": _UNITS[w[i + 1]]}
                    return
            if word in {"since", "in", "from", "during"} and i + 1 < len(w):
                nxt = w[i + 1]
                if nxt in lx.MONTHS and nxt != "may" or (nxt == "may" and word != "in"):
                    month = lx.MONTHS[nxt]
                    year = (
                        w[i + 2]
                        if i + 2 < len(w) and re.fullmatch(r"(19|20)\d\d", w[i + 2])
                        else None
                    )
                    key = "since" if word in {"since", "from"} else "month"
                    p.period = {key: f"{year}-{month:02d}" if year else f"{month:02d}"}
                    if year:
                        p.used.add(i + 2)
                    return
                if re.fullmatch(r"(19|20)\d\d", nxt):
                    p.period = {"since" if word in {"since", "from"} else "year": int(nxt)}
                    p.used.add(i + 1)
                    return

    def _full_names(self, p: _Parse) -> None:
        """Segments named by (most of) their full name, typo-tolerant per word.

        Names are long and hyphenated ("Quality-minded big-basket shoppers"): the words
        of the question are split at hyphens and aligned, in order, with each name's
        words; a name is linked when a run of question words covers at least
        :data:`FULL_NAME_COVERAGE` of its words, two at least, one of them distinctive.
        The words linked are used, so they do not read as measures or topics later.
        """
        subs: list[tuple[str, int]] = [
            (part, i)
            for i, word in enumerate(p.words)
            if i not in p.used
            for part in re.split(r"[-']", word)
            if part
        ]
        candidates: list[tuple[float, int, int, int]] = []
        for number, tokens in self.name_tokens_.items():
            if len(tokens) == 1:
                self._single_name(p, number, tokens[0], candidates)
                continue
            best: tuple[float, int, int] | None = None
            for start in range(len(subs)):
                found: list[int] = []
                j, k = start, 0
                while j < len(subs) and k < len(tokens):
                    ahead = range(k, min(len(tokens), k + 3))
                    hit = next((m for m in ahead if _name_word(subs[j][0], tokens[m])), None)
                    if hit is None:
                        break
                    found.append(hit)
                    k, j = hit + 1, j + 1
                matched = len(found)
                if matched < 2 or not self._says_who(tokens, found):
                    continue
                coverage = matched / len(tokens)
                if coverage >= FULL_NAME_COVERAGE and (best is None or coverage > best[0]):
                    best = (coverage, subs[start][1], subs[j - 1][1])
            if best:
                candidates.append((best[0], number, best[1], best[2]))
        candidates.sort(key=lambda c: (-c[0], c[2]))
        for _cov, number, start, end in candidates:
            span = set(range(start, end + 1))
            if span & p.used:
                continue
            if number not in p.segments:
                p.segments.append(number)
            p.segment_spans.append((start, end + 1))
            p.seg_at.setdefault(number, start)
            p.used.update(span)
            p.cues.add("full_name")

    def _says_who(self, tokens: list[str], found: list[int]) -> bool:
        """Whether the matched words of a name say who the people are, not only what they
        talk about: "talking about organic cotton and plastic" is a topic, not a name.

        A name's head is its words before "talking"/"about"/"who"; one matched head word
        must be neither generic nor a topic keyword, or the match holds "-minded".
        """
        cut = next(
            (n for n, t in enumerate(tokens) if t in {"talking", "about", "who", "with"}),
            len(tokens),
        )
        head = {tokens[m] for m in found if m < cut}
        if "minded" in head:
            return True
        return any(x not in _GENERIC_NAME_WORDS and not self._topic_part(x) for x in head)

    def _single_name(
        self, p: _Parse, number: int, token: str, out: list[tuple[float, int, int, int]]
    ) -> None:
        """A one-word name ("Newcomers") written as a noun phrase: "the newcomers"."""
        w = p.words
        if len(token) < 5 or token in _GENERIC_NAME_WORDS:
            return
        for i, word in enumerate(w):
            if i in p.used or i == 0 or (word != token and stem(word) != stem(token)):
                continue
            if w[i - 1] in {"the", "those", "these", "our"} and (
                i < 2 or w[i - 2] not in lx.MOST_WORDS | lx.LEAST_WORDS
            ):
                out.append((1.0, number, i, i))
                return

    def _segment_numbers(self, p: _Parse) -> None:
        w = p.words
        for i, word in enumerate(w):
            if word not in _SEGMENT_WORDS or i in p.used:
                continue
            j = i + 1
            if j < len(w) and w[j] in {"#", "number", "no", "nr"}:
                j += 1
            while j < len(w):
                value = parse_number(w[j])
                if value is None or value != int(value) or value > 999:
                    break
                number = int(value)
                if number not in p.segments:
                    p.segments.append(number)
                p.segment_spans.append((i, j + 1))
                p.seg_at.setdefault(number, i)
                p.used.update(range(i, j + 1))
                j += 1
                joined = j + 1 < len(w) and w[j] in {"and", "vs", "or", "versus", "with", "to"}
                if joined and parse_number(w[j + 1]) is not None:
                    j += 1
                    continue
                break

    def _filters(self, p: _Parse) -> None:
        w = p.words
        text_words = w
        for i in range(len(w)):
            if i in p.used:
                continue
            found = _comparator_at(text_words, i)
            if found is None:
                continue
            op, length = found
            j = i + length
            if j < len(w) and w[j] in {"$", "£", "€"}:
                j += 1
            if j >= len(w) or j in p.used:
                continue
            value = parse_number(w[j])
            if value is None:
                continue
            end = j + 1
            percent = end < len(w) and w[end] in {"%", "percent"}
            if percent:
                end += 1
            trailing = _trailing_comparator(w, end)
            if trailing:
                op = trailing[0]
                end += trailing[1]
            hint = "age" if w[i] in {"older", "younger"} else None
            measure = self._filter_measure(
                p, before=range(max(0, i - 3), i), after=range(end, min(len(w), end + 3)), hint=hint
            )
            p.filters.append(Filter(measure or "", op, value, percent))
            p.used.update(range(i, end))
        # "500 or more orders", "spent 1000+"
        for j, word in enumerate(w):
            if j in p.used:
                continue
            value = parse_number(word)
            trailing = _trailing_comparator(w, j + 1 + (j + 1 < len(w) and w[j + 1] == "%"))
            if value is None or not trailing or word in lx.NUMBER_WORDS and "how_many" in p.cues:
                continue
            percent = j + 1 < len(w) and w[j + 1] == "%"
            end = j + 1 + percent + trailing[1]
            measure = self._filter_measure(
                p, before=range(max(0, j - 3), j), after=range(end, min(len(w), end + 3)), hint=None
            )
            p.filters.append(Filter(measure or "", trailing[0], value, bool(percent)))
            p.used.update(range(j, end))
        if re.search(r"\bbetween \S+ and \S+", " ".join(w)):
            self._between(p)
        if p.filters or "how_many" in p.cues:  # "how many … in the north (spent over 500)"
            for span, term in find_categories(w, p.used, self.vocabulary.categories):
                p.filters.append(Filter(term.column, "==", term.value))
                p.used.update(span)

    def _between(self, p: _Parse) -> None:
        w = p.words
        for i, word in enumerate(w[:-3]):
            if word != "between" or w[i + 2] != "and":
                continue
            low, high = parse_number(w[i + 1]), parse_number(w[i + 3])
            if low is None or high is None:
                continue
            measure = self._filter_measure(
                p, before=range(max(0, i - 3), i), after=range(i + 4, min(len(w), i + 7)), hint=None
            )
            p.filters += [Filter(measure or "", ">=", low), Filter(measure or "", "<=", high)]
            p.used.update(range(i, i + 4))

    def _filter_measure(
        self, p: _Parse, *, before: range, after: range, hint: str | None
    ) -> str | None:
        if hint:
            columns = self.columns_.get(hint) or []
            return columns[0].key if columns else None
        for window in (after, before):
            indices = [i for i in window if i not in p.used]
            found = self._behaviour_measure([p.words[i] for i in indices])
            if found:
                tokens = column_tokens(found[0])
                for i in indices:
                    if self._is_measure_word(p.words[i]) or any(
                        same_word(p.words[i], t) for t in tokens
                    ):
                        p.used.add(i)
                return found[0]
        return None

    def _ordinals(self, p: _Parse) -> None:
        w = p.words
        for i, word in enumerate(w):
            if word in lx.ORDINALS and i not in p.used:
                nxt = w[i + 1] if i + 1 < len(w) else ""
                if word == "first" and nxt not in lx.MOST_WORDS | lx.LEAST_WORDS | {"one"}:
                    continue
                p.position = lx.ORDINALS[word]
                p.ordinal = True
                p.used.add(i)
                return
            if word in {"top", "bottom"} and i + 1 < len(w) and w[i + 1].isdigit():
                p.used.add(i + 1)

    def _segment_names(self, p: _Parse) -> None:
        w = p.words
        phrased = self._topic_phrase_words(p)
        candidates: list[tuple[float, int, int, int]] = []
        for number, keys in self.segment_keys_.items():
            if not keys:
                continue
            hits = [
                i
                for i, word in enumerate(w)
                if i not in p.used
                and not (i in phrased and not (i + 1 < len(w) and w[i + 1] in lx.PEOPLE_NOUNS))
                and word not in lx.MOST_WORDS | lx.LEAST_WORDS
                and any(same_word(word, k) for k in keys)
            ]
            if not hits:
                continue
            matched = {k for k in keys if any(same_word(w[i], k) for i in hits)}
            share = len(matched) / len(keys)
            distinct = sum(1 for k in matched if self._distinctive(k, number))
            people = any(i + 1 < len(w) and w[i + 1] in lx.PEOPLE_NOUNS for i in hits) or any(
                i + 2 < len(w) and w[i + 2] in lx.PEOPLE_NOUNS for i in hits
            )
            about = any(i > 0 and w[i - 1] in _TOPIC_PREPS for i in hits) and not people
            if about or distinct == 0:
                continue
            measure_like = all(
                self._is_measure_word(w[i])
                or w[i] in lx.MOST_WORDS | lx.LEAST_WORDS
                or any(same_word(w[i], t) for t in lx.SIZE_TERMS if " " not in t)
                for i in hits
            )
            if share < 1 and measure_like and not people:
                continue
            leading = keys[0] in matched and distinct >= 1
            if share >= 0.5 or people or distinct >= 1 and len(keys) <= 2 or leading:
                score = share + 0.5 * people + 0.1 * distinct
                candidates.append((score, number, min(hits), max(hits)))
        candidates.sort(key=lambda c: (-c[0], c[2]))
        taken: set[int] = set()
        for _score, number, start, end in candidates:
            span = set(range(start, end + 1))
            if span & taken or span & p.used:
                continue
            taken |= span
            p.segments.append(number) if number not in p.segments else None
            p.segment_spans.append((start, end + 1))
            p.seg_at.setdefault(number, start)
            if end + 1 < len(w) and (w[end + 1] in lx.PEOPLE_NOUNS or self._agent_noun(p, end + 1)):
                span.add(end + 1)
                p.segment_spans[-1] = (start, end + 2)
            p.used.update(span)
        order = sorted(zip(p.segment_spans, p.segments, strict=False))
        p.segments = list(dict.fromkeys(n for _span, n in order))

    def _sentiment_topic(self, number: int) -> bool:
        """Whether a topic's label is mostly sentiment words ("ok · bad · meh")."""
        words = (self.topic_words_.get(number) or [])[:3]
        hits = sum(1 for x in words if x in lx.SENTIMENT_TERMS or x in _MOOD_WORDS)
        return bool(words) and hits >= 1

    def _topic_phrase_words(self, p: _Parse) -> set[int]:
        """Indices of words inside a multi-word topic keyword the question writes out."""
        w = p.words
        out: set[int] = set()
        for keywords in self.topic_words_.values():
            for keyword in keywords:
                parts = keyword.split()
                if len(parts) < 2:
                    continue
                for i in range(len(w) - len(parts) + 1):
                    if all(same_word(w[i + j], part) for j, part in enumerate(parts)):
                        out.update(range(i, i + len(parts)))
        return out

    def _own_topics_only(self, p: _Parse) -> bool:
        """ "Who are the X who talk about Y" where Y is X's own top topic: a description."""
        if len(p.segments) != 1 or not p.topics or not _DESCRIBE_BY_TOPIC.search(" ".join(p.words)):
            return False
        term = self.vocabulary.segment(p.segments[0])
        if term is None:
            return False
        own = [
            t
            for t in p.topics
            if any(_same_topic(x, self.vocabulary.topic(t)) for x in term.topics)
        ]
        if len(own) != len(p.topics):
            return False
        p.topics = []
        return True

    def _segment_by_topic(self, p: _Parse) -> bool:
        """ "Describe the segment that talks about X": the segment whose top topics hold X.

        Only for a describing question about people defined by what they talk about;
        the segment is the one where the topic ranks highest among its top topics.
        """
        if p.segments or not p.topics or not _DESCRIBE_BY_TOPIC.search(" ".join(p.words)):
            return False
        wanted = self.vocabulary.topic(p.topics[0])
        best: tuple[int, int] | None = None
        for segment in self.named_segments_:
            for rank, label in enumerate(segment.topics):
                if _same_topic(label, wanted) and (best is None or rank < best[0]):
                    best = (rank, segment.number)
        if best is None:
            return False
        p.segments = [best[1]]
        p.seg_at[best[1]] = p.topic_spans[0][0] if p.topic_spans else 0
        p.topics = []
        p.unknown = []
        return True

    def _agent_noun(self, p: _Parse, i: int) -> bool:
        """Whether word ``i`` names people by what they do ("complainers", "fanatics")."""
        word = p.words[i]
        return (
            i not in p.used
            and len(word) > 5
            and word.endswith(("ers", "ists", "ians", "ees", "ics"))
            and not self._is_measure_word(word)
            and not self._is_topic_word(word)
        )

    def _main_topics(self, segments: list[int]) -> list[int]:
        """The run topics whose label is the main topic of these segments."""
        out = []
        for number in segments:
            term = self.vocabulary.segment(number)
            if term and term.topics:
                out += [t.number for t in self.vocabulary.topics if t.label == term.topics[0]]
        return out

    def _topic_part(self, word: str) -> bool:
        """Whether a word is a topic keyword or part of a multi-word one ("box" of "gift box")."""
        return any(
            any(same_word(word, part) for k in kws for part in k.split())
            for kws in self.topic_words_.values()
        )

    def _is_topic_word(self, word: str) -> bool:
        return any(
            any(same_word(word, k) for k in kws if " " not in k)
            for kws in self.topic_words_.values()
        )

    def _distinctive(self, key: str, number: int) -> bool:
        owners = [
            n for n, keys in self.segment_keys_.items() if any(same_word(key, k) for k in keys)
        ]
        return len(owners) <= max(1, len(self.segment_keys_) // 3) and number in owners

    def _is_measure_word(self, word: str) -> bool:
        for concept in lx.CONCEPTS:
            if any(" " not in t and same_word(word, t) for t in concept.terms):
                return True
        return any(same_word(word, t) for t in lx.SENTIMENT_TERMS if " " not in t)

    # -- measures -----------------------------------------------------------------------------

    def _measure(self, p: _Parse) -> None:
        w = p.words
        free = [(i, x) for i, x in enumerate(w) if i not in p.used]
        words = [x for _i, x in free]
        text = " " + " ".join(words) + " "
        direction = 0
        for word in words:
            if word in lx.MOST_WORDS or word.endswith("est") and word not in {"interest", "best"}:
                direction = direction or 1
            if word in lx.LEAST_WORDS:
                direction = -1
            if word == "best":
                direction = direction or 1
        if "worst" in words:
            direction = -1
        p.direction = direction
        sentiment = _polarity_hits(words, lx.SENTIMENT_TERMS)
        behaviour_words = words
        if sentiment:
            behaviour_words = [
                x for i, x in free if not any(w[j] in _TOPIC_PREPS for j in range(max(0, i - 2), i))
            ]
        behaviour = self._behaviour_measure(behaviour_words)
        size = _polarity_hits(words, lx.SIZE_TERMS)
        documents = _polarity_hits(words, lx.DOCUMENT_TERMS)
        if behaviour:
            p.measure, p.polarity = behaviour
        elif sentiment:
            p.measure, p.polarity = "sentiment", sentiment[0]
        elif any(f" {s} " in text for s in lx.SHARE_TERMS):
            p.measure = "topic_share"
        elif documents:
            p.measure, p.polarity = "documents", documents[0]
        elif size:
            p.measure, p.polarity = "size", size[0]
        unknown = None if p.measure not in (None, "size") else self._unknown_measure(p, words)
        if unknown:
            p.measure_unknown.append(unknown)
            if p.measure == "size":
                p.measure = None
        if sentiment and p.measure and p.measure != "sentiment":
            p.cues.add("sentiment_too")
        if sentiment:
            p.cues.add("sentiment")
            if sentiment[0] < 0:
                p.cues.add("negative")

    def _rank_by(self, p: _Parse) -> None:
        """ "Rank/sort the segments by <phrase>": the phrase names a measure, known or not.

        When no measure was found and the phrase does not ask about talk ("by how much
        they talk about X"), it is an unknown measure (the answer declines and lists
        the measures there are), never a topic whose keyword it happens to share.
        """
        if "rank" not in p.cues or p.measure or p.measure_unknown:
            return
        w = p.words
        for i, word in enumerate(w):
            if word != "by" or not any(x in {"rank", "ranking", "sort", "order"} for x in w[:i]):
                continue
            j = i + 1
            while j < len(w) and w[j] in {"the", "their", "its", "a"}:
                j += 1
            phrase = [x for x in w[j:] if x.isalpha() or "-" in x]
            if not phrase or any(x in _TALK_WORDS or x in lx.TOPIC_VERBS for x in phrase):
                return
            if any(self._is_measure_word(x) for x in phrase):
                return
            if any(same_word(x, t) for x in phrase for t in lx.SIZE_TERMS if " " not in t):
                return
            p.measure_unknown.append(" ".join(phrase))
            keep = [
                (n, span) for n, span in zip(p.topics, p.topic_spans, strict=False) if span[1] <= j
            ]
            p.topics = [n for n, _ in keep]
            p.topic_spans = [span for _, span in keep]
            p.used.update(range(j, len(w)))
            p.cues.add("rank_unknown")
            return

    def _behaviour_measure(self, words: list[str]) -> tuple[str, int] | None:
        """The run's behaviour column the words ask about (and the polarity), or None."""
        if not words:
            return None
        words = ["not" if x.endswith("n't") else x for x in words]
        # articles do not break a phrase: "without a booking" reads as "without booking"
        text = " " + " ".join(x for x in words if x not in {"a", "an", "any", "anything"}) + " "
        scores: dict[str, float] = {}
        polarity: dict[str, int] = {}
        consumed: set[int] = set()
        for concept in lx.CONCEPTS:
            hit = _concept_hit(concept, words, text, consumed)
            if hit is None:
                continue
            columns = self.columns_.get(concept.name) or []
            if not columns:
                for fallback in concept.fallbacks:
                    columns = self.columns_.get(fallback) or []
                    if columns:
                        break
            if not columns:
                scores.setdefault(f"?{concept.name}", 0.5)
                polarity[f"?{concept.name}"] = hit
                continue
            # a phrase ("without ordering") is more specific than a single word ("ordering"),
            # and its words are not read again by another concept
            phrase = _phrase_hit(concept, text)
            weight = 2.0 if phrase else 1.5
            if phrase:
                consumed |= _phrase_indices(concept, words)
            for rank, column in enumerate(columns):
                scores[column.key] = scores.get(column.key, 0.0) + weight - 0.01 * rank
                polarity.setdefault(column.key, hit)
        for measure in self.vocabulary.behaviour():
            tokens = [t for t in column_tokens(measure.key) if not t[0].isdigit()]
            direct = sum(
                1.0 if t not in lx.MEASURE_FILLERS else 0.3
                for t in tokens
                if len(t) > 2 and any(same_word(x, t) for x in words)
            )
            core = [t for t in tokens if t not in lx.MEASURE_FILLERS and len(t) > 2]
            if direct and (
                measure.key in scores or any(any(same_word(x, t) for x in words) for t in core)
            ):
                scores[measure.key] = scores.get(measure.key, 0.0) + direct
                polarity.setdefault(measure.key, 1)
        if not scores:
            return None
        best = max(scores, key=lambda k: scores[k])
        if best.startswith("?"):
            return None
        return best, polarity.get(best, 1)

    def _unknown_measure(self, p: _Parse, words: list[str]) -> str | None:
        """A measure-like phrase naming nothing the run has ("shoe size"; "returns", no column)."""
        w = p.words
        for i, word in enumerate(w):
            if i in p.used:
                continue
            if word in lx.MOST_WORDS | lx.LEAST_WORDS | {"average", "mean", "median", "by"}:
                phrase = []
                for j in range(i + 1, min(len(w), i + 4)):
                    x = w[j]
                    if x in {"the", "a", "an", "their", "of"} or x in lx.MEASURE_FILLERS:
                        continue
                    if x in lx.STOP_WORDS or j in p.used or x in lx.PEOPLE_NOUNS:
                        break
                    phrase.append(x)
                if phrase and not self._known_phrase(phrase):
                    return " ".join(phrase)
        # a concept asked about with no column in this run ("returns" for a bank)
        text = " " + " ".join(words) + " "
        for concept in lx.CONCEPTS:
            hit = _concept_hit(concept, words, text, set())
            if hit is None:
                continue
            has = self.columns_.get(concept.name) or any(
                self.columns_.get(f) for f in concept.fallbacks
            )
            if not has and p.direction and not self._topic_word_anywhere(words, concept):
                return next(
                    t
                    for t in concept.terms
                    if f" {t} " in text or any(same_word(x, t) for x in words if " " not in t)
                )
        return None

    def _topic_word_anywhere(self, words: list[str], concept: lx.MeasureConcept) -> bool:
        for x in words:
            if any(same_word(x, t) for t in concept.terms if " " not in t):
                return any(any(same_word(x, k) for k in kws) for kws in self.topic_words_.values())
        return False

    def _known_phrase(self, phrase: list[str]) -> bool:
        for x in phrase:
            if x in _BASE_LEXICON:
                continue
            if x in lx.STOP_WORDS or x in lx.MEASURE_FILLERS or x in lx.PEOPLE_NOUNS:
                continue
            if x in lx.SIZE_TERMS or x in lx.SENTIMENT_TERMS or x in lx.DOCUMENT_TERMS:
                continue
            if self._is_measure_word(x):
                continue
            if any(same_word(x, v) for v in self.vocab_words_):
                continue
            return False
        return True

    # -- topics -------------------------------------------------------------------------------

    def _topic_keywords(self, p: _Parse) -> None:
        w = p.words
        best: dict[int, tuple[float, list[int]]] = {}
        for number, keywords in self.topic_words_.items():
            score, hits = 0.0, []
            for rank, keyword in enumerate(keywords[:10]):
                parts = keyword.split()
                for i in range(len(w) - len(parts) + 1):
                    span = range(i, i + len(parts))
                    if any(j in p.used for j in span) or w[i] in lx.STOP_WORDS:
                        continue
                    if all(same_word(w[j], part) for j, part in zip(span, parts, strict=True)):
                        if self._measure_here(p, i):
                            continue
                        if self._person_form(p, i, keyword):
                            continue
                        score += 1.0 / (1 + 0.2 * rank)
                        hits.extend(span)
            if hits:
                best[number] = (score, sorted(set(hits)))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], min(kv[1][1])))
        taken: set[int] = set()
        for number, (_score, hits) in ranked:
            if set(hits) & taken:
                continue
            taken |= set(hits)
            p.topics.append(number)
            p.topic_spans.append((min(hits), max(hits) + 1))
            if len(p.topics) >= 2:
                break
        p.used |= taken
        order = sorted(zip(p.topic_spans, p.topics, strict=False))
        p.topics = [n for _s, n in order]

    def _person_form(self, p: _Parse, i: int, keyword: str) -> bool:
        """Whether word ``i`` names people by a segment's main topic ("the hikers"); links it."""
        w = p.words
        word = w[i]
        person = word.endswith(("ers", "ists", "ians", "ees", "ites")) and not keyword.endswith(
            ("er", "ers", "ist", "ists", "ian", "ee", "ite")
        )
        followed = i + 1 < len(w) and w[i + 1] in lx.PEOPLE_NOUNS - _SEGMENT_WORDS
        if not person and not followed:
            return False
        owners = [
            s.number
            for s in self.named_segments_
            if s.topics and any(same_word(keyword, k) for k in _keywords_of(s.topics[0]))
        ]
        if len(owners) != 1:
            return False
        if owners[0] not in p.segments:
            p.segments.append(owners[0])
            p.segment_spans.append((i, i + 1 + followed))
            p.seg_at.setdefault(owners[0], i)
        p.used.update({i, i + 1} if followed else {i})
        return True

    def _measure_here(self, p: _Parse, i: int) -> bool:
        """Whether word ``i`` is better read as the measure than as a topic keyword."""
        w = p.words
        if not self._is_measure_word(w[i]):
            return False
        if i > 0 and w[i - 1] in lx.MOST_WORDS | lx.LEAST_WORDS:
            return True  # "brings in the most money": a measure, whatever the verbs
        after_prep = any(w[j] in _TOPIC_PREPS for j in range(max(0, i - 2), i))
        topical = p.cues & {"topic_verb", "say", "quotes", "trend"}
        return not after_prep and not topical

    # -- leftovers, linked by meaning --------------------------------------------------------

    def _chunks(self, p: _Parse) -> None:
        w = p.words
        chunks: list[dict[str, Any]] = []
        current: list[int] = []

        def close() -> None:
            if not current:
                return
            words = [w[i] for i in current]
            end = current[-1] + 1
            people = end < len(w) and w[end] in lx.PEOPLE_NOUNS
            tail = words[-1] in lx.PEOPLE_NOUNS
            start = current[0]
            about = start > 0 and w[start - 1] in _TOPIC_PREPS
            text = " ".join(words + ([w[end]] if people else []))
            chunks.append(
                {
                    "text": text,
                    "start": start,
                    "end": end,
                    "people": people or tail,
                    "about": about,
                    "words": words,
                }
            )
            current.clear()

        for i, word in enumerate(w):
            content = (
                i not in p.used
                and word.isalpha()
                and len(word) > 1
                and word not in lx.STOP_WORDS
                and word not in lx.MONTHS
                and word not in lx.ORDINALS
                and word not in lx.NUMBER_WORDS
                and word not in {"x"}
                and word not in _CUE_WORDS
                and word not in lx.DRIVER_WORDS
                and word not in _CHANGE_FORMS
            )
            if content:
                current.append(i)
            else:
                close()
        close()
        p.chunks = chunks[:MAX_CHUNKS]

    def _link_chunks(
        self, p: _Parse, vectors: np.ndarray, intent: str, *, follow: bool = False
    ) -> None:
        bare = intent == "unsupported" and not p.cues & {"write", "off_topic"}
        wants_segment = (
            follow
            or bare
            or intent
            in {
                "describe_segment",
                "compare_segments",
                "segment_topic",
                "negative_drivers",
                "show_quotes",
            }
        )
        wants_topic = intent in {
            "segment_topic",
            "topic_where",
            "topic_trend",
            "show_quotes",
            "rank_segments",
            "negative_drivers",
        }
        for chunk, vector in zip(p.chunks, vectors, strict=False):
            measure_words = all(
                self._is_measure_word(x)
                or x in lx.MEASURE_FILLERS
                or x in lx.SIZE_TERMS
                or x in lx.SENTIMENT_TERMS
                or x in lx.DOCUMENT_TERMS
                for x in chunk["words"]
            )
            if measure_words and not (wants_segment and intent != "count_filter"):
                continue
            seg, seg_sim = _nearest_mean(vector, self.segment_vectors_, self.segment_owner_)
            top, top_sim = _nearest(vector, self.topic_vectors_, self.topic_owner_)
            seg_ok = seg is not None and seg_sim >= SEGMENT_THRESHOLD
            top_ok = top is not None and top_sim >= TOPIC_THRESHOLD
            need_seg = wants_segment and (
                len(p.segments) < (2 if intent == "compare_segments" else 1)
            )
            need_top = wants_topic and not p.topics
            need_seg = need_seg or (chunk["people"] and intent == "count_filter")
            prefer_segment = chunk["people"] or (not chunk["about"] and need_seg)
            if (
                prefer_segment
                and seg_ok
                and seg not in p.segments
                and (chunk["people"] or not top_ok or seg_sim + 0.05 >= top_sim or not need_top)
            ):
                p.segments.append(seg)
                p.segment_spans.append((chunk["start"], chunk["end"]))
                p.seg_at.setdefault(seg, chunk["start"])
                continue
            if top_ok and top not in p.topics and (need_top or chunk["about"]):
                p.topics.append(top)
                p.topic_spans.append((chunk["start"], chunk["end"]))
                continue
            if seg_ok and seg not in p.segments and need_seg:
                p.segments.append(seg)
                p.segment_spans.append((chunk["start"], chunk["end"]))
                p.seg_at.setdefault(seg, chunk["start"])
                continue
            if measure_words:
                continue
            slot = chunk["people"] or chunk["about"] or need_seg and not p.segments
            if _modifies(chunk, p):
                continue  # "late" in "late delivery": a word qualifying an entity found
            if slot and intent not in {"overview", "run_change", "unsupported"}:
                p.unknown.append(chunk["text"])

    # -- intent -------------------------------------------------------------------------------

    def _intent_scores(self, vector: np.ndarray, p: _Parse) -> dict[str, float]:
        sims = self.exemplar_vectors_ @ vector
        scores: dict[str, float] = {}
        labels = np.array(self.intent_labels_)
        for intent in INTENTS:
            mine = np.sort(sims[labels == intent])[::-1]
            scores[intent] = float(mine[:2].mean()) if len(mine) else 0.0
        self._apply_cues(scores, p)
        return scores

    def _apply_cues(self, s: dict[str, float], p: _Parse) -> None:
        c = p.cues
        n_seg = len(p.segments) + sum(1 for ch in p.chunks if ch["people"])
        superlative = bool(p.direction) or p.ordinal or "rank" in c
        if p.customer:
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
        if "trend" in c:
            s["topic_trend"] += 0.3
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
        if "negative" in c and "driver" in c and not superlative:
            s["negative_drivers"] += 0.25
        elif "driver" in c and ("negative" in c or "why" in p.words) and p.segments:
            s["negative_drivers"] += 0.15
        if p.segments and p.topics and ("say" in c or "pronoun" in c or "about" in p.words):
            s["segment_topic"] += 0.15
        if p.segments and not (p.topics or p.measure or superlative or p.filters):
            s["describe_segment"] += 0.1

    def _settle_intent(
        self, intent: str, scores: dict[str, float], p: _Parse, context: dict[str, Any] | None
    ) -> str:
        """Fix the intent where the entities found make another one the only sensible reading."""
        has_context = bool(context)
        linked = p.segments or p.topics or p.measure or p.filters or p.customer
        if p.customer and intent not in {"customer_why", "unsupported"} and "write" not in p.cues:
            return "customer_why"
        if intent == "customer_why" and not p.customer:
            return _second(scores, exclude={"customer_why"})
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
        if (
            intent == "unsupported"
            and linked
            and "write" not in p.cues
            and "off_topic" not in p.cues
        ):
            second = _second(scores, exclude={"unsupported"})
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
            and any(lx.SENTIMENT_TERMS.get(x, 0) < 0 or x in _BAD_WORDS for x in p.words)
        ):
            p.topics = [t for t in p.topics if not self._sentiment_topic(t)]
            return "negative_drivers"
        if intent == "compare_segments" and "run" in p.cues and len(p.segments) < 2:
            return "run_change"
        if intent == "run_change" and "run" not in p.cues and "change" not in p.cues:
            return _second(scores, exclude={"run_change"})
        if intent == "topic_trend" and "trend" not in p.cues and not p.period:
            second = _second(scores, exclude={"topic_trend"})
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

    # -- assembling ---------------------------------------------------------------------------

    def _assemble(self, p: _Parse, intent: str, confidence: float) -> Understanding:
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
            topics = self._main_topics(p.segments[:1])
            p.segments = []
        if intent == "rank_segments" and measure not in (None, "sentiment", "topic_share"):
            topics = []
        filters = [
            f if f.measure else Filter(measure or "", f.op, f.value, f.percent) for f in p.filters
        ]
        filters = [_percent_value(f) for f in filters]
        unknown = list(dict.fromkeys([*p.measure_unknown, *p.unknown]))
        if intent not in {"rank_segments", "count_filter"}:
            unknown = [u for u in unknown if u not in p.measure_unknown]
        if intent == "count_filter":
            unknown += [f"filter on “{f.op} {f.value:g}”" for f in filters if not f.measure]
            filters = [f for f in filters if f.measure]
        return Understanding(
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
        )

    # -- follow-ups ---------------------------------------------------------------------------

    def _follow_up(
        self, u: Understanding, p: _Parse, context: dict[str, Any], scores: dict[str, float]
    ) -> Understanding:
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
        own_cue = self._own_intent_cue(u.intent, p)
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
        }
        if "pronoun" in c and not p.segments and wants_segments and referred:
            u.segments = referred[:2] if u.intent == "compare_segments" else referred[:3]
            if u.intent in {
                "describe_segment",
                "segment_topic",
                "negative_drivers",
                "count_filter",
            }:
                u.segments = (
                    referred[:1] if results and prev.intent == "rank_segments" else u.segments
                )
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

    def _own_intent_cue(self, intent: str, p: _Parse) -> bool:
        """Whether the follow-up itself says what it asks (else it inherits the last intent)."""
        c = p.cues
        return {
            "overview": "how_many" in c and not p.filters,
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
            "unsupported": "write" in c or "off_topic" in c,
        }.get(intent, False)


# --- small pure helpers ---------------------------------------------------------------------


def _base_lexicon() -> set[str]:
    words: set[str] = set(lx.STOP_WORDS) | set(lx.PEOPLE_NOUNS) | set(lx.ORDINALS)
    words |= set(lx.NUMBER_WORDS) | set(lx.MONTHS) | set(lx.MOST_WORDS) | set(lx.LEAST_WORDS)
    words |= set(lx.COMPARE_WORDS) | set(lx.CHANGE_WORDS) | set(lx.QUOTE_WORDS)
    words |= set(lx.SAY_WORDS) | set(lx.TOPIC_VERBS) | set(lx.DRIVER_WORDS)
    words |= set(lx.WRITE_VERBS) | set(lx.OFF_TOPIC_WORDS) | set(lx.MEASURE_FILLERS)
    for terms in (lx.SENTIMENT_TERMS, lx.SIZE_TERMS, lx.DOCUMENT_TERMS):
        words |= {t for t in terms if " " not in t}
    for concept in lx.CONCEPTS:
        words |= {part for t in concept.terms for part in t.split()}
    for phrase in (*lx.TREND_PHRASES, *lx.RUN_PHRASES):
        words |= set(phrase.split())
    return {w for w in words if w.isalpha()}


_BASE_LEXICON = frozenset(_base_lexicon())
_text.PROTECTED.update(_BASE_LEXICON)


def _tokens(text: str) -> list[str]:
    from nlp.chat.text import tokenize

    return tokenize(text)


_GENERIC_NAME_WORDS = frozenset(
    [
        "customers",
        "customer",
        "shoppers",
        "shopper",
        "people",
        "buyers",
        "buyer",
        "users",
        "user",
        "segment",
        "group",
        "the",
        "and",
        "of",
        "with",
        "minded",
        "who",
        "talking",
        "about",
        "clients",
        "members",
        "folks",
        "high",
        "low",
        "small",
        "mainstream",
        "fewer",
        "than",
        "a",
        "an",
        "in",
        "for",
        "to",
        "on",
    ]
)


def _name_tokens(name: str) -> list[str]:
    """Every word of a segment name, in order ("Quality-minded big-basket" -> 4 words)."""
    return re.findall(r"[a-z]+", name.lower())


def _name_word(word: str, token: str) -> bool:
    """Whether a question word is this word of a name (inflection and typos allowed)."""
    if word == token or same_word(word, token):
        return True
    if min(len(word), len(token)) < 5:
        return False
    return difflib.SequenceMatcher(None, word, token).ratio() >= 0.8


def _name_keys(name: str) -> list[str]:
    """The distinctive words of a segment name ("Eco-minded coupon users" -> ["eco", "coupon"])."""
    words = re.findall(r"[a-z]+", name.lower())
    keys = [w for w in words if w not in _GENERIC_NAME_WORDS and len(w) > 1]
    if not keys:
        keys = [w for w in words if w not in {"the", "and", "of", "a"}]
    return list(dict.fromkeys(keys))


def _keywords_of(label: str) -> list[str]:
    from nlp.chat.vocabulary import topic_keywords

    return [k.lower() for k in topic_keywords(label)]


def _concept_owns(concept: lx.MeasureConcept, tokens: set[str]) -> bool:
    if tokens & concept.columns:
        return True
    if concept.name == "basket":
        return bool(
            tokens & {"average", "mean"}
            and tokens & {"order", "value", "spend", "purchase", "ticket"}
        )
    return False


def _concept_hit(
    concept: lx.MeasureConcept, words: list[str], text: str, consumed: set[int]
) -> int | None:
    """The polarity of the first term of ``concept`` in the words, or None."""
    for term, polarity in sorted(concept.terms.items(), key=lambda kv: -len(kv[0])):
        if " " in term or not term.isalpha():
            if f" {term} " in text:
                return polarity
            continue
        for i, word in enumerate(words):
            if i not in consumed and same_word(word, term) and word not in lx.STOP_WORDS:
                return polarity
    return None


def _same_topic(label: str, topic: Any) -> bool:
    """Whether a segment's top-topic label is this topic (same label or same lead keywords)."""
    if topic is None:
        return False
    if label == topic.label:
        return True
    mine = [k.lower() for k in _keywords_of(label)[:2]]
    return bool(mine) and mine == [k.lower() for k in _keywords_of(topic.label)[:2]]


def _modifies(chunk: dict[str, Any], p: _Parse) -> bool:
    """Whether a leftover chunk sits right before or after a linked topic or segment."""
    if chunk["people"]:
        return False
    spans = [*p.topic_spans, *p.segment_spans]
    return any(start == chunk["end"] or end == chunk["start"] for start, end in spans)


def _phrase_indices(concept: lx.MeasureConcept, words: list[str]) -> set[int]:
    """The indices of the words that make up multi-word terms of ``concept``."""
    out: set[int] = set()
    kept = [i for i, x in enumerate(words) if x not in {"a", "an", "any", "anything"}]
    for term in concept.terms:
        parts = term.split()
        if len(parts) < 2:
            continue
        for n in range(len(kept) - len(parts) + 1):
            if [words[kept[n + j]] for j in range(len(parts))] == parts:
                out.update(kept[n + j] for j in range(len(parts)))
    return out


def _phrase_hit(concept: lx.MeasureConcept, text: str) -> bool:
    """Whether a multi-word term of ``concept`` is in the (space-padded) text."""
    return any(" " in term and f" {term} " in text for term in concept.terms)


def _polarity_hits(words: list[str], terms: dict[str, int]) -> list[int]:
    text = " " + " ".join(words) + " "
    hits = [pol for term, pol in terms.items() if " " in term and f" {term} " in text]
    for word in words:
        for term, pol in terms.items():
            if " " not in term and same_word(word, term):
                hits.append(pol)
                break
    return hits


def _comparator_at(words: list[str], i: int) -> tuple[str, int] | None:
    for phrase, op in _COMPARATORS:
        parts = phrase.split()
        if words[i : i + len(parts)] == parts:
            return op, len(parts)
    return None


def _trailing_comparator(words: list[str], i: int) -> tuple[str, int] | None:
    for phrase, op in _TRAILING_COMPARATORS:
        parts = phrase.split()
        if words[i : i + len(parts)] == parts:
            return op, len(parts)
    return None


def _percent_value(f: Filter) -> Filter:
    if not f.percent:
        return f
    tokens = set(column_tokens(f.measure))
    if tokens & {"rate", "share", "ratio", "proportion", "fraction"}:
        return Filter(f.measure, f.op, round(f.value / 100, 6), True)
    return f


def _masked(p: _Parse) -> str:
    words = list(p.words)
    marks: dict[int, str] = {}
    for start, end in p.segment_spans:
        marks[start] = "this segment"
        for i in range(start + 1, end):
            marks[i] = ""
        if end < len(words) and words[end] in lx.PEOPLE_NOUNS:
            marks[end] = ""
    for start, end in p.topic_spans:
        marks[start] = "this topic"
        for i in range(start + 1, end):
            marks[i] = ""
    out = [marks.get(i, word) for i, word in enumerate(words)]
    text = " ".join(x for x in out if x)
    return re.sub(r"\b(the|a) this (segment|topic)", r"this \2", text)


def _nearest(
    vector: np.ndarray, matrix: np.ndarray, owners: np.ndarray
) -> tuple[int | None, float]:
    if matrix.size == 0:
        return None, 0.0
    sims = matrix @ vector
    best = int(np.argmax(sims))
    top = float(sims[best])
    others = sims[owners != owners[best]]
    if others.size and top - float(others.max()) < LINK_MARGIN:
        return None, top
    return int(owners[best]), top


def _nearest_mean(
    vector: np.ndarray, matrix: np.ndarray, owners: np.ndarray
) -> tuple[int | None, float]:
    """The owner with the best mean similarity over its rows, if it clearly beats the next."""
    if matrix.size == 0:
        return None, 0.0
    sims = matrix @ vector
    numbers = np.unique(owners)
    means = np.array([sims[owners == n].mean() for n in numbers])
    order = np.argsort(-means)
    best = float(means[order[0]])
    if len(order) > 1 and best - float(means[order[1]]) < SEGMENT_MARGIN:
        return None, best
    return int(numbers[order[0]]), best


def _best(scores: dict[str, float]) -> tuple[str, float]:
    intent = max(scores, key=lambda k: scores[k])
    return intent, scores[intent]


def _second(scores: dict[str, float], *, exclude: set[str]) -> str:
    return max((k for k in scores if k not in exclude), key=lambda k: scores[k])


def _finish(u: Understanding, p: _Parse) -> Understanding:
    if u.intent != "rank_segments" and u.measure in {"size"} and u.intent != "count_filter":
        pass
    if u.intent == "compare_segments":
        u.segments = u.segments[:2]
    u.segments = list(dict.fromkeys(u.segments))
    u.topics = list(dict.fromkeys(u.topics))
    return u
