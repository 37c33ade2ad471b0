"""Reading a run's bias audit: what the audit page, the API, the run page and the CLI show.

The stored result (`BiasAudit.result`, written by `services.bias`) already hides
every cell below the k in force when it was computed. Reading applies k-anonymity
again against the k in force now (`audit_k`), so raising `VOXSEG_MIN_GROUP_SIZE`
takes effect at once:

- a segment below k (or marked small) is not listed, only counted with the
  small segments;
- a (segment, category) cell, a rest-of-population cell or a population cell
  below k shows no share ("fewer than k"); when a row would hide exactly one
  cell, its next smallest is hidden too, so the hidden one cannot be recovered
  from the row's total; effect sizes of hidden cells are dropped;
- flag reasons quote only shares that are shown.

Shares are of all the segment's customers, so customers without a value form
the category "not given" (hidden like any other below k).
"""

from __future__ import annotations

from typing import Any

from segapp.models import BiasAudit, RunStatus, SegmentationRun
from segapp.selectors.personas import is_small, min_group_size
from segapp.selectors.runs import segments_of


def audit_k(run: SegmentationRun) -> int:
    """k for a run's audit: the current VOXSEG_MIN_GROUP_SIZE, or the run's own if larger."""
    recorded = (run.parameters or {}).get("min_group_size") or 0
    return max(min_group_size(), int(recorded))


def stored_audit(run: SegmentationRun) -> BiasAudit | None:
    """The audit stored for a run, if any (never computes one)."""
    return BiasAudit.objects.filter(run=run).first()


def bias_audit_view(run: SegmentationRun, audit: BiasAudit | None) -> dict[str, Any]:
    """Everything the audit page and the API show, k-checked now.

    `state` says what there is: "ready", "missing" (not computed yet),
    "error" (the computation failed; `message` says so) or "not_succeeded"
    (the run has no results to audit).
    """
    base: dict[str, Any] = {"run": run.pk, "run_status": run.status}
    if run.status != RunStatus.SUCCEEDED:
        message = f"Run {run.pk} has status {run.status}: bias audits are made for succeeded runs."
        return {**base, "state": "not_succeeded", "message": message, "summary": message}
    if audit is None:
        message = "This run has no bias audit yet."
        return {**base, "state": "missing", "message": message, "summary": "not computed yet"}
    result = audit.result or {}
    if "error" in result:
        return {
            **base,
            "state": "error",
            "message": result["error"],
            "computed_at": result.get("computed_at"),
            "summary": "could not be computed",
        }
    k = max(audit_k(run), int(result.get("min_group_size", 0)))
    segments = {s.number: s for s in segments_of(run)}
    shown = {
        s["segment"]: {
            "number": s["segment"],
            "name": segments[s["segment"]].name,
            "size": s["size"],
        }
        for s in result.get("segments", [])
        if _reportable(s, segments, k)
    }
    attributes = [_attribute(a, shown, k) for a in result.get("attributes", [])]
    flags = [
        {
            "segment": row["segment"],
            "name": row["name"],
            "attribute": a["name"],
            "reason": row["reason"],
        }
        for a in attributes
        for row in a.get("rows", [])
        if row["flagged"]
    ]
    proxy = _proxy(result.get("proxy") or {})
    view = {
        **base,
        "state": "ready",
        "computed_at": result.get("computed_at"),
        "seconds": result.get("seconds"),
        "min_group_size": k,
        "n_customers": result.get("n_customers", 0),
        "n_outliers": result.get("n_outliers", 0),
        "small_segments": result.get("small_segments", 0)
        + len(result.get("segments", []))
        - len(shown),
        "segments": list(shown.values()),
        "thresholds": result.get("thresholds", {}),
        "attributes": attributes,
        "flags": flags,
        "proxy": proxy,
        "notes": result.get("notes", []),
    }
    view["summary"] = _summary(flags, proxy)
    return view


def _reportable(stored: dict, segments: dict, k: int) -> bool:
    """Whether an audited segment may be shown now: it exists and has at least k customers."""
    segment = segments.get(stored["segment"])
    return segment is not None and stored["size"] >= k and not is_small(segment, k)


def bias_summary(run: SegmentationRun) -> str:
    """One line on a run's stored audit: "1 segment strongly skewed (age) · no proxy found"."""
    return bias_audit_view(run, stored_audit(run))["summary"]


# --- attributes -------------------------------------------------------------------------------


def _hide_small(counts: list[int | None], k: int) -> list[int | None]:
    """Hide counts below k (None stays hidden), and a second one when only one is hidden."""
    hidden = [c is None or c < k for c in counts]
    if sum(hidden) == 1 and len(counts) > 1:
        shown = [i for i, h in enumerate(hidden) if not h]
        hidden[min(shown, key=lambda i: counts[i])] = True
    return [None if h else c for c, h in zip(counts, hidden, strict=True)]


def _share(count: int | None, total: int) -> float | None:
    return None if count is None or not total else round(count / total, 4)


