"""Bias audit of a segmentation: who is in each segment, by sensitive attribute, and proxies.

:func:`audit_bias` takes the segment label of every customer (``-1``: in no
segment), a table of their sensitive attributes (age, gender, region,
ethnicity, postcode, …: never clustering inputs) and optionally the feature
matrix the segmenter clustered, and returns a JSON-able dict:

**Mix per segment.** For every segment of at least ``min_group_size`` (k)
customers and every attribute, the segment is compared with *the rest of the
customers* (everyone else, outliers included):

- numeric attributes (age, birth year, …): a two-sided Mann–Whitney U test on
  the values (no normality assumed), effect size Cohen's *d* (difference of
  means over the pooled standard deviation) and the rank-biserial
  correlation; for display the values are put in bands (age: 18–24, 25–34,
  35–44, 45–54, 55–64, 65+; other numbers: quintiles);
- categorical attributes: a chi-square test of the segment-versus-rest table
  (asymptotic when Cochran's rule holds, i.e. at most 20% of expected counts
  below 5 and none below 1; otherwise a Monte Carlo test with a fixed seed),
  effect sizes Cramér's *V* and, per category, the share difference in
  percentage points and Cohen's *h* (the difference of arcsine-square-root
  transformed shares, which treats a shift from 2% to 12% as seriously as
  one from 40% to 62%).

Every segment × attribute test of the audit is one family: p-values are
Holm-adjusted together (family-wise error 5%). A segment is **flagged** on an
attribute only when its adjusted p-value is below ``alpha`` *and* the effect
is at least "medium" on Cohen's conventional scale, stated before looking at
any data: |d| ≥ 0.5 for numbers; for categories some category whose share
differs from the rest by at least 15 percentage points or by |h| ≥ 0.5. A
significant but small difference (common in large runs) is reported, not
flagged; a large difference in a segment too small to be significant is not
flagged either.

**Proxy check.** Can the attribute be predicted (a) from the segment labels
alone and (b) from the clustering features, better than chance? A simple,
regularised model is cross-validated (stratified 5-fold, fixed seed):
logistic regression with balanced class weights scored by balanced accuracy
for categories, ridge regression scored by R² for numbers. The baseline of
balanced accuracy is chance, 1/C for C classes (what a constant guess
scores); the lift is the share of the way from chance to perfect,
(score − 1/C) / (1 − 1/C), like Cohen's kappa. A proxy is flagged when the
lift reaches 0.2 (above "slight" agreement on the Landis & Koch scale) or R²
reaches 0.13 (Cohen's "medium" f² = 0.15). Linear models find linear proxies;
a nonlinear combination of features could still carry an attribute.
Features with more than 30 columns are first reduced to 30 principal
components of the segmenter's own (block-balanced) geometry, fitted once on
the sampled customers (unsupervised, so nothing about the attribute leaks
into the cross-validation). Runs larger than ``max_proxy_rows`` are
subsampled with a fixed seed. Customers without a value are left out of the
proxy check; categories with fewer than k members there are grouped.

**k-anonymity.** Segments smaller than k are not audited, only counted. The
result keeps the count of a (segment, category) cell only when it is at
least k; a smaller cell is ``None`` ("fewer than k"), and when a row would
have exactly one hidden cell the next smallest is hidden too, so it cannot
be recovered by subtraction from the row's total. Per-cell effect sizes of
hidden cells are dropped (they would reveal the share); only the direction
remains. Rest-of-population counts below k are hidden the same way.
Categories held by fewer than k customers overall are grouped into
``"other (grouped)"`` before testing. Test statistics are computed over a
whole segment and the whole rest (each at least k) and are rounded.

**Attributes that cannot be audited as they are.** Postcode-like columns are
coarsened to the postcode area (leading letters, e.g. ``SW1A 1AA`` → ``SW``;
digits: the first two). Columns with nearly one value per customer (more
than half distinct) are skipped with a note, as are columns with fewer than
2k values or fewer than two categories. More than 20 categories: the 19
largest are kept and the rest grouped. A column is numeric when at least 95%
of its values are numbers and it has at least 10 distinct ones (an age
column always); otherwise it is categorical (case and spaces ignored).

**One attribute, however spelt.** Columns whose names differ only in case,
spaces, underscores or camelCase (``Gender``, ``gender``, ``LoyaltyMember``,
``Loyalty Member``, ``loyaltymember``) are one attribute
(:func:`attribute_match`), named by :func:`attribute_key` of its best-spelt
column: a customer's value is the first one given, that column first
(:func:`merge_attributes`). Otherwise customers imported under one
spelling would all be "not given" in the other, and any segment that mixes
imports unevenly would be flagged on that artefact.

**Missing values** (empty, ``None``, NaN) form the category ``"not given"``,
so shares are always of all a segment's customers and a segment where many
withheld an answer shows it. For categories, "not given" takes part in the
test like any category; for numbers the test uses the values given.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "AGE_BANDS",
    "NOT_GIVEN",
    "OTHER",
    "AuditThresholds",
    "attribute_key",
    "attribute_match",
    "audit_bias",
    "holm_adjust",
    "merge_attributes",
    "proxy_sample",
]

OTHER = "other (grouped)"
NOT_GIVEN = "not given"
MAX_CATEGORIES = 20
NUMERIC_SHARE = 0.95  # of the values present must parse as numbers for a numeric attribute
NUMERIC_MIN_DISTINCT = 10  # fewer distinct numbers than this: codes, treated as categories
DISTINCT_SHARE_LIMIT = 0.5  # more distinct values than this share of customers: identifier-like
MIN_PROXY_ROWS = 100
PROXY_COMPONENTS = 30
MONTE_CARLO_RESAMPLES = 9999
AGE_BANDS: tuple[tuple[int, int | None], ...] = (
    (18, 24),
    (25, 34),
    (35, 44),
    (45, 54),
    (55, 64),
    (65, None),
)
"""Age bands shown for an age attribute (inclusive bounds; ``None``: no upper bound)."""

_AGE_NAME = re.compile(r"(^|_)age($|_)")
_POSTCODE_NAME = re.compile(
    r"(^|_)(postcode|post_code|postal_code|postal|zip|zipcode|zip_code)($|_)"
)
_POSTCODE_AREA = re.compile(r"^([A-Z]{1,2})\d")
_DIGITS = re.compile(r"^(\d{2})")
_CAMEL_BOUNDARY = re.compile(r"(?<=[^\W_A-Z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][^\W_A-Z])")
_SEPARATORS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class AuditThresholds:
    """When a difference counts as a flag: significance and a "medium" effect (Cohen).

    ``alpha`` is the family-wise error rate over every test of the audit
    (Holm). ``min_abs_d``: Cohen's medium d. ``min_share_difference``: 15
    percentage points, a shift a reader sees at once; ``min_abs_h``: Cohen's
    medium h for proportions, which catches large relative shifts of rare
    categories. ``min_proxy_lift``: balanced-accuracy lift over chance as a
    share of the gap to perfect (kappa-like, "fair" agreement starts at 0.2);
    ``min_proxy_r2``: R² of Cohen's medium f² = 0.15.
    """

    alpha: float = 0.05
    min_abs_d: float = 0.5
    min_share_difference: float = 0.15
    min_abs_h: float = 0.5
    min_proxy_lift: float = 0.2
    min_proxy_r2: float = 0.13

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1, got {self.alpha}")
        for name in ("min_abs_d", "min_share_difference", "min_abs_h", "min_proxy_lift"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")


@dataclass
class _Attribute:
    """A sensitive column prepared for the audit."""

    name: str
    kind: str  # "numeric" | "categorical"
    given: np.ndarray  # bool per customer: a value was given
    values: np.ndarray  # numeric: float (NaN when not given); categorical: the cells
    cells: np.ndarray  # band or category per customer (object); NOT_GIVEN when missing
    categories: list[str]  # NOT_GIVEN last, when any value is missing
    notes: list[str] = field(default_factory=list)

    codes: np.ndarray = field(init=False)  # index of each customer's cell in `categories`

    def __post_init__(self) -> None:
        index = {c: i for i, c in enumerate(self.categories)}
        self.codes = np.fromiter((index[c] for c in self.cells), int, self.cells.size)

    @property
    def tested(self) -> np.ndarray:
        """Customers whose values enter the tests: numbers need a value, categories take all."""
        return self.given if self.kind == "numeric" else np.ones(self.given.size, dtype=bool)


# --- public API ------------------------------------------------------------------------------


def attribute_key(name: str) -> str:
    """The canonical key of an attribute name: lower snake case, camelCase split.

    ``"Loyalty Member"``, ``"loyalty_member"``, ``"LoyaltyMember"`` and
    ``"LOYALTY-MEMBER"`` all give ``"loyalty_member"``. A name with no letter or
    digit is kept as it is, stripped.
    """
    text = str(name).strip()
    key = _SEPARATORS.sub("_", _CAMEL_BOUNDARY.sub("_", text).lower()).strip("_")
    return key or text


def attribute_match(name: str) -> str:
    """What two spellings of one attribute share: its letters and digits, lower case.

    Case, spaces, underscores, punctuation and camelCase are ignored, so
    ``"loyaltymember"`` and ``"Loyalty Member"`` are one attribute.
    """
    text = str(name).strip()
    return _SEPARATORS.sub("", text.lower()) or text


def best_spelling(names: Sequence[str]) -> str:
    """The spelling of one attribute to name it by: one that shows its words, already in
    canonical form if there is one (``loyalty_member`` over ``Loyalty Member`` over
    ``loyaltymember``); without words, one in canonical form; else the first."""

    def shows_words(name: str) -> bool:
        return attribute_key(name) != attribute_match(name)

    for wanted in (
        lambda n: shows_words(n) and attribute_key(n) == n,
        shows_words,
        lambda n: attribute_key(n) == n,
    ):
        found = [name for name in names if wanted(name)]
        if found:
            return found[0]
    return names[0]


def merge_attributes(sensitive: pd.DataFrame) -> pd.DataFrame:
    """One column per attribute: spellings of one name merged, first given value wins.

    Columns are grouped by :func:`attribute_match`; a group is named by
    :func:`attribute_key` of its :func:`best_spelling`, whose values come
    first, then the other columns' in their order in ``sensitive``. The index
    is kept.
    """
    groups: dict[str, list[Any]] = {}
    for column in sensitive.columns:
        groups.setdefault(attribute_match(str(column)), []).append(column)
    merged: dict[str, np.ndarray] = {}
    for columns in groups.values():
        best = best_spelling([str(c) for c in columns])
        ordered = sorted(columns, key=lambda c: str(c) != best)
        values = sensitive[ordered[0]].to_numpy(dtype=object).copy()
        for column in ordered[1:]:
            missing = np.array([_is_missing(v) for v in values], dtype=bool)
            if not missing.any():
                break
            values[missing] = sensitive[column].to_numpy(dtype=object)[missing]
        merged[attribute_key(best)] = values
    return pd.DataFrame(merged, index=sensitive.index, columns=list(merged), dtype=object)


def audit_bias(
    labels: Sequence[int] | np.ndarray,
    sensitive: pd.DataFrame,
    *,
    features: np.ndarray | None = None,
    feature_rows: np.ndarray | None = None,
    min_group_size: int = 10,
    thresholds: AuditThresholds | None = None,
    seed: int = 0,
    max_proxy_rows: int = 5000,
    cv_folds: int = 5,
) -> dict[str, Any]:
    """Audit segments against sensitive attributes; return a JSON-able dict (see the module).

    ``labels[i]`` is customer i's segment (``-1``: none); ``sensitive`` has
    one row per customer in the same order (any index) and one column per
    attribute. ``features`` are clustering features of the customers at
    positions ``feature_rows`` (default: of every customer, in order), used
    by the proxy check; without them only the segment labels are checked.
    Runs with one BLAS/OpenMP thread: the models are small, and on a worker
    sharing its cores more threads make it many times slower, not faster.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _audit(
            labels,
            sensitive,
            features=features,
            feature_rows=feature_rows,
            min_group_size=min_group_size,
            thresholds=thresholds,
            seed=seed,
            max_proxy_rows=max_proxy_rows,
            cv_folds=cv_folds,
        )


