"""Populations of customers that hold different features: found before anything is fitted.

Customers of one base often arrive from different files: reviewers with text
and order history, a CRM export with other columns and no text at all, a
loyalty file whose columns nobody else has. Clustered together, such groups
come apart by *which features they have* (their data source), not by who they
are. :func:`describe_populations` finds them from presence alone: each
customer's *signature* is the set of features it holds (``text`` when it wrote
anything, and every behaviour column it has a value for); signatures held by
at least ``min_share`` of the customers are populations, and rarer signatures
(a customer missing one value) join the population whose features they share
most. A population's features are those most of its members hold.

The :class:`PopulationReport` says how many populations there are, their
sizes and features, which pairs share no feature at all (*disjoint*), which
behaviour columns only one population (or one source, when sources are
given) holds, and gives one label per customer so a feature builder can treat
the populations apart. :meth:`PopulationReport.notes` words it for a run page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["TEXT", "Population", "PopulationReport", "describe_populations"]

TEXT = "text"
"""The feature name of "wrote at least one document" in signatures and reports."""

_SHOWN_COLUMNS = 6  # a note names at most this many columns of one population


@dataclass(frozen=True)
class Population:
    """Customers holding the same features: how many, and which features."""

    number: int
    size: int
    share: float
    has_text: bool
    behaviour: tuple[str, ...]
    sources: tuple[str, ...] = ()

    @property
    def features(self) -> frozenset[str]:
        """Every feature the population holds (``text`` included when it writes)."""
        return frozenset(self.behaviour) | ({TEXT} if self.has_text else set())

    def describe(self) -> str:
        """In words: "1,200 customers with text and orders, spend"."""
        columns = _listed(self.behaviour)
        if self.has_text and columns:
            held = f"with text and {columns}"
        elif self.has_text:
            held = "with text and no behaviour columns"
        elif columns:
            held = f"without text, with {columns}"
        else:
            held = "with neither text nor behaviour columns"
        return f"{self.size:,} customer{'s' if self.size != 1 else ''} {held}"


@dataclass(frozen=True)
class PopulationReport:
    """The populations of one set of customers, and how far their features overlap.

    ``labels`` gives each customer (in input order) the number of its population.
    ``disjoint`` lists pairs of population numbers that share no feature.
    ``exclusive_columns`` maps a behaviour column to the one population holding it
    when several populations exist; ``source_columns`` maps a column to the one
    source whose customers hold it (only when sources were given and differ).
    """

    n_customers: int
    populations: tuple[Population, ...]
    disjoint: tuple[tuple[int, int], ...]
    exclusive_columns: dict[str, int]
    source_columns: dict[str, str] = field(default_factory=dict)
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int), compare=False)

    @property
    def mixed(self) -> bool:
        """Whether populations hold features others lack: some share no feature at all, a
        behaviour column belongs to one population only, or columns follow a source.

        Customers who wrote nothing beside writers with the same behaviour columns are
        one base, not a mix: their behaviour places them among the writers.
        """
        return bool(self.disjoint or self.exclusive_columns or self.source_columns)

    @property
    def text_split(self) -> bool:
        """Whether some populations write and others do not."""
        return len({p.has_text for p in self.populations}) > 1

    def notes(self) -> list[str]:
        """Sentences for a run page: nothing when the customers are one population."""
        if not self.mixed:
            return []
        notes: list[str] = []
        if len(self.populations) > 1:
            groups = "; ".join(p.describe() for p in self.populations)
            notes.append(
                f"Mixed populations: the {self.n_customers:,} customers fall into "
                f"{len(self.populations)} groups that hold different features ({groups})."
            )
        if self.disjoint:
            pairs = ", ".join(f"groups {a + 1} and {b + 1}" for a, b in self.disjoint)
            notes.append(
                f"Some groups share no feature at all ({pairs}): no measurement compares "
                "their customers with each other's, so segments that follow these groups "
                "reflect where the data came from, not who the customers are."
            )
        elif self.text_split:
            silent = sum(p.size for p in self.populations if not p.has_text)
            notes.append(
                f"{silent:,} customers have written nothing: what segments say about texts "
                "and topics does not describe them."
            )
        if self.exclusive_columns and len(self.populations) > 1:
            by_group: dict[int, list[str]] = {}
            for column, number in sorted(self.exclusive_columns.items()):
                by_group.setdefault(number, []).append(column)
            held = "; ".join(
                f"{_listed(tuple(columns))} only in group {number + 1}"
                for number, columns in sorted(by_group.items())
            )
            notes.append(f"Behaviour columns held by one group only: {held}.")
        if self.source_columns:
            by_source: dict[str, list[str]] = {}
            for column, source in sorted(self.source_columns.items()):
                by_source.setdefault(source, []).append(column)
            held = "; ".join(
                f"{_listed(tuple(columns))} only for customers from {source}"
                for source, columns in sorted(by_source.items())
            )
            notes.append(f"Columns that come from one source only: {held}.")
        return notes

    def as_dict(self) -> dict:
        """JSON-safe form (without the per-customer labels), to store beside a run."""
        return {
            "n_customers": self.n_customers,
            "mixed": self.mixed,
            "populations": [
                {
                    "number": p.number,
                    "size": p.size,
                    "share": round(p.share, 4),
                    "has_text": p.has_text,
                    "behaviour": list(p.behaviour),
                    "sources": list(p.sources),
                }
                for p in self.populations
            ],
            "disjoint": [list(pair) for pair in self.disjoint],
            "exclusive_columns": dict(self.exclusive_columns),
            "source_columns": dict(self.source_columns),
            "notes": self.notes(),
        }


def describe_populations(
    has_text: Sequence[bool] | np.ndarray,
    behaviour: pd.DataFrame | None,
    *,
    sources: Sequence[str] | None = None,
    min_share: float = 0.05,
) -> PopulationReport:
    """Find the groups of customers that hold different features (text, behaviour columns).

    ``has_text`` says per customer whether it wrote anything; ``behaviour`` has
    one row per customer in the same order (missing values as NaN; a column
    counts as held by a customer when its value is present). ``sources``
    optionally names each customer's file or source, to find columns held only
    by customers of one source. A signature held by fewer than ``min_share`` of
    the customers is not a population of its own: it joins the population
    whose features overlap it most.
    """
    text = np.asarray(has_text, dtype=bool).reshape(-1)
    n = int(text.size)
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1], got {min_share}")
    present, columns = _presence(behaviour, n)
    if n == 0:
        return PopulationReport(0, (), (), {}, labels=np.zeros(0, dtype=int))
    held = np.column_stack([text, present]) if present.shape[1] else text[:, None]
    rows, inverse, sizes = np.unique(held, axis=0, return_inverse=True, return_counts=True)
    signatures = [_signature(row[0], row[1:], columns) for row in rows]
    homes, kept = _group(signatures, sizes, min_share, n)
    labels = homes[inverse.reshape(-1)]
    populations = _populations(labels, kept, text, present, columns, sources, n)
    labels = _renumber(labels, populations)
    populations = tuple(
        Population(i, p.size, p.share, p.has_text, p.behaviour, p.sources)
        for i, p in enumerate(populations)
    )
    disjoint = tuple(
        (a.number, b.number)
        for i, a in enumerate(populations)
        for b in populations[i + 1 :]
        if not a.features & b.features
    )
    exclusive = _exclusive_columns(populations) if len(populations) > 1 else {}
    source_columns = _source_columns(present, columns, sources, n)
    return PopulationReport(n, populations, disjoint, exclusive, source_columns, labels)


def _presence(behaviour: pd.DataFrame | None, n: int) -> tuple[np.ndarray, list[str]]:
    """Customers x columns: whether each customer has a value; the column names."""
    if behaviour is None or behaviour.shape[1] == 0:
        return np.zeros((n, 0), dtype=bool), []
    if len(behaviour) != n:
        raise ValueError(f"behaviour has {len(behaviour)} rows for {n} customers")
    columns = [str(c) for c in behaviour.columns]
    return behaviour.notna().to_numpy(dtype=bool), columns


def _signature(text: bool, present: np.ndarray, columns: list[str]) -> frozenset[str]:
    held = {columns[j] for j in np.flatnonzero(present)}
    return frozenset(held | ({TEXT} if text else set()))


def _group(
    signatures: list[frozenset[str]], sizes: np.ndarray, min_share: float, n: int
) -> tuple[np.ndarray, list[frozenset[str]]]:
    """Each distinct signature's population (index into the kept ones), rare ones folded in."""
    counts = Counter(dict(zip(signatures, (int(x) for x in sizes), strict=True)))
    ranked = sorted(counts, key=lambda s: (-counts[s], sorted(s)))
    floor = min_share * n
    kept = [s for s in ranked if counts[s] >= floor] or ranked[:1]
    return np.array([_closest(s, kept, counts) for s in signatures], dtype=int), kept


