"""Personas: what makes each segment distinctive, in words a product manager reads.

:class:`PersonaExplainer` turns a fitted segmentation into one explanation per
segment, built on *interpretable features* (:func:`interpretable_features`).
The package keeps one job per module:

- ``features``: the interpretable features and readable column labels;
- ``traits``: standardised differences, each measured thing said once;
- ``mood``: sentiment as shares of negative / neutral / positive texts first;
- ``vocabulary``: which words may name a persona (subjects, not moods or filler);
- ``naming``: persona names, unique in a run; ``describe``: the paragraph;
- ``rules``: surrogate-tree rules; ``quotes``: quotes and representatives;
- ``explainer``: :class:`PersonaExplainer`; ``customer``: :func:`explain_customer`.

Segments smaller than ``min_group_size`` (k-anonymity) are marked ``small``
and get no aggregate, quote, rule or representative at all. Nothing here knows
the demo data: names come from column names, topic labels and the texts
through generic rules, whatever the data.
"""

from __future__ import annotations

from nlp.explain.customer import explain_customer
from nlp.explain.describe import NOTABLE_LIFT, describe, distinctive_topics
from nlp.explain.explainer import Explanation, PersonaExplainer
from nlp.explain.features import SENTIMENT, TOPIC_PREFIX, humanise, interpretable_features
from nlp.explain.mood import mix_text, mood_words, sentiment_summary
from nlp.explain.naming import SMALL_NAME, name_personas
from nlp.explain.traits import NOTABLE_EFFECT

__all__ = [
    "NOTABLE_EFFECT",
    "NOTABLE_LIFT",
    "SENTIMENT",
    "SMALL_NAME",
    "TOPIC_PREFIX",
    "Explanation",
    "PersonaExplainer",
    "describe",
    "distinctive_topics",
    "explain_customer",
    "humanise",
    "interpretable_features",
    "mix_text",
    "mood_words",
    "name_personas",
    "sentiment_summary",
]
