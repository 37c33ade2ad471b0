"""Counting a run's members for the chat: exact thresholds, or population bands by role.

`count` answers "how many members (of a segment, or of the run) meet these
filters". Filters are category equalities ("region == london") and numeric
comparisons ("spend_12m > 500"). Roles that may read customers' own records
(`view_customer_profiles`: their behaviour and sensitive columns) get the threshold they
asked for: a count tells them nothing their customer pages do not. Every other
role (product managers, privacy officers, integrations) gets each threshold snapped to the
question's band grid (`differencing`), so that no pair of answers isolates
fewer than k customers; the answer says so and names the band. A numeric filter
that no grid can serve without splitting a group below k is withheld with the
reason.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Avg

from segapp.models import DocumentResult, Membership
from segapp.selectors import personas
from segapp.selectors.customer_explanations import feature_number
from segapp.services.chat import differencing, figures
from segapp.services.chat.customer_columns import category_values
from segapp.services.chat.differencing import Band
from segapp.services.sensitive import (
    canonical_sensitive,
    declared_sensitive_names,
    without_sensitive,
)

if TYPE_CHECKING:
    from segapp.services.chat.tools import ToolContext

EXACT_COUNTS = "view_customer_profiles"  # the capability whose holders get thresholds as asked
MAX_ROUNDS = 5  # settling several banded filters on each other's grids
OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "=": lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
}
OP_WORDS = {">": "over", ">=": "at least", "<": "under", "<=": "at most", "=": "exactly"}
SEGMENT = "_segment"  # the key of a member row holding its segment number (None: outlier)
SENSITIVE_NUMBER = "sensitive:"  # the prefix of a member row's sensitive numbers ("sensitive:age")


@dataclass
class Counted:
    """What a count found: members in scope, matching (None: withheld), words and band facts."""

    members: int
    matching: int | None = None
    condition: str = ""
    withheld: str | None = None
    rounded: list[dict[str, Any]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)


def exact_thresholds(ctx: ToolContext) -> bool:
    """Whether the asker's counts use thresholds as asked (customer-level access)."""
    return ctx.allowed(EXACT_COUNTS)


def count(ctx: ToolContext, segment: int | None, wanted: list[dict[str, Any]]) -> Counted:
    """Members of `segment` (None: the run) meeting every filter of `wanted`, for the asker.

    Each filter is {"measure", "label", "op", "value"}; op "==" compares a
    category (value lower-case), the others numbers.
    """
    rows = member_rows(ctx, with_sentiment=any(w["measure"] == "sentiment" for w in wanted))
    scope = [row for row in rows if segment is None or row[SEGMENT] == segment]
    numeric = [i for i, w in enumerate(wanted) if w["op"] != "=="]
    if not numeric or exact_thresholds(ctx):
        matching = sum(1 for row in scope if all(matches(row, w) for w in wanted))
        words = " and ".join(condition_words(w) for w in wanted)
        return Counted(members=len(scope), matching=matching, condition=words)
    return _banded_count(ctx, rows, segment, wanted, numeric)


# --- member values ------------------------------------------------------------------------------


def member_rows(ctx: ToolContext, *, with_sentiment: bool) -> list[dict[str, Any]]:
    """Every member of the run outside segments below k, with their values (once per question).

    A row holds the member's text columns (attributes, sensitive; spellings of
    one name under its canonical key, `customer_columns.category_values`),
    numeric behaviour and event features (never a name declared sensitive),
    "sentiment" (their documents' mean, when asked) and their segment number
    under SEGMENT.
    """
    return ctx.cached(("member_rows", with_sentiment), lambda: _read_rows(ctx, with_sentiment))


def _read_rows(ctx: ToolContext, with_sentiment: bool) -> list[dict[str, Any]]:
    found = Membership.objects.filter(run=ctx.run)
    small = [s.pk for s in ctx.segments() if personas.is_small(s, ctx.k)]
    if small:
        found = found.exclude(segment__in=small)
    rows = found.values_list(
        "customer_id",
        "segment__number",
        "customer__behaviour",
        "customer__event_features",
        "customer__attributes",
        "customer__sensitive",
    )
    moods: dict[int, float] = {}
    if with_sentiment:
        moods = dict(
            DocumentResult.objects.filter(run=ctx.run, document__customer__memberships__in=found)
            .values("document__customer_id")
            .annotate(mood=Avg("sentiment"))
            .values_list("document__customer_id", "mood")
        )
    declared = declared_sensitive_names()
    hidden = frozenset(declared)
    values = []
    for customer, number, behaviour, events, attributes, sensitive in rows:
        merged: dict[str, Any] = category_values(attributes, sensitive, declared=declared)
        for name, value in canonical_sensitive(sensitive, declared=declared).items():
            amount = feature_number(value)  # "age 35": a sensitive number, for allowed roles
            if amount is not None:
                merged[SENSITIVE_NUMBER + name] = amount
        numbers = without_sensitive({**(behaviour or {}), **(events or {})}, hidden)
        merged |= {k: feature_number(v) for k, v in numbers.items()}
        merged["sentiment"] = moods.get(customer)
        merged[SEGMENT] = number
        values.append(merged)
    return values


