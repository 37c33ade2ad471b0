"""Differentially private release of a segmentation's aggregates (noise from diffprivlib).

:class:`AggregateRelease` takes one row per customer (their segment and
behavioural feature values) and one row per document (its writer, the writer's
segment and the document's topic) and releases, with calibrated noise,

- ``sizes``: customers per segment (and outside every segment), a histogram:
  a customer is in exactly one cell, so under add/remove-one neighbouring the
  whole vector has L1 and L2 sensitivity 1 (parallel composition: one ε pays
  for every segment);
- ``shares``: noisy size / noisy total, post-processing of the sizes (free);
- ``means``: per segment and feature, a noisy bounded sum over a noisy count.
  Values are clamped to bounds declared by the caller or, for a feature given
  ``None`` as bounds, to bounds found privately from a noisy log histogram
  (:mod:`nlp.dp_bounds`), which spends :data:`BOUNDS_SHARE` of that
  feature's ε (bounds computed from the exact data would leak). The sum is of
  ``clamp(x) - midpoint``, so one customer moves it by at most
  (upper - lower) / 2; the count is the noisy size of the segment (already
  paid for). A member without a value counts at the midpoint. ε of the means
  is split equally over the features (sequential composition);
- ``topics``: documents per topic (topic -1, "no clear topic", included) and
  per (segment, topic) cell. A customer can write many documents, so only the
  first ``max_documents_per_customer`` (c) of each customer, in the given
  order, are counted: one customer then changes the totals, and the cells, by
  at most c in L1 and L2. Half the part's ε goes to the totals, half to the
  cells; a topic's released total is the inverse-variance weighted mean of its
  noisy total and the sum of its noisy cells, and a segment's document count
  the sum of its noisy cells (post-processing).

ε (and δ) are split over the released parts by fixed weights (sizes 1, means
2, topics 1, over the parts asked for; the sizes are always computed, since
every other part's k-check and the means' denominators need them) and
the parts add up by basic sequential composition. With δ = 0 every part uses
the Laplace mechanism (scale = sensitivity / ε, L1); with δ > 0 the analytic
Gaussian mechanism of Balle and Wang (L2 sensitivity).

Post-processing, which costs no privacy: noisy counts are rounded and clamped
at 0, means clamped into their bounds, and any count below ``min_group_size``
(k) is suppressed as "fewer than k", so k-anonymity still applies to noisy
figures.

Randomness: with ``random_state=None`` (what production uses) every mechanism
draws from ``secrets.SystemRandom``, the operating system's cryptographically
secure source, so two releases differ and nobody can regenerate the noise. A
seeded ``numpy.random.RandomState`` makes a release reproducible bit for bit,
for tests and benchmarks (diffprivlib takes one; OpenDP offers no seeded
sampling). Such noise is known to whoever knows the state: derive it from a
secret as well as the seed (:func:`random_state_from_key` takes such a key) and
never offer it to people who read the release.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


def _restore_removed_sklearn_constants() -> None:
    """Let diffprivlib 0.6.6 import under scikit-learn 1.9.

    Importing any part of diffprivlib runs its package ``__init__``, which
    imports its tree models, which import ``DOUBLE`` and ``DTYPE`` from
    ``sklearn.tree._tree``; scikit-learn 1.9 dropped both names. They were
    ``np.float64`` and ``np.float32``; putting them back (only when missing)
    changes nothing else, and no diffprivlib model is used here.
    """
    from sklearn.tree import _tree

    for name, dtype in (("DOUBLE", np.float64), ("DTYPE", np.float32)):
        if not hasattr(_tree, name):
            setattr(_tree, name, dtype)


_restore_removed_sklearn_constants()

from diffprivlib.mechanisms import GaussianAnalytic, Laplace  # noqa: E402

from nlp.dp_bounds import find_bounds  # noqa: E402

__all__ = [
    "BOUNDS_SHARE",
    "DEFAULT_MAX_DOCUMENTS",
    "MAX_EPSILON",
    "MIN_EPSILON",
    "NO_TOPIC",
    "OUTSIDE",
    "QUANTITIES",
    "AggregateRelease",
    "NoiseMechanism",
    "ReleaseError",
    "ReleaseInput",
    "budget_split",
    "check_document_cap",
    "check_privacy_parameters",
    "check_quantities",
    "random_state_from_key",
]

QUANTITIES = ("sizes", "shares", "means", "topics")
WEIGHTS = {"sizes": 1.0, "means": 2.0, "topics": 1.0}
DEFAULT_MAX_DOCUMENTS = 5
BOUNDS_SHARE = 0.5  # of a feature's ε, spent finding its bounds when none are declared
NO_PRIVATE_BOUNDS = (
    "Too few customers to find bounds privately at this epsilon: no mean is released "
    "(declare bounds to release one)."
)
MIN_EPSILON = 1e-6  # below this a release is pure noise and its spend is lost in rounding
MAX_EPSILON = 1e6  # far beyond any meaningful privacy; keeps the noise arithmetic finite
OUTSIDE = -1  # the cell of customers in no segment (outliers)
NO_TOPIC = -1
NEIGHBOURING = "add or remove one customer (with all their documents)"
COMPOSITION = (
    "basic sequential composition: the epsilons and deltas of the parts add up; "
    "parallel composition within a part (a customer is in one segment)"
)


class ReleaseError(ValueError):
    """A release cannot be made as asked (bad ε, δ, quantities or bounds); message for users."""


@dataclass(frozen=True)
class ReleaseInput:
    """What a release is computed from.

    ``members``: one row per customer, column ``segment`` (:data:`OUTSIDE` for
    none) and one float column per behavioural feature (NaN: unknown).
    ``documents``: one row per document with columns ``customer``, ``segment``
    and ``topic`` (:data:`NO_TOPIC` for none), in the order in which a
    customer's documents are counted (the first c of each are kept).
    ``segments`` and ``topics`` list every segment and topic number of the run,
    so that an empty cell is released (with noise) rather than left out.
    ``small_segments`` are suppressed whatever their noisy size (segments the
    run already reports as below k).
    """

    members: pd.DataFrame
    documents: pd.DataFrame
    segments: tuple[int, ...]
    topics: tuple[int, ...]
    small_segments: tuple[int, ...] = ()

    def fingerprint(self) -> str:
        """SHA-256 of the exact inputs, so that changed data never reuses a seeded noise."""
        digest = hashlib.sha256()
        members = self.members.sort_index(axis=1)
        digest.update(",".join(map(str, members.columns)).encode())
        values = members.to_numpy(dtype=float, na_value=np.nan)
        digest.update(np.ascontiguousarray(values).tobytes())
        columns = [c for c in ("customer", "segment", "topic") if c in self.documents]
        digest.update(pd.util.hash_pandas_object(self.documents[columns], index=False).to_numpy())
        digest.update(repr((self.segments, self.topics, self.small_segments)).encode())
        return digest.hexdigest()


class NoiseMechanism:
    """Calibrated noise for one released vector: Laplace (δ = 0) or analytic Gaussian (δ > 0).

    ``l1`` and ``l2`` are the vector's sensitivities under add/remove-one; the
    Laplace mechanism uses ``l1`` (scale b = l1 / ε, variance 2b²), the
    Gaussian one ``l2`` (σ from Balle and Wang's analytic calibration). Each
    entry gets independent noise, drawn from ``random_state`` (None: the
    operating system's secure source, ``secrets.SystemRandom``; a
    ``RandomState``: reproducible).
    """

    def __init__(
        self, *, epsilon: float, delta: float, l1: float, l2: float, random_state=None
    ) -> None:
        self.epsilon, self.delta, self.l1, self.l2 = epsilon, delta, l1, l2
        if random_state is None:
            random_state = secrets.SystemRandom()  # never numpy's global, seedable generator
        self.random_state = random_state
        if delta > 0:
            self.name, self.sensitivity, self.norm = "gaussian_analytic", float(l2), "L2"
            self._mechanism = GaussianAnalytic(
                epsilon=epsilon,
                delta=delta,
                sensitivity=self.sensitivity,
                random_state=random_state,
            )
            self.scale = float(self._mechanism._scale)  # σ of the calibrated Gaussian
        else:
            self.name, self.sensitivity, self.norm = "laplace", float(l1), "L1"
            self._mechanism = Laplace(
                epsilon=epsilon, sensitivity=self.sensitivity, random_state=random_state
            )
            self.scale = self.sensitivity / epsilon  # b of Laplace(b)

    @property
    def variance(self) -> float:
        """Variance of the noise on one entry."""
        return 2 * self.scale**2 if self.name == "laplace" else self.scale**2

    def add(self, values: Iterable[float]) -> np.ndarray:
        """The values with independent noise added to each, in order."""
        return np.array([self._mechanism.randomise(float(v)) for v in values], dtype=float)

    def describe(self) -> dict[str, Any]:
        """ε, δ, mechanism, sensitivity (and its norm) and noise scale, for the output."""
        return {
            "mechanism": self.name,
            "epsilon": _clean(self.epsilon),
            "delta": _clean(self.delta),
            "sensitivity": _clean(self.sensitivity),
            "sensitivity_norm": self.norm,
            "noise_scale": _clean(self.scale),
            "noise_scale_is": "Laplace b" if self.name == "laplace" else "Gaussian sigma",
        }


def random_state_from_key(key: bytes) -> np.random.RandomState:
    """A reproducible RandomState seeded with all 256 bits of SHA-256(key).

    Use a key that mixes a secret with the caller's seed: the noise of a
    release seeded only with a public number can be regenerated and removed.
    """
    words = np.frombuffer(hashlib.sha256(key).digest(), dtype="<u4")
    return np.random.RandomState(words)


class AggregateRelease:
    """A differentially private release of sizes, shares, means and topic counts.

    Configuration is stored as given; everything is checked in :meth:`release`.
    ``bounds`` maps a feature to (lower, upper), or to None to have its bounds
    found privately; only those features' means are released.
    ``bounds_source`` says per feature where declared bounds came from
    ("declared", …) and is repeated in the output.
    ``random_state`` is passed to every diffprivlib mechanism: None draws fresh
    randomness from ``secrets``; a ``numpy.random.RandomState`` (see
    :func:`random_state_from_key`) makes the release reproducible bit for bit.
    diffprivlib accepts a ``random_state``; OpenDP has no seeded sampling, which
    is why this module uses diffprivlib.
    """

    def __init__(
        self,
        *,
        epsilon: float,
        delta: float = 0.0,
        quantities: Sequence[str] = QUANTITIES,
        bounds: Mapping[str, tuple[float, float]] | None = None,
        bounds_source: Mapping[str, str] | None = None,
        max_documents_per_customer: int = DEFAULT_MAX_DOCUMENTS,
        min_group_size: int = 10,
        random_state=None,
    ) -> None:
        self.epsilon = epsilon
        self.delta = delta
        self.quantities = quantities
        self.bounds = bounds
        self.bounds_source = bounds_source
        self.max_documents_per_customer = max_documents_per_customer
        self.min_group_size = min_group_size
        self.random_state = random_state

    # -- the release

    def release(self, data: ReleaseInput) -> dict[str, Any]:
        """Release the asked-for quantities of ``data``; a JSON-ready dict stating ε, δ,
        mechanism and sensitivity of every part. Raises ReleaseError for bad settings."""
        epsilon, delta = check_privacy_parameters(self.epsilon, self.delta)
        quantities = check_quantities(self.quantities)
        bounds = self._checked_bounds(data)
        cap = check_document_cap(self.max_documents_per_customer)
        k = int(self.min_group_size)
        split = budget_split(quantities, epsilon, delta)
        cells = (*sorted({int(s) for s in data.segments}), OUTSIDE)
        result: dict[str, Any] = {
            "epsilon": _clean(epsilon),
            "delta": _clean(delta),
            "mechanism": "gaussian_analytic" if delta > 0 else "laplace",
            "neighbouring": NEIGHBOURING,
            "composition": COMPOSITION,
            "split": {p: {"epsilon": _clean(e), "delta": _clean(d)} for p, (e, d) in split.items()},
            "quantities": list(quantities),
            "min_group_size": k,
            "suppressed": f"null: fewer than {k} (k-anonymity applies to noisy counts)",
        }
        sizes = self._sizes(data, cells, *split["sizes"], k)
        if "sizes" in quantities:
            result["sizes"] = sizes["public"]
        if "shares" in quantities:
            result["shares"] = _shares(sizes, cells)
        if "means" in quantities:
            result["means"] = self._means(data, cells, bounds, sizes, *split["means"])
        if "topics" in quantities:
            result["topics"] = self._topics(data, cells, sizes["shown"], cap, *split["topics"], k)
        return result

    def _mechanism(self, epsilon: float, delta: float, l1: float, l2: float) -> NoiseMechanism:
        return NoiseMechanism(
            epsilon=epsilon, delta=delta, l1=l1, l2=l2, random_state=self.random_state
        )

    def _sizes(self, data, cells, epsilon, delta, k) -> dict[str, Any]:
        segment = data.members["segment"].fillna(OUTSIDE).astype(int)
        exact = segment.value_counts().reindex(cells, fill_value=0).to_numpy(dtype=float)
        mechanism = self._mechanism(epsilon, delta, 1.0, 1.0)
        raw = mechanism.add(exact)
        counts = _counts(raw)
        small = {int(s) for s in data.small_segments}
        shown = np.array([n >= k and c not in small for c, n in zip(cells, counts, strict=True)])
        public = {
            **mechanism.describe(),
            "unit": "customers",
            "segments": {
                str(c): int(counts[i]) if shown[i] else None for i, c in enumerate(cells[:-1])
            },
            "outside_segments": int(counts[-1]) if shown[-1] else None,
            "total": int(max(0, round(float(raw.sum())))),
        }
        return {"public": public, "raw": raw, "counts": counts, "shown": shown}

    def _means(self, data, cells, bounds, sizes, epsilon, delta) -> dict[str, Any]:
        features = sorted(bounds)
        segment = data.members["segment"].fillna(OUTSIDE).astype(int)
        part: dict[str, Any] = {
            "epsilon": _clean(epsilon),
            "delta": _clean(delta),
            "mechanism": "gaussian_analytic" if delta > 0 else "laplace",
            "split": "equal over the features",
            "denominator": "the noisy segment sizes (post-processing of the sizes part)",
            "missing_values": "counted at the midpoint of the feature's bounds",
            "features": {},
            "segments": {str(c): {} for c in cells[:-1]},
            "population": {},
        }
        if not features:
            part["note"] = "No feature has bounds, so no mean is released."
            return part
        per_feature = (epsilon / len(features), delta / len(features))
        denominators = np.maximum(sizes["raw"], 1.0)
        total = max(float(sizes["raw"].sum()), 1.0)
        for feature in features:
            values = pd.to_numeric(data.members[feature], errors="coerce")
            sum_budget, found = per_feature, None
            if bounds[feature] is None:
                found, sum_budget = self._private_bounds(values, *per_feature)
                if not found["found"]:
                    part["features"][feature] = {
                        "bounds_source": "private",
                        "bounds_search": found["public"],
                        "note": NO_PRIVATE_BOUNDS,
                    }
                    continue
                lower, upper = found["bounds"]
            else:
                lower, upper = bounds[feature]
            middle, half_width = (lower + upper) / 2, (upper - lower) / 2
            centred = (values.clip(lower, upper) - middle).fillna(0.0)
            exact = centred.groupby(segment).sum().reindex(cells, fill_value=0.0).to_numpy()
            mechanism = self._mechanism(*sum_budget, half_width, half_width)
            noisy = mechanism.add(exact)
            means = np.clip(middle + noisy / denominators, lower, upper)
            part["features"][feature] = {
                **mechanism.describe(),
                "bounds": [_clean(lower), _clean(upper)],
                "bounds_source": (
                    "private" if found else (self.bounds_source or {}).get(feature, "declared")
                ),
                "query": "sum of clamp(value, lower, upper) - midpoint per segment",
                **({"bounds_search": found["public"]} if found else {}),
            }
            for i, cell in enumerate(cells[:-1]):
                part["segments"][str(cell)][feature] = (
                    _round(means[i]) if sizes["shown"][i] else None
                )
            population = np.clip(middle + float(noisy.sum()) / total, lower, upper)
            part["population"][feature] = _round(population)
        return part

    def _private_bounds(self, values: pd.Series, epsilon: float, delta: float):
        """Bounds of one feature found with BOUNDS_SHARE of its ε (Laplace, a histogram of
        L1 sensitivity 1); the rest of its ε and all of its δ are left for the sum."""
        share = epsilon * BOUNDS_SHARE
        mechanism = self._mechanism(share, 0.0, 1.0, 1.0)
        outcome = find_bounds(values.dropna().to_numpy(), mechanism.add, mechanism.scale)
        public = {
            "mechanism": mechanism.name,
            "epsilon": _clean(share),
            "delta": 0.0,
            "method": "noisy log2 histogram: the lowest and highest bins above the threshold",
            "threshold": _round(outcome.threshold),
        }
        found = {"found": outcome.found, "bounds": (outcome.lower, outcome.upper), "public": public}
        return found, (epsilon - share, delta)

    def _topics(self, data, cells, shown, cap, epsilon, delta, k) -> dict[str, Any]:
        documents = data.documents
        kept = documents[documents.groupby("customer", sort=False).cumcount() < cap]
        columns = (NO_TOPIC, *sorted({int(t) for t in data.topics} - {NO_TOPIC}))
        table = (
            pd.crosstab(kept["segment"].fillna(OUTSIDE).astype(int), kept["topic"].astype(int))
            .reindex(index=list(cells), columns=list(columns), fill_value=0)
            .to_numpy(dtype=float)
        )
        # Half the part for the (segment, topic) cells, half for each topic's total over
        # everyone; both have sensitivity c (a customer's c documents in L1 and L2).
        cell_noise = self._mechanism(epsilon / 2, delta / 2, float(cap), float(cap))
        total_noise = self._mechanism(epsilon / 2, delta / 2, float(cap), float(cap))
        raw = cell_noise.add(table.ravel()).reshape(table.shape)
        direct = total_noise.add(table.sum(axis=0))
        # Post-processing: the inverse-variance weighted mean of the direct total and the
        # sum of the noisy cells, the least-variance unbiased combination of the two.
        summed_variance = len(cells) * cell_noise.variance
        both = summed_variance + total_noise.variance
        weight = summed_variance / both if both > 0 else 0.5
        totals = weight * direct + (1 - weight) * raw.sum(axis=0)
        counts = _counts(raw)
        topical = raw[:, 1:]
        part: dict[str, Any] = {
            **cell_noise.describe(),
            "epsilon": _clean(epsilon),
            "delta": _clean(delta),
            "unit": "documents",
            "max_documents_per_customer": cap,
            "contribution": f"only the first {cap} documents of each customer are counted",
            "queries": {"cells": cell_noise.describe(), "totals": total_noise.describe()},
            "totals_estimate": (
                "inverse-variance weighted mean of the noisy total and the sum of the noisy "
                f"cells (weight {weight:.3f} on the total; post-processing)"
            ),
            "totals": {
                str(t): _suppress(n, k)
                for t, n in zip(columns[1:], _counts(totals[1:]), strict=True)
            },
            "no_topic": _suppress(_counts([totals[0]])[0], k),
            "all_documents": int(_counts([totals.sum()])[0]),
            "topical_documents": int(_counts([totals[1:].sum()])[0]),
            "segments": {},
        }
        for row, cell in enumerate(cells[:-1]):
            if not shown[row]:
                part["segments"][str(cell)] = None
                continue
            part["segments"][str(cell)] = {
                "documents": _suppress(_counts([raw[row].sum()])[0], k),
                "topical_documents": _suppress(_counts([topical[row].sum()])[0], k),
                "topics": {
                    str(t): _suppress(counts[row, j], k) for j, t in enumerate(columns) if t >= 0
                },
            }
        return part

    def _checked_bounds(self, data: ReleaseInput) -> dict[str, tuple[float, float] | None]:
        checked: dict[str, tuple[float, float] | None] = {}
        for feature, pair in (self.bounds or {}).items():
            if pair is None:
                if feature not in data.members.columns or feature == "segment":
                    raise ReleaseError(
                        f"{feature!r} is not a behavioural feature of these customers."
                    )
                checked[str(feature)] = None
                continue
            try:
                lower, upper = (float(v) for v in pair)
            except (TypeError, ValueError):
                raise ReleaseError(f"bounds of {feature!r} must be two numbers.") from None
            if not (math.isfinite(lower) and math.isfinite(upper)) or lower >= upper:
                raise ReleaseError(
                    f"bounds of {feature!r} must be finite with lower < upper, got {pair!r}."
                )
            if feature not in data.members.columns or feature == "segment":
                raise ReleaseError(f"{feature!r} is not a behavioural feature of these customers.")
            checked[str(feature)] = (lower, upper)
        return checked


# --- checks and the budget split --------------------------------------------------------------


def check_privacy_parameters(epsilon: Any, delta: Any) -> tuple[float, float]:
    """ε > 0 and finite, 0 <= δ < 1, as floats; ReleaseError otherwise."""
    try:
        epsilon, delta = float(epsilon), float(delta)
    except (TypeError, ValueError):
        raise ReleaseError("epsilon and delta must be numbers.") from None
    if not math.isfinite(epsilon) or not MIN_EPSILON <= epsilon <= MAX_EPSILON:
        raise ReleaseError(
            f"epsilon must be from {MIN_EPSILON:g} to {MAX_EPSILON:g}, got {epsilon!r}."
        )
    if not math.isfinite(delta) or not 0 <= delta < 1:
        raise ReleaseError(f"delta must be at least 0 and below 1, got {delta!r}.")
    return epsilon, delta


def check_document_cap(cap: Any) -> int:
    """The per-customer document cap as a whole number from 1 to 1,000; ReleaseError otherwise."""
    try:
        value = int(cap)
    except (TypeError, ValueError):
        raise ReleaseError("max_documents_per_customer must be a whole number.") from None
    if value != cap or not 1 <= value <= 1000:
        raise ReleaseError(f"max_documents_per_customer must be from 1 to 1000, got {cap!r}.")
    return value


def check_quantities(quantities: Iterable[str] | None) -> tuple[str, ...]:
    """The asked-for quantities in canonical order; ReleaseError for an unknown or empty list."""
    asked = list(quantities) if quantities is not None else list(QUANTITIES)
    unknown = sorted(set(asked) - set(QUANTITIES))
    if unknown:
        raise ReleaseError(
            f"unknown quantit{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}; "
            f"choose from {', '.join(QUANTITIES)}."
        )
    if not asked:
        raise ReleaseError("ask for at least one quantity.")
    return tuple(q for q in QUANTITIES if q in asked)


def budget_split(
    quantities: Sequence[str], epsilon: float, delta: float
) -> dict[str, tuple[float, float]]:
    """(ε, δ) of each part computed: sizes (always: every other part's k-check and the
    means' denominators need the noisy sizes), means, topics.

    Weights sizes 1, means 2, topics 1, normalised over the parts computed;
    the parts' ε and δ add up to the release's (sequential composition).
    """
    parts = ["sizes", *(p for p in ("means", "topics") if p in quantities)]
    total = sum(WEIGHTS[p] for p in parts)
    return {p: (epsilon * WEIGHTS[p] / total, delta * WEIGHTS[p] / total) for p in parts}


# --- post-processing --------------------------------------------------------------------------


def _counts(raw: Iterable[float]) -> np.ndarray:
    """Noisy counts rounded to whole numbers and clamped at 0."""
    return np.maximum(np.rint(np.asarray(raw, dtype=float)), 0).astype(int)


def _suppress(count: int, k: int) -> int | None:
    """The count, or None when it is below k ("fewer than k")."""
    return int(count) if count >= k else None


def _shares(sizes: dict[str, Any], cells: tuple[int, ...]) -> dict[str, Any]:
    raw, shown = sizes["raw"], sizes["shown"]
    total = float(max(raw.sum(), 1.0))

    def share(i: int) -> float | None:
        return round(float(max(raw[i], 0.0)) / total, 4) if shown[i] else None

    return {
        "derived_from": "sizes (post-processing: no extra privacy cost)",
        "segments": {str(c): share(i) for i, c in enumerate(cells[:-1])},
        "outside_segments": share(len(cells) - 1),
    }


def _round(value: float) -> float:
    return float(round(float(value), 4))


def _clean(value: float) -> float:
    """Floats as stored in JSON without noise from the split (0.30000000000000004 -> 0.3)."""
    return float(f"{float(value):.12g}")
