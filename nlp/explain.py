"""Personas: what makes each segment distinctive, in words a product manager reads.

:class:`PersonaExplainer` turns a fitted segmentation into one explanation per
segment, built on *interpretable features* (:func:`interpretable_features`):
every numeric behaviour column under its own name, ``"topic:<n>"`` (the share
of a customer's documents in topic n) and ``"sentiment"`` (the mean compound
sentiment of their documents). Per segment it gives

- ``traits``: standardised mean differences against all customers
  ((segment mean - population mean) / population std), strongest first;
- ``top_topics``: topics ranked by lift (share in the segment ÷ share overall),
  only those with enough support (a share of the segment's documents and a
  number of writers), with the segment's sentiment on each;
- ``quotes``: positions of documents near the segment's centre in embedding
  space, kept diverse (no near-duplicates, different customers first);
- ``rules``: leaf paths of a shallow one-vs-rest surrogate decision tree,
  simplified, rendered as text, with precision, coverage and support measured
  on the fitted customers with the rounded thresholds the text states;
- ``representative_customers``, ``feature_means``, a deterministic ``name``
  (unique within the run) and ``description``.

Segments smaller than ``min_group_size`` (k-anonymity) are marked ``small``
and get no aggregate, quote, rule or representative at all.
:func:`explain_customer` says why one customer belongs to a segment.
Nothing here knows the demo data: names come from column names and topic
labels through generic phrase rules, whatever the data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Explanation",
    "PersonaExplainer",
    "explain_customer",
    "humanise",
    "interpretable_features",
    "name_personas",
]

SENTIMENT = "sentiment"
TOPIC_PREFIX = "topic:"
SMALL_NAME = "Small segment"
NOTABLE_EFFECT = 0.3  # |standardised difference| from which a trait is worth a word
NOTABLE_LIFT = 1.2  # a topic is "talked about more" from this lift
_MIN_QUOTE_WORDS = 6
_QUOTE_CANDIDATES = 200
_SMALL_SHARE = 0.2  # topic-share thresholds below this read as "writes about" / "rarely"


# --- interpretable features ------------------------------------------------------------------


def interpretable_features(
    behaviour: pd.DataFrame | None,
    doc_customers: Sequence[Any],
    doc_topics: Sequence[int] | np.ndarray | None,
    doc_sentiment: Sequence[float] | np.ndarray | None,
    topic_ids: Sequence[int],
    customer_ids: Sequence[Any],
) -> pd.DataFrame:
    """One row per customer: numeric behaviour columns, ``topic:<n>`` shares and ``sentiment``.

    Topic shares are over all the customer's documents (0 without documents);
    ``sentiment`` is their mean compound score (NaN without documents). Missing
    behaviour values stay NaN: callers fill them with the population median.
    Used at fit time for everyone and by the selectors for one customer.
    """
    ids = pd.Index([str(c) for c in customer_ids])
    n = len(ids)
    frame = _behaviour_block(behaviour, ids)
    owner = ids.get_indexer(pd.Index([str(c) for c in doc_customers]))
    known = owner >= 0
    counts = np.bincount(owner[known], minlength=n).astype(float)
    topic_ids = [int(t) for t in topic_ids]
    if topic_ids:
        topics = np.asarray(doc_topics if doc_topics is not None else [], dtype=int)[known]
        column = pd.Index(topic_ids).get_indexer(topics)
        inside = column >= 0
        flat = owner[known][inside] * len(topic_ids) + column[inside]
        tally = np.bincount(flat, minlength=n * len(topic_ids)).reshape(n, len(topic_ids))
        shares = tally / np.maximum(counts, 1.0)[:, None]
        for j, t in enumerate(topic_ids):
            frame[f"{TOPIC_PREFIX}{t}"] = shares[:, j]
    scores = np.asarray(doc_sentiment if doc_sentiment is not None else [], dtype=float)
    if len(scores) == len(owner):
        total = np.bincount(owner[known], weights=scores[known], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            frame[SENTIMENT] = np.where(counts > 0, total / counts, np.nan)
    else:
        frame[SENTIMENT] = np.nan
    return frame


def _behaviour_block(behaviour: pd.DataFrame | None, ids: pd.Index) -> pd.DataFrame:
    if behaviour is None or behaviour.shape[1] == 0:
        return pd.DataFrame(index=ids)
    numeric = behaviour.select_dtypes(include="number").select_dtypes(exclude="bool")
    numeric = numeric[[c for c in numeric.columns if c != SENTIMENT and not _is_topic(c)]]
    numeric = numeric.copy()
    numeric.index = numeric.index.astype(str)
    numeric.columns = [str(c) for c in numeric.columns]
    return numeric.reindex(ids).astype(float)


def _is_topic(feature: Any) -> bool:
    return str(feature).startswith(TOPIC_PREFIX)


def _kind(feature: str) -> str:
    if feature == SENTIMENT:
        return "sentiment"
    return "topic" if _is_topic(feature) else "behaviour"


# --- labels ----------------------------------------------------------------------------------

_WORDS = {"avg": "average", "qty": "quantity", "num": "number of", "pct": "percent",
          "cnt": "count", "amt": "amount", "yr": "year"}  # fmt: skip
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years", "h": "hours"}


def humanise(column: str) -> str:
    """A readable label for a column name: ``spend_12m`` -> ``Spend (12 months)``."""
    words, periods = [], []
    for token in _tokens(column):
        period = re.fullmatch(r"(\d+)([dwmyh])", token)
        if period:
            periods.append(f"({period.group(1)} {_UNITS[period.group(2)]})")
        else:
            words.append(_WORDS.get(token, token))
    text = " ".join(words + periods) or str(column)
    return text[:1].upper() + text[1:]


def _tokens(column: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(column))
    return [t for t in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if t]


def _topic_keywords(label: str) -> list[str]:
    return [k.strip() for k in str(label).split("·") if k.strip()]


def _topic_phrase(label: str, joiner: str = " and ") -> str:
    keywords = _topic_keywords(label)
    return joiner.join(keywords[:2]) if keywords else str(label)


# --- the explainer ---------------------------------------------------------------------------


@dataclass
class Explanation:
    """Per-segment explanation dicts (keyed by segment number) and the run-level context."""

    profiles: dict[int, dict[str, Any]]
    context: dict[str, Any]
    features: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)


class PersonaExplainer:
    """Explain every segment of a fitted segmentation (see the module docstring).

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
            mine = doc_segment == number
            profile = {
                "segment": number,
                "size": size,
                "share": round(size / n, 4) if n else 0.0,
                "small": False,
                "traits": _traits(means.loc[number], context["features"]),
                "top_topics": self._top_topics(
                    number, doc_segment, doc_topics, doc_sentiment, owner, topic_labels
                ),
                "quotes": self._quotes(np.flatnonzero(mine), owner, doc_embeddings, doc_texts),
                "representative_customers": self._representatives(
                    members, probabilities, space, ids
                ),
                "feature_means": {
                    f: _round(v) for f, v in means.loc[number].items() if _round(v) is not None
                },  # fmt: skip
            }
            profile["rules"], profile["surrogate"] = self._rules(filled, members, context)
            profiles[number] = profile
        name_personas(profiles, context, similar=_similar_pairs(filled))
        context["rule_fidelity"] = _fidelity(profiles)
        return Explanation(profiles=profiles, context=context, features=features)

    # -- context and traits

    def _context(self, features: pd.DataFrame, topic_labels: dict[int, str]) -> dict[str, Any]:
        stats = pd.DataFrame({"mean": features.mean(), "std": features.std(ddof=0),
                              "median": features.median()})  # fmt: skip
        described = {}
        for feature, row in stats.iterrows():
            kind = _kind(feature)
            if kind == "topic":
                label = topic_labels.get(int(feature[len(TOPIC_PREFIX) :]), feature)
            elif kind == "sentiment":
                label = "Mean sentiment"
            else:
                label = humanise(feature)
            described[feature] = {
                "label": label,
                "kind": kind,
                "mean": _round(row["mean"]),
                "std": _round(row["std"]),
                "median": _round(row["median"]),
            }
        return {"features": described, "min_group_size": int(self.min_group_size)}

    # -- topics

    def _top_topics(self, number, doc_segment, doc_topics, doc_sentiment, owner, labels):
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
                          & (grouped["customers"] >= self.min_group_size)]  # fmt: skip
        grouped = grouped.sort_values(["lift", "share"], ascending=False, kind="stable")
        return [
            {
                "topic": int(t),
                "label": labels.get(int(t), f"Topic {t}"),
                "share": round(float(row["share"]), 4),
                "lift": _round(row["lift"], 3),
                "sentiment": _round(row["sentiment"]),
                "customers": int(row["customers"]),
            }
            for t, row in grouped.head(self.max_topics).iterrows()
        ]

    # -- quotes and representatives

    def _quotes(self, docs, owner, embeddings, texts) -> list[int]:
        if embeddings is None or len(docs) == 0:
            return []
        vectors = np.asarray(embeddings, dtype=float)[docs]
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        centre = vectors.mean(axis=0)
        centre = centre / max(np.linalg.norm(centre), 1e-12)
        order = np.argsort(-(vectors @ centre), kind="stable")[:_QUOTE_CANDIDATES]
        long_enough = [
            texts is None or len(str(texts[docs[i]]).split()) >= _MIN_QUOTE_WORDS for i in order
        ]
        chosen: list[int] = []
        for new_customer, wordy in ((True, True), (False, True), (False, False)):
            for i, ok in zip(order, long_enough, strict=True):
                if len(chosen) >= self.n_quotes:
                    return [int(docs[c]) for c in chosen]
                if i in chosen or (wordy and not ok):
                    continue
                if new_customer and owner[docs[i]] in {owner[docs[c]] for c in chosen}:
                    continue
                if chosen and float(np.max(vectors[chosen] @ vectors[i])) > 0.9:
                    continue
                if texts is not None and any(
                    _near_duplicate(texts[docs[i]], texts[docs[c]]) for c in chosen
                ):
                    continue
                chosen.append(int(i))
        return [int(docs[c]) for c in chosen]

    def _representatives(self, members, probabilities, space, ids) -> list[str]:
        rows = np.flatnonzero(members)
        if space is None or len(rows) == 0:
            return []
        points = np.asarray(space, dtype=float)[rows]
        weights = np.clip(probabilities[rows], 1e-3, None)
        centre = (points * weights[:, None]).sum(axis=0) / weights.sum()
        distance = np.linalg.norm(points - centre, axis=1)
        score = distance * (2.0 - np.clip(probabilities[rows], 0.0, 1.0))
        best = np.argsort(score, kind="stable")[: self.n_representatives]
        return [ids[rows[i]] for i in best]

    # -- rules

    def _rules(self, X: pd.DataFrame, members: np.ndarray, context: dict) -> tuple[list, dict]:
        from sklearn.tree import DecisionTreeClassifier

        n = len(members)
        if X.shape[1] == 0 or members.all() or not members.any():
            return [], {"precision": None, "coverage": None, "f1": None}
        min_leaf = max(int(self.min_group_size), math.ceil(self.min_leaf_share * n), 1)
        tree = DecisionTreeClassifier(
            max_depth=self.max_depth,
            min_samples_leaf=min_leaf,
            class_weight="balanced",
            random_state=self.seed,
        ).fit(X.to_numpy(), members)
        values = X.to_numpy()
        names = list(X.columns)
        rules = []
        for path in _positive_leaf_paths(tree):
            conditions = _simplify(path, names)
            rule = _measure(conditions, values, names, members)
            if rule["support"] and rule["covered_members"] >= self.min_group_size:
                rule["conditions"] = [_render(c, context["features"]) for c in conditions]
                rule["text"] = " and ".join(c["text"] for c in rule["conditions"])
                rules.append(rule)
        base_rate = members.mean()
        rules = [r for r in rules if r["precision"] > base_rate]
        rules.sort(key=lambda r: (-r["f1"], -r["coverage"], r["text"]))
        if rules:
            best = rules[0]["f1"]
            rules = [r for r in rules[: self.max_rules] if r["f1"] >= 0.5 * best]
        union = np.zeros(n, dtype=bool)
        for r in rules:
            union |= _covers(r["conditions"], values, names)
        kept = [{k: r[k] for k in ("text", "conditions", "precision", "coverage", "support")}
                for r in rules]  # fmt: skip
        return kept, _scores(union, members)


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
    kind = _kind(feature)
    if kind == "topic":
        phrase = _topic_phrase(label, "/")  # "and" joins the conditions
        if threshold < _SMALL_SHARE:
            text = f"writes about {phrase}" if op == ">" else f"rarely writes about {phrase}"
        else:
            bound = "more than" if op == ">" else "at most"
            text = f"writes about {phrase} in {bound} {threshold:.0%} of their documents"
    elif kind == "sentiment":
        sign = "≤" if op == "<=" else ">"
        if op == ">":
            mood = "is mostly positive" if threshold >= 0 else "is not strongly negative"
        else:
            mood = "is mostly negative" if threshold <= 0 else "is not very positive"
        text = f"{mood} (mean sentiment {sign} {threshold:+.2f})"
    else:
        sign = "≤" if op == "<=" else ">"
        text = f"{label} {sign} {_fmt(threshold)}"
    return {**condition, "label": label, "text": text}