def _number(row: dict[str, Any], measure: str) -> float | None:
    value = row.get(measure)
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _category(row: dict[str, Any], column: str) -> str | None:
    value = row.get(column)
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def matches(row: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether one member's values meet one filter (numeric comparison or category)."""
    if wanted["op"] == "==":
        return _category(row, wanted["measure"]) == wanted["value"]
    value = _number(row, wanted["measure"])
    return value is not None and OPS[wanted["op"]](value, wanted["value"])


def condition_words(wanted: dict[str, Any]) -> str:
    """A filter as the answer writes it: "region “north”", "spend over 500"."""
    if wanted["op"] == "==":
        return f"{wanted['label'].lower()} “{wanted['value']}”"
    return (
        f"{wanted['label'].lower()} {OP_WORDS[wanted['op']]} {figures.threshold(wanted['value'])}"
    )


# --- banded thresholds --------------------------------------------------------------------------


def population_grid(ctx: ToolContext, rows: list[dict[str, Any]], measure: str) -> list[float]:
    """The measure's population grid over the run's members (once per question)."""
    return ctx.cached(
        ("grid", measure),
        lambda: differencing.population_grid(
            [v for v in (_number(row, measure) for row in rows) if v is not None], k=ctx.k
        ),
    )


def _banded_count(
    ctx: ToolContext,
    rows: list[dict[str, Any]],
    segment: int | None,
    wanted: list[dict[str, Any]],
    numeric: list[int],
) -> Counted:
    """The count with every numeric filter snapped to its question grid (settled jointly)."""
    bands: dict[int, Band] = {}
    grids: dict[int, list[float]] = {}
    for _ in range(MAX_ROUNDS):
        changed = False
        for i in numeric:
            grid = _question_grid(ctx, rows, segment, wanted, bands, i)
            if isinstance(grid, str):
                return Counted(members=_in_scope(rows, segment), withheld=grid)
            values = [
                v for v in (_number(row, wanted[i]["measure"]) for row in rows) if v is not None
            ]
            band = differencing.snap(wanted[i]["op"], wanted[i]["value"], grid,
                                     lowest=min(values), highest=max(values))  # fmt: skip
            grids[i] = grid
            if bands.get(i) != band:
                bands[i], changed = band, True
        if not changed:
            break
    else:
        return Counted(members=_in_scope(rows, segment), withheld=_no_grid(ctx, wanted[numeric[0]]))
    tests = [_test(w, bands.get(i)) for i, w in enumerate(wanted)]
    scope = [row for row in rows if segment is None or row[SEGMENT] == segment]
    matching = sum(1 for row in scope if all(test(row) for test in tests))
    counted = Counted(members=len(scope), matching=matching)
    words = [condition_words(w) if w["op"] == "==" else _band_words(w, bands[i])
             for i, w in enumerate(wanted)]  # fmt: skip
    asked = " and ".join(condition_words(wanted[i]) for i in numeric)
    counted.condition = (
        " and ".join(words) + f" (you asked for {asked}: thresholds are rounded to population "
        f"bands of at least {ctx.k} customers for your role)"
    )
    for i in numeric:
        others = [test for j, test in enumerate(tests) if j != i]
        context = [row for row in scope if all(test(row) for test in others)]
        rounding = _rounding(wanted[i], bands[i], grids[i], context)
        counted.rounded.append(rounding)
        counted.facts.append(_band_fact(wanted[i], bands[i], rounding))
    return counted


def _in_scope(rows: list[dict[str, Any]], segment: int | None) -> int:
    return sum(1 for row in rows if segment is None or row[SEGMENT] == segment)


def _test(wanted: dict[str, Any], band: Band | None) -> Callable[[dict[str, Any]], bool]:
    """A member test for one filter: the category, or the numeric filter's band."""
    if band is None:
        return lambda row: matches(row, wanted)
    measure = wanted["measure"]

    def inside(row: dict[str, Any]) -> bool:
        value = _number(row, measure)
        return value is not None and band.holds(value)

    return inside


def _question_grid(
    ctx: ToolContext,
    rows: list[dict[str, Any]],
    segment: int | None,
    wanted: list[dict[str, Any]],
    bands: dict[int, Band],
    i: int,
) -> list[float] | str:
    """The grid filter `i` may snap to, given the other filters as they stand; a str: why none.

    The groups to keep whole are the cells of every partition a difference
    reaches: for each other condition (the segment, each other filter), the
    members meeting the rest split by that condition's column.
    """
    measure = wanted[i]["measure"]
    # (key of a member, the question's own key, whether sibling cells are kept whole)
    conditions: list[tuple[Callable[[dict[str, Any]], Any], Any, bool]] = []
    if segment is not None:  # members' segments are not shown to these roles: see the module
        conditions.append((lambda row: row[SEGMENT], segment, False))
    for j, w in enumerate(wanted):
        if j == i:
            continue
        if w["op"] == "==":
            conditions.append(
                (lambda row, column=w["measure"]: _category(row, column), w["value"], True)
            )
        else:
            test = _test(w, bands.get(j))
            conditions.append((test, True, True))
    groups: list[list[float]] = []
    if not conditions:
        groups.append(sorted(v for v in (_number(row, measure) for row in rows) if v is not None))
    for o, (key, own, siblings) in enumerate(conditions):
        rest = [(c[0], c[1]) for p, c in enumerate(conditions) if p != o]
        cells: dict[Any, list[float]] = {}
        for row in rows:
            value = _number(row, measure)
            if value is not None and all(key_of(row) == wanted_key for key_of, wanted_key in rest):
                cells.setdefault(key(row), []).append(value)
        cells.setdefault(own, [])
        found, pooled = differencing.pool_cells(cells, own, k=ctx.k, siblings=siblings)
        if pooled:
            return _no_grid(ctx, wanted[i])
        groups.extend(found)
    grid = differencing.question_grid(population_grid(ctx, rows, measure), groups, k=ctx.k)
    return grid or _no_grid(ctx, wanted[i])


def _no_grid(ctx: ToolContext, wanted: dict[str, Any]) -> str:
    label = wanted["label"].lower()
    return (
        f"For your role I can't count {condition_words(wanted)} with those filters: any "
        f"threshold on {label} would separate groups of fewer than {ctx.k} customers. Ask "
        f"without the {label} threshold, or with fewer filters."
    )


def _band_words(wanted: dict[str, Any], band: Band) -> str:
    label = wanted["label"].lower()
    if band.nobody:
        return f"{label} above every band"
    if band.low is None and band.high is None:
        return f"any {label}"
    if band.high is None:
        return f"{label} at least {figures.number(band.low)}"
    if band.low is None:
        return f"{label} under {figures.number(band.high)}"
    return f"{label} from {figures.number(band.low)} to under {figures.number(band.high)}"


def _edges(band: Band) -> list[float]:
    return [p for p in (band.low, band.high) if p is not None and math.isfinite(p)]


def _neighbours(band: Band, grid: list[float]) -> list[tuple[float | None, float | None]]:
    """The bands of the question grid on either side of the band's edges."""
    edges = [-math.inf, *grid, math.inf]
    around = []
    for point in _edges(band):
        at = edges.index(point)
        around += [(edges[at - 1], point), (point, edges[at + 1])]
    return list(dict.fromkeys(around))


def _rounding(
    wanted: dict[str, Any], band: Band, grid: list[float], context: list[dict[str, Any]]
) -> dict[str, Any]:
    """The plan's record of one rounded threshold: asked, counted, and the bands around it."""
    values = [v for v in (_number(row, wanted["measure"]) for row in context) if v is not None]
    around = []
    for low, high in _neighbours(band, grid):
        n = sum(1 for v in values if low <= v < high)
        around.append({"from": low if math.isfinite(low) else None,
                       "to": high if math.isfinite(high) else None, "customers": n})  # fmt: skip
    return {
        "measure": wanted["measure"],
        "asked": {"op": wanted["op"], "value": wanted["value"]},
        "counted": {"from": band.low, "to": band.high} if not band.nobody else {"nobody": True},
        "bands": around,
    }


def _band_fact(wanted: dict[str, Any], band: Band, rounding: dict[str, Any]) -> tuple[str, str]:
    """("Rounded threshold", "spend at least 3,000 (asked over 3,005); band 2,800 to 3,000: 41")."""
    text = f"{_band_words(wanted, band)} (asked: {OP_WORDS[wanted['op']]} " \
           f"{figures.threshold(wanted['value'])})"  # fmt: skip
    parts = []
    for b in rounding["bands"]:
        low = "the lowest" if b["from"] is None else figures.number(b["from"])
        high = "the highest" if b["to"] is None else f"under {figures.number(b['to'])}"
        parts.append(f"{low} to {high}: {figures.count(b['customers'])} customers")
    if parts:
        text += "; bands " + ", ".join(parts)
    return "Threshold rounded for your role", text
