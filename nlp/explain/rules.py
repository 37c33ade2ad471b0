"""Rules: how to recognise a segment, as short conditions a person can check.

The leaf paths of a shallow one-vs-rest surrogate decision tree, simplified
(tightest bound per feature), rendered as text, with precision, coverage and
support measured on the fitted customers with the rounded thresholds the text
states.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from nlp.explain.features import kind_of, topic_phrase
from nlp.explain.numbers import fmt

_SMALL_SHARE = 0.2  # topic-share thresholds below this read as "writes about" / "rarely"


def segment_rules(
    X: pd.DataFrame,
    members: np.ndarray,
    features: dict[str, dict],
    *,
    min_group_size: int,
    min_leaf_share: float,
    max_depth: int,
    max_rules: int,
    seed: int,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The best few rules describing ``members`` among all rows of ``X``, and their union's scores.

    Rules covering fewer than ``min_group_size`` members, or no more precise
    than the base rate, are dropped.
    """
    from sklearn.tree import DecisionTreeClassifier

    n = len(members)
    if X.shape[1] == 0 or members.all() or not members.any():
        return [], {"precision": None, "coverage": None, "f1": None}
    min_leaf = max(int(min_group_size), math.ceil(min_leaf_share * n), 1)
    tree = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=min_leaf, class_weight="balanced", random_state=seed
    ).fit(X.to_numpy(), members)
    values = X.to_numpy()
    names = list(X.columns)
    rules = []
    for path in _positive_leaf_paths(tree):
        conditions = _simplify(path, names)
        rule = _measure(conditions, values, names, members)
        if rule["support"] and rule["covered_members"] >= min_group_size:
            rule["conditions"] = [_render(c, features) for c in conditions]
            rule["text"] = " and ".join(c["text"] for c in rule["conditions"])
            rules.append(rule)
    base_rate = members.mean()
    rules = [r for r in rules if r["precision"] > base_rate]
    rules.sort(key=lambda r: (-r["f1"], -r["coverage"], r["text"]))
    if rules:
        best = rules[0]["f1"]
        rules = [r for r in rules[:max_rules] if r["f1"] >= 0.5 * best]
    union = np.zeros(n, dtype=bool)
    for r in rules:
        union |= _covers(r["conditions"], values, names)
    kept = [{k: r[k] for k in ("text", "conditions", "precision", "coverage", "support")}
            for r in rules]  # fmt: skip
    return kept, _scores(union, members)


def satisfies(values, rule) -> bool:
    """Whether feature ``values`` (a mapping) meet every condition of ``rule``."""
    for c in rule.get("conditions", []):
        value = values.get(c["feature"])
        if value is None:
            return False
        if (value <= c["threshold"]) != (c["op"] == "<="):
            return False
    return True


def fidelity(profiles: dict[int, dict]) -> float | None:
    """Size-weighted F1 of each segment's kept rules against its members."""
    pairs = [(p["size"], p["surrogate"]["f1"]) for p in profiles.values()
             if not p["small"] and p.get("surrogate", {}).get("f1") is not None]  # fmt: skip
    total = sum(size for size, _ in pairs)
    return round(sum(size * f1 for size, f1 in pairs) / total, 4) if total else None


def _positive_leaf_paths(tree) -> list[list[tuple[int, str, float]]]:
    """Condition paths (feature index, op, threshold) of leaves predicting the segment."""
    t = tree.tree_
    positive = list(tree.classes_).index(True) if True in tree.classes_ else None
    if positive is None:
        return []
    paths, stack = [], [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = t.children_left[node], t.children_right[node]
        if left == -1:
            if np.argmax(t.value[node][0]) == positive:
                paths.append(path)
            continue
        feature, threshold = int(t.feature[node]), float(t.threshold[node])
        stack.append((right, [*path, (feature, ">", threshold)]))
        stack.append((left, [*path, (feature, "<=", threshold)]))
    return paths


def _simplify(path, names) -> list[dict[str, Any]]:
    """Merge repeated bounds on one feature (tightest wins); thresholds rounded to 3 digits."""
    bounds: dict[tuple[int, str], float] = {}
    for feature, op, threshold in path:
        key = (feature, op)
        if key not in bounds:
            bounds[key] = threshold
        else:
            bounds[key] = min(bounds[key], threshold) if op == "<=" else max(bounds[key], threshold)
    ordered = sorted(bounds.items(), key=lambda item: (_path_index(path, item[0]), item[0][1]))
    return [
        {"feature": names[feature], "op": op, "threshold": _nice(threshold)}
        for (feature, op), threshold in ordered
    ]


def _path_index(path, key) -> int:
    """Position of the first split on ``key`` (feature, op) in a path, to keep the tree's order."""
    return next(i for i, (f, op, _) in enumerate(path) if (f, op) == key)


def _nice(value: float) -> float:
    return float(f"{value:.3g}") if value else 0.0


def _covers(conditions, values: np.ndarray, names: list[str]) -> np.ndarray:
    mask = np.ones(len(values), dtype=bool)
    for c in conditions:
        column = values[:, names.index(c["feature"])]
        mask &= column <= c["threshold"] if c["op"] == "<=" else column > c["threshold"]
    return mask


def _measure(conditions, values, names, members) -> dict[str, Any]:
    covered = _covers(conditions, values, names)
    scores = _scores(covered, members)
    return {
        "precision": scores["precision"] or 0.0,
        "coverage": scores["coverage"] or 0.0,
        "f1": scores["f1"] or 0.0,
        "support": int(covered.sum()),
        "covered_members": int((covered & members).sum()),
    }


def _scores(covered: np.ndarray, members: np.ndarray) -> dict[str, float | None]:
    hit = int((covered & members).sum())
    support, size = int(covered.sum()), int(members.sum())
    if not support or not size:
        return {"precision": None, "coverage": None, "f1": None}
    precision, coverage = hit / support, hit / size
    f1 = 2 * precision * coverage / (precision + coverage) if hit else 0.0
    return {"precision": round(precision, 4), "coverage": round(coverage, 4), "f1": round(f1, 4)}


def _render(condition: dict[str, Any], features: dict[str, dict]) -> dict[str, Any]:
    """A condition with its label and a sentence fragment a person reads."""
    feature, op, threshold = condition["feature"], condition["op"], condition["threshold"]
    label = features.get(feature, {}).get("label", feature)
    kind = kind_of(feature)
    if kind == "topic":
        phrase = topic_phrase(label, "/")  # "and" joins the conditions
        if threshold < _SMALL_SHARE:
            text = f"writes about {phrase}" if op == ">" else f"rarely writes about {phrase}"
        else:
            bound = "more than" if op == ">" else "at most"
            text = f"writes about {phrase} in {bound} {threshold:.0%} of their documents"
    elif kind == "sentiment":
        sign = "≤" if op == "<=" else ">"
        if op == ">":
            mood = "writes positively on average" if threshold >= 0 else "is not strongly negative"
        else:
            mood = "writes negatively on average" if threshold <= 0 else "is not very positive"
        text = f"{mood} (mean sentiment {sign} {threshold:+.2f})"
    else:
        sign = "≤" if op == "<=" else ">"
        text = f"{label} {sign} {fmt(threshold)}"
    return {**condition, "label": label, "text": text}
