"""The run's vocabulary for the chat: segment names, topics and measures, built once per run.

The interpreter (`nlp.chat`) links the words of a question to it. Segments
below k are listed by number only ("Small segment (fewer than k)"), so the chat
can say it does not report on them without revealing their name or traits.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import TYPE_CHECKING

from segapp.models import Membership, Segment, SegmentationRun, Topic
from segapp.selectors import personas
from segapp.selectors.topics import small_topic_numbers
from segapp.services.chat.customer_columns import behaviour_measures, category_values
from segapp.services.sensitive import declared_sensitive_names

if TYPE_CHECKING:
    from nlp.chat.vocabulary import Vocabulary

_CACHE: dict[tuple, Vocabulary] = {}
_LOCK = threading.Lock()
_KEEP = 8  # runs whose vocabulary is kept in memory


def vocabulary_key(run: SegmentationRun, k: int | None = None) -> tuple:
    """What a run's vocabulary depends on: the run, k, when it finished and last changed,
    and the names declared sensitive (never offered as measures)."""
    k = personas.min_group_size() if k is None else k
    changed = run.privacy_changed_at.isoformat() if run.privacy_changed_at else ""
    declared = tuple(sorted(declared_sensitive_names()))
    return (run.pk, k, run.finished_at.isoformat() if run.finished_at else "", changed, declared)


def build_vocabulary(run: SegmentationRun) -> Vocabulary:
    """The run's vocabulary (cached per run, k and finish time)."""
    from nlp.chat.vocabulary import Vocabulary

    k = personas.min_group_size()
    key = vocabulary_key(run, k)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    rows = []
    for segment in Segment.objects.filter(run=run).order_by("number"):
        if personas.is_small(segment, k):
            rows.append({"number": segment.number, "name": personas.small_segment_name(k)})
            continue
        profile = segment.profile or {}
        rows.append(
            {
                "number": segment.number,
                "name": segment.name,
                "description": profile.get("description", ""),
                "top_topics": profile.get("top_topics") or [],
                "traits": profile.get("traits") or [],
                "size": segment.size,
                "sentiment": profile.get("sentiment"),
                "documents": profile.get("documents"),
                "feature_means": personas._feature_means(profile),
            }
        )
    small = small_topic_numbers(run, k)  # never named by their few writers' words
    topics = [
        t
        for t in Topic.objects.filter(run=run)
        .order_by("number")
        .values("number", "label", "keywords")
        if t["number"] not in small
    ]
    features = behaviour_measures(run, declared=declared_sensitive_names())
    vocabulary = Vocabulary.from_parts(
        personas=rows, topics=topics, features=features, categories=run_categories(run, k)
    )
    with _LOCK:
        if len(_CACHE) >= _KEEP:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = vocabulary
    return vocabulary


def forget() -> None:
    """Drop every cached vocabulary (tests start from a fresh database)."""
    with _LOCK:
        _CACHE.clear()


MAX_CATEGORY_VALUES = 40  # a column with more distinct values is an identifier, not a category


def run_categories(run: SegmentationRun, k: int | None = None) -> dict[str, list[str]]:
    """Categorical customer columns of the run's members and their values (one query).

    Text values of `Customer.attributes` and `Customer.sensitive`, spellings of
    one name under its canonical key (`customer_columns.category_values`); a value held
    by fewer than k members is left out (it would single people out), and so is
    a column with more than MAX_CATEGORY_VALUES values.
    """
    k = personas.min_group_size() if k is None else k
    counts: dict[str, Counter] = {}
    declared = declared_sensitive_names()
    rows = Membership.objects.filter(run=run).values_list(
        "customer__attributes", "customer__sensitive"
    )
    for attributes, sensitive in rows:
        for column, value in category_values(attributes, sensitive, declared=declared).items():
            counts.setdefault(column, Counter())[value.strip().lower()] += 1
    return {
        column: sorted(v for v, n in found.items() if n >= k)
        for column, found in counts.items()
        if 1 < len(found) <= MAX_CATEGORY_VALUES and any(n >= k for n in found.values())
    }
