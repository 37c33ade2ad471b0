"""Interpretable features of customers and the readable labels of their columns.

Every numeric behaviour column under its own name, ``"topic:<n>"`` (the share
of a customer's documents in topic n) and ``"sentiment"`` (the mean compound
sentiment of their documents): the vocabulary personas, traits and rules speak.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

SENTIMENT = "sentiment"
TOPIC_PREFIX = "topic:"


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
    numeric = numeric[[c for c in numeric.columns if c != SENTIMENT and not is_topic(c)]]
    numeric = numeric.copy()
    numeric.index = numeric.index.astype(str)
    numeric.columns = [str(c) for c in numeric.columns]
    return numeric.reindex(ids).astype(float)


def is_topic(feature: Any) -> bool:
    """Whether an interpretable feature is a topic share (``topic:<n>``)."""
    return str(feature).startswith(TOPIC_PREFIX)


def kind_of(feature: str) -> str:
    """``"sentiment"``, ``"topic"`` or ``"behaviour"``."""
    if feature == SENTIMENT:
        return "sentiment"
    return "topic" if is_topic(feature) else "behaviour"


def is_flag(values: pd.Series) -> bool:
    """Whether a column holds only 0/1 values (a yes/no attribute such as a membership)."""
    known = values.dropna()
    return len(known) > 0 and bool(known.isin([0.0, 1.0]).all()) and known.nunique() == 2


# --- labels ----------------------------------------------------------------------------------

_WORDS = {"avg": "average", "qty": "quantity", "num": "number of", "pct": "percent",
          "cnt": "count", "amt": "amount", "yr": "year"}  # fmt: skip
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years", "h": "hours"}


def humanise(column: str) -> str:
    """A readable label for a column name: ``spend_12m`` -> ``Spend (12 months)``."""
    words, periods = [], []
    for token in column_tokens(column):
        period = re.fullmatch(r"(\d+)([dwmyh])", token)
        if period:
            periods.append(f"({period.group(1)} {_UNITS[period.group(2)]})")
        else:
            words.append(_WORDS.get(token, token))
    text = " ".join(words + periods) or str(column)
    return text[:1].upper() + text[1:]


def column_tokens(column: str) -> list[str]:
    """The lower-case word tokens of a column name (camelCase and snake_case split)."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(column))
    return [t for t in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if t]


def topic_keywords(label: str) -> list[str]:
    """The keywords of a topic label ``"a · b · c"``."""
    return [k.strip() for k in str(label).split("·") if k.strip()]


def topic_phrase(label: str, joiner: str = " and ") -> str:
    """The first two keywords of a topic label, joined."""
    keywords = topic_keywords(label)
    return joiner.join(keywords[:2]) if keywords else str(label)