def _fidelity(profiles: dict[int, dict]) -> float | None:
    """Size-weighted F1 of each segment's kept rules against its members."""
    pairs = [(p["size"], p["surrogate"]["f1"]) for p in profiles.values()
             if not p["small"] and p.get("surrogate", {}).get("f1") is not None]  # fmt: skip
    total = sum(size for size, _ in pairs)
    return round(sum(size * f1 for size, f1 in pairs) / total, 4) if total else None


def _near_duplicate(a: str, b: str) -> bool:
    """Same words, give or take a few: word-set Jaccard similarity of at least 0.8."""
    left, right = set(_words(a)), set(_words(b))
    if not left or not right:
        return left == right
    return len(left & right) / len(left | right) >= 0.8


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", str(text).lower())


# --- traits ----------------------------------------------------------------------------------


def _traits(means: pd.Series, features: dict[str, dict]) -> list[dict[str, Any]]:
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
                "segment_mean": _round(value),
                "population_mean": stats["mean"],
                "effect_size": round(effect, 3),
                "direction": "higher" if effect >= 0 else "lower",
            }
        )
    traits.sort(key=lambda t: (-abs(t["effect_size"]), t["feature"]))
    return traits


def _small_profile(number: int, size: int, k: int) -> dict[str, Any]:
    return {
        "segment": number,
        "size": size,
        "small": True,
        "name": SMALL_NAME,
        "description": f"A small segment (fewer than {k} customers): its details are not shown.",
        "traits": [],
        "top_topics": [],
        "quotes": [],
        "rules": [],
        "representative_customers": [],
        "feature_means": {},
    }