def _closest(signature: frozenset[str], kept: list[frozenset[str]], counts: Counter) -> int:
    """The kept signature overlapping ``signature`` most (Jaccard), the larger on a tie."""

    def overlap(i: int) -> tuple[float, int]:
        other = kept[i]
        union = signature | other
        score = len(signature & other) / len(union) if union else 1.0
        return (score, counts[other])

    return max(range(len(kept)), key=overlap)


def _populations(
    labels: np.ndarray,
    kept: list[frozenset[str]],
    text: np.ndarray,
    present: np.ndarray,
    columns: list[str],
    sources: Sequence[str] | None,
    n: int,
) -> list[Population]:
    """One population per kept signature (features: held by most members); equal ones merged."""
    merged: dict[tuple[bool, tuple[str, ...]], list[int]] = {}
    for index in range(len(kept)):
        members = labels == index
        if not members.any():
            continue
        writes = bool(text[members].mean() >= 0.5)
        held = tuple(c for j, c in enumerate(columns) if present[members, j].mean() >= 0.5)
        merged.setdefault((writes, held), []).append(index)
    populations = []
    for (writes, held), indices in merged.items():
        members = np.isin(labels, indices)
        for index in indices:
            labels[labels == index] = indices[0]
        size = int(members.sum())
        populations.append(
            Population(indices[0], size, size / n, writes, held, _sources_of(sources, members))
        )
    return sorted(populations, key=lambda p: (-p.size, not p.has_text, p.behaviour))