def _audit(
    labels, sensitive, *, features, feature_rows, min_group_size, thresholds, seed,
    max_proxy_rows, cv_folds,
) -> dict[str, Any]:  # fmt: skip
    thresholds = thresholds or AuditThresholds()
    labels = np.asarray(labels).astype(int)
    k = int(min_group_size)
    if k < 1:
        raise ValueError(f"min_group_size must be at least 1, got {k}")
    if len(sensitive) != labels.size:
        raise ValueError(f"{labels.size} labels but {len(sensitive)} rows of sensitive attributes")
    feature_rows = _feature_rows(features, feature_rows, labels.size)
    sensitive = merge_attributes(sensitive)

    numbers, counts = np.unique(labels[labels >= 0], return_counts=True)
    sizes = {int(s): int(n) for s, n in zip(numbers, counts, strict=True)}
    audited = sorted(s for s, n in sizes.items() if n >= k)
    rng = np.random.default_rng(seed)
    attributes, notes = [], []
    for name in sensitive.columns:
        prepared = _prepare(str(name), sensitive[name].to_numpy(dtype=object), k)
        if isinstance(prepared, str):
            attributes.append({"name": str(name), "status": "skipped", "note": prepared})
            continue
        attributes.append(_audit_attribute(prepared, labels, audited, k, thresholds, rng))
        attributes[-1]["_prepared"] = prepared
    _decide_flags(attributes, thresholds)
    if not audited:
        notes.append(f"No segment has at least {k} customers: there is nothing to audit.")
    proxy = _proxy_check(
        [a.pop("_prepared") for a in attributes if "_prepared" in a],
        labels,
        features,
        feature_rows,
        k=k,
        thresholds=thresholds,
        seed=seed,
        max_rows=max_proxy_rows,
        folds=cv_folds,
    )
    flags = [
        {"segment": row["segment"], "attribute": a["name"], "cells": row["flagged_cells"]}
        for a in attributes
        for row in a.get("rows", [])
        if row["flagged"]
    ]
    return {
        "version": 1,
        "min_group_size": k,
        "n_customers": int(labels.size),
        "n_outliers": int((labels < 0).sum()),
        "segments": [{"segment": s, "size": sizes[s]} for s in audited],
        "small_segments": sum(1 for n in sizes.values() if n < k),
        "thresholds": asdict(thresholds),
        "attributes": attributes,
        "flags": flags,
        "proxy": proxy,
        "notes": notes,
    }