# --- names and descriptions ------------------------------------------------------------------

# (tokens that identify the column's subject, persona when higher, persona when lower); the
# first entry whose test matches wins, so specific subjects come before general ones.
_PERSONAS: tuple[tuple[Any, str, str], ...] = (
    (lambda t: t & {"recency", "since", "lapsed", "inactive", "dormant"},
     "lapsed customers", "recent buyers"),
    (lambda t: t & {"tenure", "seniority"}, "long-standing customers", "newcomers"),
    (lambda t: t & {"return", "returns", "returned", "refund", "refunds"},
     "frequent returners", "low-return customers"),
    (lambda t: t & {"coupon", "coupons", "discount", "discounts", "promo", "voucher", "vouchers",
                    "deal", "deals"}, "coupon users", "full-price buyers"),
    (lambda t: (t & {"basket", "aov", "ticket"})
     or (t & {"avg", "average", "mean"} and t & {"order", "value", "spend", "purchase"}),
     "big-basket shoppers", "small-basket shoppers"),
    (lambda t: t & {"spend", "spent", "spending", "monetary", "revenue", "value", "ltv", "clv",
                    "sales"}, "big spenders", "light spenders"),
    (lambda t: t & {"sessions", "session", "visits", "visit", "logins", "login", "pageviews",
                    "app"}, "frequent visitors", "infrequent visitors"),
    (lambda t: t & {"orders", "order", "purchases", "purchase", "frequency", "transactions",
                    "transaction", "bookings"}, "frequent buyers", "occasional buyers"),
    (lambda t: t & {"events", "activity", "interactions", "engagement"},
     "very active customers", "quiet customers"),
    (lambda t: t & {"age"}, "older customers", "younger customers"),
)  # fmt: skip


