"""What a run lets the chat talk about: its segments, topics and measures.

The service builds a :class:`Vocabulary` from a run (segment names, descriptions
and top topics, topic labels and keywords, the numeric behaviour columns of
``explain_context["features"]``); the interpreter links the words of a question
to it. Nothing here knows the demo data: a bank's "balance_eur" column or a
travel company's "Beach family" segment are handled the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from nlp.chat.categories import CategoryTerm, category_terms

MeasureKind = Literal["behaviour", "sentiment", "size", "topic_share", "documents"]

#: Measures every run has (whether or not the service lists them): their keys are their kinds.
BUILTIN_MEASURES: tuple[tuple[str, str, MeasureKind], ...] = (
    ("size", "Segment size", "size"),
    ("sentiment", "Mean sentiment", "sentiment"),
    ("topic_share", "Share of a topic", "topic_share"),
    ("documents", "Documents written", "documents"),
)


@dataclass(frozen=True)
class SegmentTerm:
    """One segment as the chat may name it (small segments keep their number only).

    ``values`` are its measures by key ("size", "sentiment", "documents" and the
    behaviour columns' means), so "the biggest cluster" or "the segment that spends
    the most" can be read as the segment they pick.
    """

    number: int
    name: str
    description: str = ""
    topics: list[str] = field(default_factory=list)
    traits: list[str] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)

    @property
    def small(self) -> bool:
        """Whether this is a segment below k, listed only as "Small segment (fewer than k)"."""
        return self.name.lower().startswith("small segment")

    def text(self) -> str:
        """The text embedded to link descriptions: name, description, topics and traits."""
        parts = [self.name, self.description, ", ".join(topic_phrase(t) for t in self.topics)]
        parts.append(", ".join(self.traits))
        return ". ".join(p for p in parts if p)

    def profile_text(self) -> str:
        """Its topics and traits only: what the segment is about without its name."""
        parts = [", ".join(topic_phrase(t) for t in self.topics), ", ".join(self.traits)]
        return ". ".join(p for p in parts if p) or self.name


@dataclass(frozen=True)
class TopicTerm:
    """One topic: its number, label (keywords joined by " · ") and keywords."""

    number: int
    label: str
    keywords: list[str] = field(default_factory=list)

    def words(self) -> list[str]:
        """Every keyword of the topic, from the label and the keyword list, in order, once."""
        seen: list[str] = []
        for word in [*topic_keywords(self.label), *self.keywords]:
            word = word.strip().lower()
            if word and word not in seen:
                seen.append(word)
        return seen

    def text(self) -> str:
        """The text embedded to link a topic by meaning."""
        return ", ".join(self.words()[:8]) or self.label

    def phrase(self) -> str:
        """A short readable name: its first two keywords ("delivery and courier")."""
        return topic_phrase(self.label) if topic_keywords(self.label) else self.label


@dataclass(frozen=True)
class MeasureTerm:
    """A measure segments can be ranked or filtered by.

    ``key`` is the column name for behaviour measures (``spend_12m``) and the kind
    itself for the others (``"size"``, ``"sentiment"``, ``"topic_share"``, ``"documents"``).
    """

    key: str
    label: str
    kind: MeasureKind = "behaviour"


@dataclass(frozen=True)
class Vocabulary:
    """Everything of one run the chat can link a question to."""

    segments: list[SegmentTerm] = field(default_factory=list)
    topics: list[TopicTerm] = field(default_factory=list)
    measures: list[MeasureTerm] = field(default_factory=list)
    categories: list[CategoryTerm] = field(default_factory=list)

    def all_measures(self) -> list[MeasureTerm]:
        """The run's measures plus the built-in ones it did not list."""
        keys = {m.key for m in self.measures}
        extra = [
            MeasureTerm(k, label, kind) for k, label, kind in BUILTIN_MEASURES if k not in keys
        ]
        return [*self.measures, *extra]

    def behaviour(self) -> list[MeasureTerm]:
        """The behaviour measures (numeric feature columns) only."""
        return [m for m in self.measures if m.kind == "behaviour"]

    def segment(self, number: int) -> SegmentTerm | None:
        """The segment with this number, or None."""
        return next((s for s in self.segments if s.number == number), None)

    def topic(self, number: int) -> TopicTerm | None:
        """The topic with this number, or None."""
        return next((t for t in self.topics if t.number == number), None)

    def measure(self, key: str) -> MeasureTerm | None:
        """The measure with this key (built-ins included), or None."""
        return next((m for m in self.all_measures() if m.key == key), None)

    @classmethod
    def from_parts(
        cls,
        *,
        personas: list[dict[str, Any]],
        topics: list[dict[str, Any]],
        features: dict[str, dict[str, Any]] | None = None,
        categories: dict[str, list[str]] | None = None,
    ) -> Vocabulary:
        """Build from plain dicts: persona summaries, topic rows and the run's feature stats.

        ``personas`` rows carry ``number``, ``name`` and optionally ``description``,
        ``top_topics`` (dicts with ``label``), ``traits`` (dicts with ``label`` and
        ``direction``), ``size``, ``sentiment``, ``documents`` and ``feature_means``;
        ``topics`` rows carry ``number`` (or ``topic``), ``label`` and optionally
        ``keywords``; ``features`` is ``explain_context["features"]``, whose
        ``kind == "behaviour"`` entries become measures; ``categories`` maps
        categorical customer columns to their values (equality filters).
        """
        segments = [
            SegmentTerm(
                number=int(p["number"]),
                name=str(p.get("name") or f"Segment {p['number']}"),
                description=str(p.get("description") or ""),
                topics=[str(t.get("label", "")) for t in p.get("top_topics") or []],
                traits=[_trait_text(t) for t in p.get("traits") or []],
                values=_segment_values(p),
            )
            for p in personas
        ]
        topic_terms = [
            TopicTerm(
                number=int(t["number"] if "number" in t else t["topic"]),
                label=str(t.get("label", "")),
                keywords=[str(k) for k in t.get("keywords") or []],
            )
            for t in topics
        ]
        measures = [
            MeasureTerm(key=str(key), label=str(stats.get("label") or key), kind="behaviour")
            for key, stats in (features or {}).items()
            if stats.get("kind") == "behaviour"
        ]
        return cls(
            segments=segments,
            topics=topic_terms,
            measures=measures,
            categories=category_terms(categories),
        )


def topic_keywords(label: str) -> list[str]:
    """The keywords of a topic label ("delivery · late · courier")."""
    return [k.strip() for k in re.split(r"\s*[·|;]\s*|\s*,\s*", str(label)) if k.strip()]


def topic_phrase(label: str) -> str:
    """A readable topic name from its label: the first two keywords joined by "and"."""
    keywords = topic_keywords(label)
    return " and ".join(keywords[:2]) if keywords else str(label)


def _segment_values(persona: dict[str, Any]) -> dict[str, float]:
    """A persona row's measures: size, sentiment, documents and ``feature_means``."""
    found = {key: persona.get(key) for key in ("size", "sentiment", "documents")}
    found.update(persona.get("feature_means") or {})
    return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float)}


def _trait_text(trait: dict[str, Any]) -> str:
    label = str(trait.get("label", "")).lower()
    direction = trait.get("direction")
    return f"{direction} {label}" if direction else label
