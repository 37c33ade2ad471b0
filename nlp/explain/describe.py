"""One paragraph per persona: share, distinctive topics, behaviour and mood, each said once."""

from __future__ import annotations

from typing import Any

from nlp.explain.features import SENTIMENT, topic_phrase
from nlp.explain.mood import mix_text
from nlp.explain.numbers import fmt
from nlp.explain.traits import notable

NOTABLE_LIFT = 1.2  # a topic is "talked about more" from this lift


def distinctive_topics(topics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The topics a segment brings up more often than everyone (lift >= NOTABLE_LIFT)."""
    return [t for t in topics or [] if (t.get("lift") or 0) >= NOTABLE_LIFT]


def describe(profile: dict[str, Any], *, similar: frozenset[frozenset[str]] = frozenset()) -> str:
    """One paragraph from a profile's share, distinctive topics, behaviour traits and mood.

    Of ``similar`` features (pairs of near-duplicate columns) only the stronger
    is named. The mood sentence uses the profile's rounded sentiment summary,
    the same figures the page shows elsewhere.
    """
    parts = [f"About {profile['share']:.0%} of customers."]
    topics = distinctive_topics(profile["top_topics"])[:2]
    if topics:
        said = [f"{topic_phrase(t['label'])} ({t['lift']:.1f}x)" for t in topics]
        parts.append(f"They talk about {' and about '.join(said)} more than other customers.")
    behaviour: list[dict[str, Any]] = []
    for trait in notable(profile["traits"]):
        if trait["feature"] == SENTIMENT or any(
            frozenset((trait["feature"], t["feature"])) in similar for t in behaviour
        ):
            continue
        behaviour.append(trait)
    behaviour = behaviour[:3]
    if behaviour:
        said = [f"{t['direction']} {t['label'].lower()} ({fmt(t['segment_mean'])} vs "
                f"{fmt(t['population_mean'])})" for t in behaviour]  # fmt: skip
        parts.append(f"Compared with all customers they have {_join(said)}.")
    summary = profile.get("sentiment_summary")
    if summary:
        parts.append(
            f"Their texts are {summary['words']} ({mix_text(summary['mix'])}; "
            f"mean {_signed(summary['mean'])})."
        )
    if len(parts) == 1:
        parts.append("Nothing sets them clearly apart from the average customer.")
    return " ".join(parts)


def _signed(value: float) -> str:
    text = f"{abs(value):.2f}"
    return f"+{text}" if value > 0 else f"\u2212{text}" if value < 0 else text


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