def _persona_noun(trait: dict[str, Any]) -> str:
    tokens = set(_tokens(trait["feature"]))
    higher = trait["direction"] == "higher"
    for test, high, low in _PERSONAS:
        if test(tokens):
            return high if higher else low
    return f"customers with {'high' if higher else 'low'} {trait['label'].lower()}"


def _topic_word(topic: dict[str, Any]) -> str | None:
    keywords = _topic_keywords(topic["label"])
    word = keywords[0] if keywords else ""
    return word if re.fullmatch(r"[^\W\d_][\w'-]*", word) else None


def _base_name(profile: dict[str, Any]) -> str:
    traits = profile["traits"]
    behaviour = [
        t for t in traits if t["feature"] != SENTIMENT and abs(t["effect_size"]) >= NOTABLE_EFFECT
    ]
    mood = [
        t for t in traits if t["feature"] == SENTIMENT and abs(t["effect_size"]) >= NOTABLE_EFFECT
    ]
    if behaviour:
        noun = _persona_noun(behaviour[0])
    elif mood:
        noun = "happy customers" if mood[0]["direction"] == "higher" else "critical customers"
    else:
        noun = "customers"
    topics = [t for t in profile["top_topics"] if (t["lift"] or 0) >= NOTABLE_LIFT]
    if topics:
        word = _topic_word(topics[0])
        if word:
            return f"{word[:1].upper()}{word[1:]}-minded {noun}"
        return f"{noun[:1].upper()}{noun[1:]} talking about {_topic_phrase(topics[0]['label'])}"
    if noun == "customers":
        return "Mainstream customers"
    return noun[:1].upper() + noun[1:]