def _attribute(attribute: dict[str, Any], shown: dict[int, dict], k: int) -> dict[str, Any]:
    if attribute.get("status") != "audited":
        return {"name": attribute["name"], "status": "skipped", "note": attribute.get("note", "")}
    categories = attribute["categories"]
    population = attribute["population"]
    population_counts = _hide_small(population["counts"], k)
    out: dict[str, Any] = {
        "name": attribute["name"],
        "kind": attribute["kind"],
        "status": "audited",
        "notes": attribute.get("notes", []),
        "categories": categories,
        "population": {
            "n": population["n"],
            "mean": population.get("mean"),
            "median": population.get("median"),
            "cells": [
                {"category": c, "share": _share(n, population["n"])}
                for c, n in zip(categories, population_counts, strict=True)
            ],
        },
        "omnibus": attribute.get("omnibus"),
        "rows": [
            _row(attribute, row, shown[row["segment"]], k)
            for row in attribute.get("rows", [])
            if row["segment"] in shown
        ],
    }
    return out


def _row(attribute: dict[str, Any], row: dict[str, Any], segment: dict, k: int) -> dict[str, Any]:
    counts = _hide_small(row["counts"], k)
    rest_counts = _hide_small(row["rest_counts"], k)
    cells = []
    for i, category in enumerate(attribute["categories"]):
        stored = row["cells"][category]
        visible = counts[i] is not None and rest_counts[i] is not None
        cells.append(
            {
                "category": category,
                "share": _share(counts[i], row["n"]),
                "rest_share": _share(rest_counts[i], row["rest_n"]),
                "difference": stored["difference"] if visible else None,
                "cohens_h": stored["cohens_h"] if visible else None,
                "direction": stored["direction"],
                "flagged": category in row["flagged_cells"],
            }
        )
    out = {
        "segment": row["segment"],
        "name": segment["name"],
        "n": row["n"],
        "mean": row.get("mean"),
        "median": row.get("median"),
        "rest_mean": row.get("rest_mean"),
        "test": row["test"],
        "statistic": row["statistic"],
        "dof": row.get("dof"),
        "p_value": row["p_value"],
        "p_adjusted": row["p_adjusted"],
        "effect": row["effect"],
        "significant": row["significant"],
        "flagged": row["flagged"],
        "cells": cells,
    }
    out["reason"] = _reason(attribute, out, k) if row["flagged"] else ""
    return out


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _reason(attribute: dict[str, Any], row: dict[str, Any], k: int) -> str:
    """Why a segment is flagged on an attribute, quoting only shares that are shown."""
    name = attribute["name"]
    if attribute["kind"] == "numeric":
        d = row["effect"]["cohens_d"]
        age = name.lower() == "age" or name.lower().endswith("_age")
        words = ("older" if d > 0 else "younger") if age else ("higher" if d > 0 else "lower")
        return (
            f"{words}: mean {row['mean']:.1f} vs {row['rest_mean']:.1f} for everyone else "
            f"(Cohen's d {d:+.2f})"
        )
    parts = []
    for cell in row["cells"]:
        if not cell["flagged"]:
            continue
        more = "more" if cell["direction"] == "higher" else "fewer"
        if cell["share"] is not None and cell["rest_share"] is not None:
            parts.append(
                f"{cell['category']} {_percent(cell['share'])} vs "
                f"{_percent(cell['rest_share'])} for everyone else"
            )
        else:
            parts.append(f"{more} {cell['category']} than elsewhere (a count below {k} is hidden)")
    return "; ".join(parts)


# --- proxies and summary ----------------------------------------------------------------------


def _proxy(proxy: dict[str, Any]) -> dict[str, Any]:
    attributes = []
    for item in proxy.get("attributes", []):
        sides = [item.get("from_segments") or {}, item.get("from_features") or {}]
        flagged = any(side.get("flagged") for side in sides)
        attributes.append({**item, "flagged": flagged, "verdict": _verdict(item)})
    return {
        "n": proxy.get("n", 0),
        "folds": proxy.get("folds"),
        "notes": proxy.get("notes", []),
        "attributes": attributes,
    }


def _verdict(item: dict[str, Any]) -> str:
    if item.get("status") != "checked":
        return item.get("note", "Not checked.")
    found = [
        label
        for key, label in (("from_segments", "the segments"), ("from_features", "the features"))
        if (item.get(key) or {}).get("flagged")
    ]
    if not found:
        return "Not predicted materially better than chance."
    return f"Predictable from {' and from '.join(found)}."


def _summary(flags: list[dict[str, Any]], proxy: dict[str, Any]) -> str:
    segments = {f["segment"] for f in flags}
    attributes = sorted({f["attribute"] for f in flags})
    if segments:
        noun = "segment" if len(segments) == 1 else "segments"
        skew = f"{len(segments)} {noun} strongly skewed ({', '.join(attributes)})"
    else:
        skew = "no segment strongly skewed"
    proxies = []
    for item in proxy["attributes"]:
        if not item["flagged"]:
            continue
        sources = [
            label
            for key, label in (("from_segments", "segments"), ("from_features", "features"))
            if (item.get(key) or {}).get("flagged")
        ]
        proxies.append(f"{item['attribute']} (from {' and '.join(sources)})")
    found = f"proxy: {', '.join(proxies)}" if proxies else "no proxy found"
    return f"{skew} · {found}"