def _renumber(labels: np.ndarray, populations: list[Population]) -> np.ndarray:
    """Labels numbered as the populations are ordered (largest first)."""
    order = {p.number: i for i, p in enumerate(populations)}
    return np.array([order[int(label)] for label in labels], dtype=int)


def _sources_of(sources: Sequence[str] | None, members: np.ndarray) -> tuple[str, ...]:
    if sources is None:
        return ()
    held = Counter(str(sources[i]) for i in np.flatnonzero(members))
    return tuple(s for s, _ in held.most_common())


def _exclusive_columns(populations: tuple[Population, ...]) -> dict[str, int]:
    """Behaviour columns that exactly one population holds."""
    holders: dict[str, list[int]] = {}
    for population in populations:
        for column in population.behaviour:
            holders.setdefault(column, []).append(population.number)
    return {column: owners[0] for column, owners in holders.items() if len(owners) == 1}


def _source_columns(
    present: np.ndarray, columns: list[str], sources: Sequence[str] | None, n: int
) -> dict[str, str]:
    """Columns held only by customers of one source, when customers come from several."""
    if sources is None or not columns:
        return {}
    if len(sources) != n:
        raise ValueError(f"{len(sources)} sources for {n} customers")
    labels = np.asarray([str(s) for s in sources])
    if len(set(labels.tolist())) < 2:
        return {}
    found = {}
    for j, column in enumerate(columns):
        holders = set(labels[present[:, j]].tolist())
        if len(holders) == 1:
            found[column] = holders.pop()
    return found


def _listed(columns: tuple[str, ...]) -> str:
    shown = ", ".join(columns[:_SHOWN_COLUMNS])
    more = len(columns) - _SHOWN_COLUMNS
    return f"{shown} and {more} more" if more > 0 else shown