def proxy_sample(n: int, max_rows: int, seed: int = 0) -> np.ndarray:
    """Positions of the customers the proxy check uses: all, or a fixed-seed sample, in order."""
    if n <= max_rows:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_rows, replace=False))


def holm_adjust(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (controls the family-wise error rate)."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.empty_like(p)
    running = 0.0
    for rank, index in enumerate(np.argsort(p, kind="stable")):
        running = max(running, min(1.0, (p.size - rank) * p[index]))
        adjusted[index] = running
    return adjusted


# --- preparing an attribute ------------------------------------------------------------------


def _feature_rows(features, feature_rows, n: int) -> np.ndarray | None:
    if features is None:
        return None
    rows = np.arange(n) if feature_rows is None else np.asarray(feature_rows, dtype=int)
    if np.asarray(features).shape[0] != rows.size:
        raise ValueError(f"{np.asarray(features).shape[0]} feature rows for {rows.size} customers")
    if rows.size and (rows.min() < 0 or rows.max() >= n):
        raise ValueError("feature_rows point outside the customers")
    return rows


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _prepare(name: str, raw: np.ndarray, k: int) -> _Attribute | str:
    """The attribute ready to audit, or why it is skipped."""
    given = np.array([not _is_missing(v) for v in raw], dtype=bool)
    if given.sum() < 2 * k:
        return f"Only {int(given.sum())} customers have a value; at least {2 * k} are needed."
    numbers = pd.to_numeric(pd.Series(raw[given], dtype=object), errors="coerce").to_numpy(float)
    parsed = ~np.isnan(numbers)
    lowered = name.lower()
    looks_numeric = parsed.mean() >= NUMERIC_SHARE and not _POSTCODE_NAME.search(lowered)
    distinct = np.unique(numbers[parsed]).size if looks_numeric else 0
    if looks_numeric and (distinct >= NUMERIC_MIN_DISTINCT or _AGE_NAME.search(lowered)):
        values = np.full(raw.size, np.nan)
        values[given] = numbers
        return _numeric(name, values, int((~parsed).sum()), k)
    return _categorical(name, raw, given, k)


def _numeric(name: str, values: np.ndarray, unparsed: int, k: int) -> _Attribute | str:
    given = ~np.isnan(values)
    if given.sum() < 2 * k or np.ptp(values[given]) <= 0:
        return "Fewer than two distinct values among enough customers: nothing to compare."
    notes = [f"{unparsed} values that are not numbers were left out."] if unparsed else []
    if _AGE_NAME.search(name.lower()):
        cells, categories = _age_bands(values)
    else:
        cells, categories = _quantile_bands(values)
        notes.append("Shown in five bands of about equal size (quintiles).")
    if not given.all():
        cells[~given] = NOT_GIVEN
        categories.append(NOT_GIVEN)
    return _Attribute(name, "numeric", given, values, cells, categories, notes)


def _age_bands(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    bands = [(-math.inf, 18.0, "under 18")] + [
        (float(lo), math.inf if hi is None else hi + 1.0, f"{lo}+" if hi is None else f"{lo}–{hi}")
        for lo, hi in AGE_BANDS
    ]
    cells = np.full(values.size, None, dtype=object)
    for lo, hi, label in bands:
        cells[(values >= lo) & (values < hi)] = label
    used = set(cells[~np.isnan(values)].tolist())
    return cells, [label for _, _, label in bands if label != "under 18" or label in used]


def _quantile_bands(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    given = ~np.isnan(values)
    edges = np.unique(np.quantile(values[given], [0.2, 0.4, 0.6, 0.8]))
    names = (
        [f"≤ {edges[0]:g}"]
        + [f"{a:g}–{b:g}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
        + [f"> {edges[-1]:g}"]
    )
    cells = np.full(values.size, None, dtype=object)
    cells[given] = [names[i] for i in np.searchsorted(edges, values[given], side="left")]
    used = set(cells[given].tolist())
    return cells, [n for n in names if n in used]


def _categorical(name: str, raw: np.ndarray, given: np.ndarray, k: int) -> _Attribute | str:
    notes: list[str] = []
    text = np.full(raw.size, None, dtype=object)
    if _POSTCODE_NAME.search(name.lower()):
        text[given] = [_postcode_area(v) for v in raw[given]]
        given = np.array([t is not None for t in text], dtype=bool)
        notes.append("Coarsened to the postcode area (the leading letters, or first two digits).")
    else:
        text[given] = [str(v).strip().lower() for v in raw[given]]
    counts = pd.Series(text[given]).value_counts()
    if counts.size > max(MAX_CATEGORIES, DISTINCT_SHARE_LIMIT * given.sum()):
        return (
            f"{counts.size} distinct values for {int(given.sum())} customers: nearly one per "
            "customer, so it cannot be audited as categories (coarsen it before importing)."
        )
    rare = set(counts[counts < k].index)
    if rare:
        notes.append(f"{len(rare)} categories held by fewer than {k} customers are grouped.")
    keep = [c for c in counts.index if c not in rare][: MAX_CATEGORIES - 1]
    if len(counts) - len(rare) > len(keep):
        notes.append(f"Only the {len(keep)} largest categories are shown; the rest are grouped.")
    kept = set(keep)
    cells = np.array(
        [NOT_GIVEN if t is None else (t if t in kept else OTHER) for t in text], dtype=object
    )
    grouped = bool((cells == OTHER).any())
    if len(keep) + grouped < 2:
        return "Fewer than two categories with enough customers: nothing to compare."
    categories = (
        sorted(keep) + ([OTHER] if grouped else []) + ([NOT_GIVEN] if not given.all() else [])
    )
    return _Attribute(name, "categorical", given, cells, cells, categories, notes)


def _postcode_area(value: Any) -> str | None:
    text = re.sub(r"\s+", "", str(value)).upper()
    match = _POSTCODE_AREA.match(text) or _DIGITS.match(text)
    return match.group(1) if match else None


# --- testing segments ------------------------------------------------------------------------


def _counts(attribute: _Attribute, mask: np.ndarray | None = None) -> np.ndarray:
    """Customers per category (in `attribute.categories` order), of those `mask` selects."""
    codes = attribute.codes if mask is None else attribute.codes[mask]
    return np.bincount(codes, minlength=len(attribute.categories))


def _visible(counts: np.ndarray, k: int) -> list[int | None]:
    """Counts with cells below k hidden, and a second cell hidden when only one would be."""
    hidden = counts < k
    if hidden.sum() == 1 and counts.size > 1:
        shown = np.flatnonzero(~hidden)
        hidden[shown[np.argmin(counts[shown])]] = True
    return [None if h else int(c) for c, h in zip(counts, hidden, strict=True)]


def _audit_attribute(
    attribute: _Attribute,
    labels: np.ndarray,
    audited: list[int],
    k: int,
    thresholds: AuditThresholds,
    rng: np.random.Generator,
) -> dict[str, Any]:
    tested = attribute.tested
    result: dict[str, Any] = {
        "name": attribute.name,
        "kind": attribute.kind,
        "status": "audited",
        "notes": list(attribute.notes),
        "categories": attribute.categories,
        "population": {
            "n": int(labels.size),
            "counts": _visible(_counts(attribute), k),
        },
        "rows": [],
    }
    if attribute.kind == "numeric":
        result["population"].update(_numeric_summary(attribute.values[tested]))
    untested = 0
    for segment in audited:
        inside, rest = labels == segment, labels != segment
        if (inside & tested).sum() < k or (rest & tested).sum() < k:
            untested += 1
            continue
        result["rows"].append(_segment_row(attribute, inside, rest, segment, k, thresholds, rng))
    if untested:
        result["notes"].append(
            f"{untested} segments have fewer than {k} customers with a value (or leave fewer "
            f"than {k} outside): not tested."
        )
    result["omnibus"] = _omnibus(attribute, labels, audited)
    return result


def _segment_row(attribute, inside, rest, segment, k, thresholds, rng) -> dict[str, Any]:
    counts, rest_counts = _counts(attribute, inside), _counts(attribute, rest)
    row: dict[str, Any] = {
        "segment": int(segment),
        "n": int(inside.sum()),
        "rest_n": int(rest.sum()),
        "counts": _visible(counts, k),
        "rest_counts": _visible(rest_counts, k),
    }
    if attribute.kind == "numeric":
        tested = attribute.tested
        values = attribute.values
        row.update(_numeric_test(values[inside & tested], values[rest & tested]))
    else:
        row.update(_categorical_test(counts, rest_counts, rng))
    row["cells"] = _cell_effects(counts, rest_counts, row, attribute.categories, thresholds)
    return row


def _numeric_summary(values: np.ndarray) -> dict[str, float]:
    return {"mean": round(float(values.mean()), 2), "median": round(float(np.median(values)), 2)}


def _numeric_test(inside: np.ndarray, rest: np.ndarray) -> dict[str, Any]:
    from scipy.stats import mannwhitneyu

    test = mannwhitneyu(inside, rest, alternative="two-sided", method="asymptotic")
    n1, n2 = inside.size, rest.size
    pooled = math.sqrt(
        ((n1 - 1) * inside.var(ddof=1) + (n2 - 1) * rest.var(ddof=1)) / max(n1 + n2 - 2, 1)
    )
    d = (inside.mean() - rest.mean()) / pooled if pooled > 0 else 0.0
    return {
        **_numeric_summary(inside),
        "rest_mean": round(float(rest.mean()), 2),
        "test": "Mann–Whitney U",
        "statistic": round(float(test.statistic), 1),
        "p_value": float(test.pvalue),
        "effect": {
            "cohens_d": round(float(d), 3),
            "rank_biserial": round(float(2 * test.statistic / (n1 * n2) - 1), 3),
        },
    }


def _categorical_test(counts: np.ndarray, rest_counts: np.ndarray, rng) -> dict[str, Any]:
    from scipy.stats import MonteCarloMethod, chi2_contingency
    from scipy.stats.contingency import expected_freq

    table = np.vstack([counts, rest_counts])
    table = table[:, table.sum(axis=0) > 0]
    expected = expected_freq(table)
    cochran = (expected < 5).mean() <= 0.2 and expected.min() >= 1
    method = None if cochran else MonteCarloMethod(n_resamples=MONTE_CARLO_RESAMPLES, rng=rng)
    test = chi2_contingency(table, correction=False, method=method)
    n = table.sum()
    cramers_v = math.sqrt(test.statistic / (n * (min(table.shape) - 1))) if n else 0.0
    return {
        "test": "chi-square" if cochran else "chi-square (Monte Carlo)",
        "statistic": round(float(test.statistic), 1),
        "dof": int((table.shape[0] - 1) * (table.shape[1] - 1)),
        "p_value": float(test.pvalue),
        "effect": {"cramers_v": round(cramers_v, 2)},
    }


def _cell_effects(counts, rest_counts, row, categories, thresholds) -> dict[str, dict[str, Any]]:
    """Per category: share difference and Cohen's h (segment vs rest), hidden for hidden cells."""
    share = counts / max(counts.sum(), 1)
    rest_share = rest_counts / max(rest_counts.sum(), 1)
    cells = {}
    for i, category in enumerate(categories):
        diff = float(share[i] - rest_share[i])
        h = 2 * math.asin(math.sqrt(share[i])) - 2 * math.asin(math.sqrt(rest_share[i]))
        large = abs(diff) >= thresholds.min_share_difference or abs(h) >= thresholds.min_abs_h
        shown = row["counts"][i] is not None and row["rest_counts"][i] is not None
        cells[category] = {
            "difference": round(diff, 4) if shown else None,
            "cohens_h": round(h, 3) if shown else None,
            "direction": "higher" if diff > 0 else "lower" if diff < 0 else "same",
            "large": bool(large),
        }
    return cells


def _omnibus(attribute: _Attribute, labels: np.ndarray, audited: list[int]) -> dict | None:
    """One test over all audited segments at once (reported, not used for flags)."""
    from scipy.stats import chi2_contingency, kruskal

    tested = attribute.tested
    groups = [g for g in (tested & (labels == s) for s in audited) if g.any()]
    if len(groups) < 2:
        return None
    if attribute.kind == "numeric":
        test = kruskal(*(attribute.values[g] for g in groups))
        name = "Kruskal–Wallis"
    else:
        table = np.vstack([_counts(attribute, g) for g in groups])
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2:
            return None
        test = chi2_contingency(table, correction=False)
        name = "chi-square"
    return {
        "test": name,
        "statistic": round(float(test.statistic), 1),
        "p_value": float(test.pvalue),
    }


def _decide_flags(attributes: list[dict[str, Any]], thresholds: AuditThresholds) -> None:
    """Holm-adjust every test of the audit together, then flag significant large effects."""
    rows = [row for a in attributes for row in a.get("rows", [])]
    adjusted = holm_adjust([row["p_value"] for row in rows]) if rows else []
    for row, p_adj in zip(rows, adjusted, strict=True):
        row["p_adjusted"] = float(p_adj)
        row["significant"] = bool(p_adj < thresholds.alpha)
    for attribute in attributes:
        for row in attribute.get("rows", []):
            large_cells = [c for c, cell in row["cells"].items() if cell["large"]]
            if attribute["kind"] == "numeric":
                large = abs(row["effect"]["cohens_d"]) >= thresholds.min_abs_d
            else:
                large = bool(large_cells)
            row["flagged"] = bool(row["significant"] and large)
            row["flagged_cells"] = large_cells if row["flagged"] else []
            row["p_value"] = _round_p(row["p_value"])
            row["p_adjusted"] = _round_p(row["p_adjusted"])
        if attribute.get("omnibus"):
            attribute["omnibus"]["p_value"] = _round_p(attribute["omnibus"]["p_value"])


def _round_p(p: float) -> float:
    """Two significant digits: enough to read, too coarse to solve for hidden cells."""
    return float(f"{p:.2g}")


# --- proxy check -----------------------------------------------------------------------------


def _proxy_check(
    attributes: list[_Attribute],
    labels: np.ndarray,
    features: np.ndarray | None,
    feature_rows: np.ndarray | None,
    *,
    k: int,
    thresholds: AuditThresholds,
    seed: int,
    max_rows: int,
    folds: int,
) -> dict[str, Any]:
    """Cross-validated prediction of each attribute from segment labels and from features.

    Without ``feature_rows`` the check runs on :func:`proxy_sample` (every
    customer, or a fixed-seed sample of ``max_rows``); with them, on those
    customers (the caller built features for exactly them).
    """
    notes = []
    if feature_rows is None:
        sample = proxy_sample(labels.size, max_rows, seed)
        if features is not None:
            features = np.asarray(features, dtype=float)[sample]
    else:
        sample = feature_rows
        if sample.size > max_rows:
            picked = proxy_sample(sample.size, max_rows, seed)
            sample, features = sample[picked], np.asarray(features, dtype=float)[picked]
    if features is None:
        notes.append("No clustering features were given: only the segment labels are checked.")
    else:
        features = _reduce(features, seed)
    if sample.size < labels.size:
        notes.append(f"Checked on a fixed random sample of {sample.size} customers.")
    results = [
        _proxy_attribute(a, labels, features, sample, k=k, thresholds=thresholds, seed=seed,
                         folds=folds)
        for a in attributes
    ]  # fmt: skip
    return {
        "method": f"{folds}-fold cross-validation",
        "folds": folds,
        "n": int(sample.size),
        "attributes": results,
        "notes": notes,
    }


def _proxy_attribute(attribute, labels, features, sample, *, k, thresholds, seed, folds) -> dict:
    """Proxy scores of one attribute over the sampled customers who gave a value."""
    given = attribute.given[sample]
    rows = sample[given]
    base = {"attribute": attribute.name, "kind": attribute.kind}
    if rows.size < MIN_PROXY_ROWS:
        return {**base, "status": "skipped",
                "note": f"Only {rows.size} customers with a value; at least "
                        f"{MIN_PROXY_ROWS} are needed for a cross-validated check."}  # fmt: skip
    X = None if features is None else features[given]
    group = labels[rows]
    if attribute.kind == "numeric":
        return {**base, **_proxy_numeric(attribute.values[rows], group, X, thresholds, seed, folds)}
    y = np.array(attribute.cells[rows], dtype=object)
    counts = pd.Series(y).value_counts()
    y = np.where(np.isin(y, counts[counts < max(k, folds)].index), OTHER, y)
    counts = pd.Series(y).value_counts()
    keep = np.isin(y, counts[counts >= folds].index)
    if np.unique(y[keep]).size < 2:
        return {**base, "status": "skipped", "note": "Fewer than two classes with enough members."}
    X = None if X is None else X[keep]
    return {**base, **_proxy_categorical(y[keep], group[keep], X, thresholds, seed, folds)}


def _one_hot(labels: np.ndarray) -> np.ndarray:
    values = np.unique(labels)
    return (labels[:, None] == values[None, :]).astype(float)


def _reduce(features: np.ndarray, seed: int) -> np.ndarray:
    """Impute gaps with medians and keep at most PROXY_COMPONENTS principal components.

    Both steps ignore the attribute, so fitting them once on every sampled
    customer leaks nothing into the cross-validation.
    """
    from sklearn.decomposition import PCA
    from sklearn.impute import SimpleImputer

    matrix = SimpleImputer(strategy="median", keep_empty_features=True).fit_transform(
        np.asarray(features, dtype=float)
    )
    if matrix.shape[1] > PROXY_COMPONENTS and matrix.shape[0] > PROXY_COMPONENTS:
        matrix = PCA(n_components=PROXY_COMPONENTS, random_state=seed).fit_transform(matrix)
    return matrix


def _feature_model(estimator):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), estimator)


def _cv_score(model, X: np.ndarray, y: np.ndarray, cv, scoring: str) -> float:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import cross_val_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return float(np.mean(cross_val_score(model, X, y, cv=cv, scoring=scoring)))


def _proxy_categorical(y, group, X_features, thresholds, seed, folds) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    classes = np.unique(y).size
    chance = 1.0 / classes
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)

    def model():
        return LogisticRegression(class_weight="balanced", max_iter=1000)

    def scored(X, estimator) -> dict[str, Any]:
        score = _cv_score(estimator, X, y, cv, "balanced_accuracy")
        lift = (score - chance) / (1 - chance)
        return {"score": round(score, 3), "lift": round(lift, 3),
                "flagged": bool(lift >= thresholds.min_proxy_lift)}  # fmt: skip

    out = {
        "status": "checked",
        "n": int(y.size),
        "classes": classes,
        "metric": "balanced accuracy",
        "baseline": round(chance, 3),
        "from_segments": scored(_one_hot(group), model()),
        "from_features": None,
    }
    if X_features is not None:
        out["from_features"] = scored(X_features, _feature_model(model()))
    return out


def _proxy_numeric(y, group, X_features, thresholds, seed, folds) -> dict[str, Any]:
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold

    cv = KFold(n_splits=folds, shuffle=True, random_state=seed)

    def scored(X, estimator) -> dict[str, Any]:
        score = _cv_score(estimator, X, y, cv, "r2")
        return {"score": round(score, 3), "lift": round(score, 3),
                "flagged": bool(score >= thresholds.min_proxy_r2)}  # fmt: skip

    out = {
        "status": "checked",
        "n": int(y.size),
        "metric": "R²",
        "baseline": 0.0,
        "from_segments": scored(_one_hot(group), Ridge(alpha=1.0)),
        "from_features": None,
    }
    if X_features is not None:
        out["from_features"] = scored(X_features, _feature_model(Ridge(alpha=1.0)))
    return out
