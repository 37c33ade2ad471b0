"""The persona explainer: one explanation per segment of a fitted segmentation.

Per segment it gives traits (duplicates said once), the topics it brings up
more often than everyone, its sentiment summary (shares first, then the mean),
the subject words it is truly distinctive for, quotes, rules, representative
customers, feature means, a name and a description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nlp.explain.describe import NOTABLE_LIFT
from nlp.explain.features import (
    TOPIC_PREFIX,
    humanise,
    interpretable_features,
    is_flag,
    kind_of,
    topic_keywords,
)
from nlp.explain.mood import sentiment_summary
from nlp.explain.naming import SMALL_NAME, name_personas
from nlp.explain.numbers import rounded
from nlp.explain.quotes import central_quotes, representatives
from nlp.explain.rules import fidelity, segment_rules
from nlp.explain.traits import (
    duplicate_features,
    segment_traits,
    similar_pairs,
    without_duplicates,
)
from nlp.explain.vocabulary import Vocabulary, tokens

NAME_TOPIC_SHARE = 0.15  # a topic names a persona only in this share of its documents …
NAME_TOPIC_LIFT = 1.5  # … and this much more often than in everyone's
MAX_SUBJECTS = 4


@dataclass
class Explanation:
    """Per-segment explanation dicts (keyed by segment number) and the run-level context."""

    profiles: dict[int, dict[str, Any]]
    context: dict[str, Any]
    features: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)


class PersonaExplainer:
    """Explain every segment of a fitted segmentation (see the package docstring).

    Configuration only in ``__init__``; :meth:`explain` does the work.
    """

    def __init__(
        self,
        *,
        min_group_size: int = 10,
        seed: int = 42,
        max_topics: int = 8,
        min_topic_share: float = 0.03,
        n_quotes: int = 5,
        max_rules: int = 3,
        max_depth: int = 3,
        min_leaf_share: float = 0.02,
        n_representatives: int = 5,
    ) -> None:
        self.min_group_size = min_group_size
        self.seed = seed
        self.max_topics = max_topics
        self.min_topic_share = min_topic_share
        self.n_quotes = n_quotes
        self.max_rules = max_rules
        self.max_depth = max_depth
        self.min_leaf_share = min_leaf_share
        self.n_representatives = n_representatives

    def explain(
        self,
        *,
        customer_ids: Sequence[Any],
        labels: np.ndarray,
        behaviour: pd.DataFrame | None,
        doc_customers: Sequence[Any],
        doc_topics: np.ndarray | None,
        doc_sentiment: np.ndarray | None,
        topic_labels: Mapping[int, str] | None = None,
        probabilities: np.ndarray | None = None,
        doc_embeddings: np.ndarray | None = None,
        doc_texts: Sequence[str] | None = None,
        space: np.ndarray | None = None,
    ) -> Explanation:
        """Explain each segment (label >= 0) of ``labels``, one per customer of ``customer_ids``.

        Documents are given as parallel arrays (owner, topic, sentiment, and
        optionally embedding and text); quotes are positions in them. ``space``
        is the customers' position in the clustering space (or the 2-D map),
        for representative customers.
        """
        ids = [str(c) for c in customer_ids]
        labels = np.asarray(labels, dtype=int)
        n = len(ids)
        probabilities = np.ones(n) if probabilities is None else np.asarray(probabilities, float)
        topic_labels = {int(k): str(v) for k, v in (topic_labels or {}).items()}
        doc_topics = (
            np.full(len(doc_customers), -1) if doc_topics is None else np.asarray(doc_topics)
        )
        doc_sentiment = (
            np.full(len(doc_customers), np.nan)
            if doc_sentiment is None
            else np.asarray(doc_sentiment, float)
        )
        features = interpretable_features(
            behaviour, doc_customers, doc_topics, doc_sentiment, sorted(topic_labels), ids
        )
        context = self._context(features, topic_labels)
        filled = features.fillna({f: s["median"] for f, s in context["features"].items()
                                  if s["median"] is not None}).fillna(0.0)  # fmt: skip
        similar = similar_pairs(filled)
        duplicates = duplicate_features(context["features"], similar)
        context["duplicates"] = duplicates
        vocabulary = Vocabulary(doc_texts, doc_sentiment) if doc_texts is not None else None
        owner = pd.Index(ids).get_indexer(pd.Index([str(c) for c in doc_customers]))
        doc_segment = np.where(owner >= 0, labels[np.maximum(owner, 0)], -1)
        sizes = pd.Series(labels[labels >= 0]).value_counts()
        means = features.groupby(labels).mean()
        profiles: dict[int, dict[str, Any]] = {}
        for number in sorted(int(s) for s in sizes.index):
            size = int(sizes[number])
            if size < self.min_group_size:
                profiles[number] = _small_profile(number, size, self.min_group_size)
                continue
            members = labels == number
            mine = np.flatnonzero(doc_segment == number)
            summary = sentiment_summary(doc_sentiment[mine])
            top_topics = self._top_topics(
                number, doc_segment, doc_topics, doc_sentiment, owner, topic_labels
            )
            profile = {
                "segment": number,
                "size": size,
                "share": round(size / n, 4) if n else 0.0,
                "small": False,
                "documents": int(len(mine)),
                "traits": without_duplicates(
                    segment_traits(means.loc[number], context["features"]), duplicates
                ),
                "top_topics": top_topics,
                "subjects": _subjects(top_topics, mine, vocabulary),
                "sentiment_summary": summary,
                "sentiment": summary["mean"] if summary else None,
                "sentiment_mix": dict(summary["mix"]) if summary else {},
                "quotes": central_quotes(
                    mine, owner, doc_embeddings, doc_texts, n_quotes=self.n_quotes
                ),
                "representative_customers": representatives(
                    members, probabilities, space, ids, n=self.n_representatives
                ),
                "feature_means": {
                    f: rounded(v) for f, v in means.loc[number].items() if rounded(v) is not None
                },  # fmt: skip
            }
            profile["rules"], profile["surrogate"] = segment_rules(
                filled, members, context["features"], min_group_size=self.min_group_size,
                min_leaf_share=self.min_leaf_share, max_depth=self.max_depth,
                max_rules=self.max_rules, seed=self.seed,
            )  # fmt: skip
            profiles[number] = profile
        name_personas(profiles, context, similar=similar)
        context["rule_fidelity"] = fidelity(profiles)
        return Explanation(profiles=profiles, context=context, features=features)

    def _context(self, features: pd.DataFrame, topic_labels: dict[int, str]) -> dict[str, Any]:
        stats = pd.DataFrame({"mean": features.mean(), "std": features.std(ddof=0),
                              "median": features.median()})  # fmt: skip
        described = {}
        for feature, row in stats.iterrows():
            kind = kind_of(feature)
            if kind == "topic":
                label = topic_labels.get(int(feature[len(TOPIC_PREFIX) :]), feature)
            elif kind == "sentiment":
                label = "Mean sentiment"
            else:
                label = humanise(feature)
            described[feature] = {
                "label": label,
                "kind": kind,
                "mean": rounded(row["mean"]),
                "std": rounded(row["std"]),
                "median": rounded(row["median"]),
            }
            if kind == "behaviour" and is_flag(features[feature]):
                described[feature]["flag"] = True
        return {"features": described, "min_group_size": int(self.min_group_size)}

    def _top_topics(self, number, doc_segment, doc_topics, doc_sentiment, owner, labels):
        """Topics the segment brings up more often than everyone (lift >= NOTABLE_LIFT).

        Only topics with support: a share of the segment's documents and at
        least k writers; ranked by lift, each with the segment's sentiment on it.
        """
        topical = doc_topics >= 0
        if not topical.any():
            return []
        overall = pd.Series(doc_topics[topical]).value_counts(normalize=True)
        mine = topical & (doc_segment == number)
        if not mine.any():
            return []
        docs = pd.DataFrame({"topic": doc_topics[mine], "sentiment": doc_sentiment[mine],
                             "owner": owner[mine]})  # fmt: skip
        grouped = docs.groupby("topic").agg(
            documents=("owner", "size"),
            sentiment=("sentiment", "mean"),
            customers=("owner", "nunique"),
        )
        grouped["share"] = grouped["documents"] / mine.sum()
        grouped["lift"] = grouped["share"] / overall.reindex(grouped.index)
        grouped = grouped[(grouped["share"] >= self.min_topic_share)
                          & (grouped["customers"] >= self.min_group_size)
                          & (grouped["lift"].round(3) >= NOTABLE_LIFT)]  # fmt: skip
        grouped = grouped.sort_values(["lift", "share"], ascending=False, kind="stable")
        rows = []
        for t, row in grouped.head(self.max_topics).iterrows():
            summary = sentiment_summary(docs.loc[docs["topic"] == t, "sentiment"].to_numpy())
            rows.append(
                {
                    "topic": int(t),
                    "label": labels.get(int(t), f"Topic {t}"),
                    "share": round(float(row["share"]), 4),
                    "lift": rounded(row["lift"], 3),
                    "sentiment": summary["mean"] if summary else None,
                    "sentiment_mix": dict(summary["mix"]) if summary else {},
                    "mood": summary["words"] if summary else None,
                    "customers": int(row["customers"]),
                }
            )
        return rows


def _subjects(
    top_topics: list[dict[str, Any]], docs: np.ndarray, vocabulary: Vocabulary | None
) -> list[str]:
    """Words that may name the segment, best first.

    First the words of topics truly distinctive of it (in NAME_TOPIC_SHARE of
    its documents and NAME_TOPIC_LIFT times as often as in everyone's), each
    word itself distinctive of the segment's texts; then the segment's most
    distinctive words. Without texts, topic words only, as content words.
    """
    naming = [
        t for t in top_topics if t["share"] >= NAME_TOPIC_SHARE and t["lift"] >= NAME_TOPIC_LIFT
    ]
    naming.sort(key=lambda t: (-t["share"] * np.log(t["lift"]), t["topic"]))
    group = vocabulary.frequencies(docs) if vocabulary is not None and len(docs) else None
    words: list[str] = []
    for topic in naming:
        for keyword in topic_keywords(topic["label"]):
            for word in tokens(keyword):
                if vocabulary is None:
                    ok = _plain_content_word(word)
                else:
                    ok = group is not None and vocabulary.is_distinctive(word, group)
                if ok and word not in words:
                    words.append(word)
    if group is None:
        return words[:MAX_SUBJECTS]
    # the topics' words, most distinctive of the segment first; then its other distinctive words
    words.sort(key=lambda w: (-vocabulary.distinctiveness(w, group), w))
    words += [w for w in vocabulary.distinctive_words(group) if w not in words]
    words = [vocabulary.singular(w) for w in words]
    words = [w for i, w in enumerate(words) if w not in words[:i]]
    return words[:MAX_SUBJECTS]


def _plain_content_word(word: str) -> bool:
    from nlp.explain.vocabulary import mood_lexicon, stop_words

    return len(word) >= 3 and word not in stop_words() and word not in mood_lexicon()


def _small_profile(number: int, size: int, k: int) -> dict[str, Any]:
    return {
        "segment": number,
        "size": size,
        "small": True,
        "name": SMALL_NAME,
        "description": f"A small segment (fewer than {k} customers): its details are not shown.",
        "traits": [],
        "top_topics": [],
        "subjects": [],
        "quotes": [],
        "rules": [],
        "representative_customers": [],
        "feature_means": {},
    }
