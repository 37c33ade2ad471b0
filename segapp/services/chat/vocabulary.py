"""The run's vocabulary for the chat: segment names, topics and measures, built once per run.

The interpreter (`nlp.chat`) links the words of a question to it. Segments
below k are listed by number only ("Small segment (fewer than k)"), so the chat
can say it does not report on them without revealing their name or traits.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from segapp.models import Segment, SegmentationRun, Topic
from segapp.selectors import personas

if TYPE_CHECKING:
    from nlp.chat.vocabulary import Vocabulary

_CACHE: dict[tuple, Vocabulary] = {}
_LOCK = threading.Lock()
_KEEP = 8  # runs whose vocabulary is kept in memory


def vocabulary_key(run: SegmentationRun, k: int | None = None) -> tuple:
    """What a run's vocabulary depends on: the run, k and when it finished."""
    k = personas.min_group_size() if k is None else k
    return (run.pk, k, run.finished_at.isoformat() if run.finished_at else "")


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
            }
        )
    topics = list(
        Topic.objects.filter(run=run).order_by("number").values("number", "label", "keywords")
    )
    features = (run.explain_context or {}).get("features") or {}
    vocabulary = Vocabulary.from_parts(personas=rows, topics=topics, features=features)
    with _LOCK:
        if len(_CACHE) >= _KEEP:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = vocabulary
    return vocabulary


def forget() -> None:
    """Drop every cached vocabulary (tests start from a fresh database)."""
    with _LOCK:
        _CACHE.clear()