def _qualifier(profile: dict[str, Any], used_feature: str | None) -> str | None:
    notable = [t for t in _notable(profile["traits"]) if t["feature"] != used_feature]
    if not notable:
        return None
    trait = notable[0]
    return f"{'high' if trait['direction'] == 'higher' else 'low'} {trait['label'].lower()}"


def name_personas(
    profiles: dict[int, dict[str, Any]],
    context: dict[str, Any],
    *,
    similar: frozenset[frozenset[str]] = frozenset(),
) -> None:
    """Give each profile a ``name`` (unique) and ``description``, in place, deterministically.

    Larger segments are named first and keep the plain name; a later segment
    with the same name gets its next distinctive trait in brackets, else a numeral.
    ``similar`` pairs of features (near-duplicate columns) are mentioned once.
    """
    order = sorted(profiles.values(), key=lambda p: (-p["size"], p["segment"]))
    taken: set[str] = set()
    for profile in order:
        if profile["small"]:
            name = SMALL_NAME
        else:
            name = _base_name(profile)
            if name in taken:
                first = next(
                    (t["feature"] for t in profile["traits"] if t["feature"] != SENTIMENT), None
                )
                extra = _qualifier(profile, first)
                if extra and f"{name} ({extra})" not in taken:
                    name = f"{name} ({extra})"
            profile["description"] = describe(profile, similar=similar)
        profile["name"] = _numbered(name, taken)
        taken.add(profile["name"])


