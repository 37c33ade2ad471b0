"""Coarse parent topics: keywords and a label for each group of nested topics.

A group's keywords come from c-TF-IDF over the documents of all its topics,
against the documents of every other group, of topics outside any group and
of no topic, so that they say what sets the group apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nlp.topics.describe import Topic, representatives, unit_rows
from nlp.topics.keywords import readable_keywords
from nlp.topics.library import load_bertopic

__all__ = ["describe_groups"]

Labeller = Callable[[list[str], Sequence[str], np.ndarray], str]


def describe_groups(
    documents: list[str],
    unit: np.ndarray,
    topics: np.ndarray,
    parents: dict[int, int],
    *,
    n_topics: int,
    vectorizer: Any,
    mood_words: frozenset[str],
    label: Labeller,
    n_candidate_words: int,
) -> list[Topic]:
    """One :class:`Topic` per group in ``parents`` (topic -> group), numbered after the topics.

    ``topics`` is the topic of each document (``-1`` for none) out of
    ``n_topics``, ``unit`` its unit-length embedding;
    ``label(keywords, documents, members)`` names a group from its keywords
    and member documents.
    """
    if not parents:
        return []
    load_bertopic()
    from bertopic.vectorizers import ClassTfidfTransformer

    n_groups = max(parents.values()) + 1
    # Topics outside any group and documents without topic are classes of
    # their own, so that group keywords say what sets the group apart.
    group_of_doc = np.array(
        [parents.get(int(t), n_groups) if t >= 0 else n_groups + 1 for t in topics]
    )
    classes = [g for g in range(n_groups + 2) if np.any(group_of_doc == g)]
    joined = [" \n ".join(documents[i] for i in np.flatnonzero(group_of_doc == g)) for g in classes]
    counts = vectorizer.transform(joined)
    weights = ClassTfidfTransformer().fit_transform(counts)
    words = vectorizer.get_feature_names_out()
    groups = []
    for row, group in enumerate(classes):
        if group >= n_groups:
            continue
        scores = np.asarray(weights[row].todense()).ravel()
        top = np.argsort(-scores)[:n_candidate_words]
        keywords = readable_keywords(
            [(words[j], float(scores[j])) for j in top], excluded=mood_words
        )
        members = np.flatnonzero(group_of_doc == group)
        centroid = unit_rows(unit[members].mean(axis=0, keepdims=True))[0]
        groups.append(
            Topic(
                topic_id=n_topics + group,
                label=label(keywords, documents, members),
                keywords=keywords,
                size=len(members),
                representative_docs=representatives(members, unit, centroid, documents),
                parent_id=None,
            )
        )
    return groups
