"""Traits: how a segment differs from everyone, each measured thing said once.

A trait is a standardised mean difference against all customers. Behaviour
columns that measure the same thing (strongly correlated over customers, or
the same label once humanised, such as "Average basket" and "Average order
value") are one trait, shown under the more readable label.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nlp.explain.features import SENTIMENT, kind_of
from nlp.explain.numbers import rounded

NOTABLE_EFFECT = 0.3  # |standardised difference| from which a trait is worth a word
DUPLICATE_CORRELATION = 0.9  # |Pearson r| from which two columns measure the same thing


def segment_traits(means: pd.Series, features: dict[str, dict]) -> list[dict[str, Any]]:
    """Every non-topic feature's standardised difference for one segment, strongest first."""
    traits = []
    for feature, value in means.items():
        stats = features[feature]
        if stats["kind"] == "topic" or value is None or pd.isna(value):
            continue
        if not stats["std"] or stats["mean"] is None:
            continue
        effect = (float(value) - stats["mean"]) / stats["std"]
        traits.append(
            {
                "feature": feature,
                "label": stats["label"],
                "segment_mean": rounded(value),
                "population_mean": stats["mean"],
                "effect_size": round(effect, 3),
                "direction": "higher" if effect >= 0 else "lower",
            }
        )
    traits.sort(key=lambda t: (-abs(t["effect_size"]), t["feature"]))
    return traits


def similar_pairs(
    features: pd.DataFrame, threshold: float = DUPLICATE_CORRELATION
) -> frozenset[frozenset[str]]:
    """Pairs of behaviour features that move together (|Pearson r| >= threshold)."""
    columns = [c for c in features.columns if kind_of(c) == "behaviour"]
    if len(columns) < 2:
        return frozenset()
    values = features[columns].to_numpy(dtype=float)
    spread = values.std(axis=0) > 0
    columns = [c for c, keep in zip(columns, spread, strict=True) if keep]
    if len(columns) < 2:
        return frozenset()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(values[:, spread], rowvar=False)
    rows, cols = np.nonzero(np.triu(np.abs(np.nan_to_num(r)) >= threshold, k=1))
    return frozenset(frozenset((columns[i], columns[j])) for i, j in zip(rows, cols, strict=True))


def duplicate_features(
    features: dict[str, dict], similar: frozenset[frozenset[str]]
) -> dict[str, str]:
    """Feature -> the feature it duplicates and that is shown instead (the more readable one).

    Two behaviour features are duplicates when ``similar`` pairs them or their
    labels read the same. Of a group of duplicates the most readable label
    (fewest words, then shortest, then name) stands for all.
    """
    behaviour = sorted(f for f, s in features.items() if s.get("kind") == "behaviour")
    parent = {f: f for f in behaviour}

    def root(f: str) -> str:
        while parent[f] != f:
            f = parent[f]
        return f

    by_label: dict[str, str] = {}
    for f in behaviour:
        label = " ".join(str(features[f].get("label", f)).lower().split())
        if label in by_label:
            parent[root(f)] = root(by_label[label])
        else:
            by_label[label] = f
    for pair in similar:
        a, b = sorted(pair)
        if a in parent and b in parent and root(a) != root(b):
            parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for f in behaviour:
        groups.setdefault(root(f), []).append(f)
    shown: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        best = min(members, key=lambda f: _readability(features[f].get("label", f), f))
        shown.update({f: best for f in members if f != best})
    return shown


def _readability(label: str, feature: str) -> tuple[int, int, str]:
    words = str(label).split()
    return (len(words), len(str(label)), feature)


def without_duplicates(
    traits: list[dict[str, Any]], duplicates: dict[str, str]
) -> list[dict[str, Any]]:
    """Traits with every duplicate feature dropped (its more readable twin stays)."""
    return [t for t in traits if t["feature"] not in duplicates]


def notable(traits: list[dict[str, Any]], threshold: float = NOTABLE_EFFECT) -> list[dict]:
    """Traits whose standardised difference is at least ``threshold``."""
    return [t for t in traits if abs(t["effect_size"]) >= threshold]


def behaviour_traits(traits: list[dict[str, Any]], threshold: float = NOTABLE_EFFECT) -> list:
    """Notable traits other than sentiment, strongest first."""
    return [t for t in notable(traits, threshold) if t["feature"] != SENTIMENT]