def _numbered(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"


def describe(profile: dict[str, Any], *, similar: frozenset[frozenset[str]] = frozenset()) -> str:
    """One paragraph from a profile's share, top topics, behaviour traits and tone.

    Of ``similar`` features (pairs of near-duplicate columns) only the stronger is named.
    """
    parts = [f"About {profile['share']:.0%} of customers."]
    topics = [t for t in profile["top_topics"] if (t["lift"] or 0) >= NOTABLE_LIFT][:2]
    if topics:
        said = [f"{_topic_phrase(t['label'])} ({t['lift']:.1f}x)" for t in topics]
        parts.append(f"They talk about {' and about '.join(said)} more than other customers.")
    behaviour: list[dict[str, Any]] = []
    for trait in _notable(profile["traits"]):
        if trait["feature"] == SENTIMENT or any(
            frozenset((trait["feature"], t["feature"])) in similar for t in behaviour
        ):
            continue
        behaviour.append(trait)
    behaviour = behaviour[:3]
    if behaviour:
        said = [f"{t['direction']} {t['label'].lower()} ({_fmt(t['segment_mean'])} vs "
                f"{_fmt(t['population_mean'])})" for t in behaviour]  # fmt: skip
        parts.append(f"Compared with all customers they have {_join(said)}.")
    mood = next((t for t in profile["traits"] if t["feature"] == SENTIMENT), None)
    if mood is not None and mood["segment_mean"] is not None:
        value = mood["segment_mean"]
        tone = (
            "mostly positive" if value > 0.05 else "mostly negative" if value < -0.05 else "neutral"
        )
        parts.append(f"Their tone is {tone} ({value:+.2f}).")
    if len(parts) == 1:
        parts.append("Nothing sets them clearly apart from the average customer.")
    return " ".join(parts)


def _similar_pairs(features: pd.DataFrame, threshold: float = 0.9) -> frozenset[frozenset[str]]:
    """Pairs of behaviour features that move together (|Pearson r| >= threshold)."""
    columns = [c for c in features.columns if _kind(c) == "behaviour"]
    if len(columns) < 2:
        return frozenset()
    values = features[columns].to_numpy(dtype=float)
    spread = values.std(axis=0) > 0
    columns = [c for c, keep in zip(columns, spread, strict=True) if keep]
    if len(columns) < 2:
        return frozenset()
    r = np.corrcoef(values[:, spread], rowvar=False)
    rows, cols = np.nonzero(np.triu(np.abs(r) >= threshold, k=1))
    return frozenset(frozenset((columns[i], columns[j])) for i, j in zip(rows, cols, strict=True))


def _notable(traits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in traits if abs(t["effect_size"]) >= NOTABLE_EFFECT]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --- one customer ----------------------------------------------------------------------------


def explain_customer(
    values: Mapping[str, float | None], profile: Mapping[str, Any], context: Mapping[str, Any]
) -> dict[str, Any]:
    """Why a customer belongs to a segment: the features pulling them towards it, and their rule.

    ``values`` holds the customer's interpretable features (missing ones count
    as the population median, as at fit). A feature pulls towards the segment
    when the value is nearer the segment's mean than the population's; the
    score is that difference of distances in population standard deviations.
    Features on which the segment hardly differs from everyone are left out.
    """
    stats = context.get("features", {})
    if profile.get("small"):
        return {"pulls": [], "rule": None}
    filled = {f: _value_or_median(values.get(f), stats.get(f, {})) for f in stats}
    pulls = []
    for feature, segment_mean in (profile.get("feature_means") or {}).items():
        s = stats.get(feature)
        value = filled.get(feature)
        if not s or value is None or not s.get("std") or s.get("mean") is None:
            continue
        if abs(segment_mean - s["mean"]) / s["std"] < 0.1:
            continue
        score = (abs(value - s["mean"]) - abs(value - segment_mean)) / s["std"]
        pulls.append(
            {
                "feature": feature,
                "label": s.get("label", feature),
                "value": round(float(value), 4),
                "segment_mean": segment_mean,
                "population_mean": s["mean"],
                "toward": score > 0,
                "score": round(float(score), 3),
            }
        )
    pulls.sort(key=lambda p: (-p["score"], p["feature"]))
    rule = next((r for r in profile.get("rules") or [] if _satisfies(filled, r)), None)
    return {"pulls": pulls, "rule": rule}


def _value_or_median(value: Any, stats: Mapping[str, Any]) -> float | None:
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    return stats.get("median")


def _satisfies(values: Mapping[str, float | None], rule: Mapping[str, Any]) -> bool:
    for c in rule.get("conditions", []):
        value = values.get(c["feature"])
        if value is None:
            return False
        if (value <= c["threshold"]) != (c["op"] == "<="):
            return False
    return True


# --- numbers ---------------------------------------------------------------------------------


def _round(value: Any, digits: int = 4) -> float | None:
    if value is None or pd.isna(value) or not np.isfinite(value):
        return None
    return round(float(value), digits)


def _fmt(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
