"""The evidence tool for "which segment should we target with …?": figures, never a choice.

VoxSeg does not decide whom to target. For a goal (a loyalty programme, a
win-back campaign, or none named) it lays out, per reportable segment, the
size, share and mean sentiment and the run's measures that bear on that goal,
and names the segment at each extreme of each measure; the answer says plainly
that the decision is the asker's.
"""

from __future__ import annotations

import re
from typing import Any

from nlp.chat import lexicon as lx
from nlp.chat.text import stem
from segapp.selectors import personas
from segapp.services.chat import figures
from segapp.services.chat.tools.base import ToolContext, ToolResult, fact, refused

# Words in a measure's name that make it bear on a goal (the run's own columns vary).
GOALS: dict[str, tuple[str, ...]] = {
    "loyalty": ("spend", "order", "basket", "value", "frequency", "visit", "session", "tenure"),
    "win-back": ("since", "recency", "last", "churn", "inactive", "lapsed", "spend", "order"),
    "upsell": ("basket", "spend", "order", "value", "session"),
    "retention": ("since", "recency", "return", "churn", "order", "session"),
}
GOAL_WORDS = {"loyalty": "a loyalty programme", "win-back": "a win-back campaign",
              "upsell": "an upsell campaign", "retention": "a retention campaign"}  # fmt: skip
MEASURES_SHOWN = 3


def _goal(goal: str | None) -> str | None:
    text = str(goal or "").lower().replace("_", "-").replace(" ", "-")
    if not text:
        return None
    if "win" in text or "lapsed" in text or "reactivat" in text:
        return "win-back"
    return next((g for g in GOALS if g in text), " ".join(str(goal).lower().split()))


def _relevant(ctx: ToolContext, goal: str | None) -> list[tuple[str, str]]:
    """(measure key, label) of the behaviour measures bearing on `goal`, at most a few."""
    measures = [(key, str(info.get("label") or key))
                for key, info in ctx.measures().items()
                if info.get("kind") == "behaviour"]  # fmt: skip
    words = GOALS.get(goal or "", ())
    ranked = sorted(
        (m for m in measures if any(w in m[0].lower() for w in words)),
        key=lambda m: min(i for i, w in enumerate(words) if w in m[0].lower()),
    )
    named = _named_by(goal, measures) if goal not in GOALS else []
    chosen = named + [m for m in ranked or measures if m not in named]
    return chosen[:MEASURES_SHOWN]


def _named_by(goal: str | None, measures: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The measures a goal in the asker's words names ("cut returns": the return rate), by the
    stems of the words of each measure's key and label."""
    stems = {stem(w) for w in re.findall(r"[a-z]+", str(goal or "").lower()) if len(w) > 2}
    stems -= {stem(w) for w in lx.STOP_WORDS}

    def words(key: str, label: str) -> set[str]:
        return {stem(w) for w in re.findall(r"[a-z]+", f"{key} {label}".lower()) if len(w) > 2}

    return [m for m in measures if stems & words(*m)]


def target_evidence(ctx: ToolContext, goal: str | None = None) -> ToolResult:
    """Per segment: size, share, mean sentiment and the measures bearing on `goal`, with the
    segment at each extreme; a plain statement that choosing is the asker's decision."""
    shown = ctx.reportable()
    if not shown:
        return refused(f"No segment has at least {ctx.k} customers, so I have nothing to weigh.")
    goal = _goal(goal)
    measures = _relevant(ctx, goal)
    rows = []
    for s in shown:
        profile = s.profile or {}
        means = personas._feature_means(profile)
        rows.append({
            "segment": s.number, "name": s.name, "size": s.size, "share": round(s.share, 4),
            "sentiment": profile.get("sentiment"),
            "measures": {key: means.get(key) for key, _ in measures},
        })  # fmt: skip
    extremes = []
    for key, label in measures:
        known = [r for r in rows if r["measures"].get(key) is not None]
        if len(known) < 2:
            continue
        high = max(known, key=lambda r: (r["measures"][key], -r["segment"]))
        low = min(known, key=lambda r: (r["measures"][key], r["segment"]))
        extremes.append(
            {
                "measure": key,
                "label": label.lower(),
                "highest": {"name": high["name"], "value": high["measures"][key]},
                "lowest": {"name": low["name"], "value": low["measures"][key]},
            }
        )
    moods = [r for r in rows if r["sentiment"] is not None]
    data: dict[str, Any] = {
        "goal": goal, "goal_words": GOAL_WORDS.get(goal or "", goal and f"“{goal}”"),
        "segments": rows,
        "reported": len(rows), "measures": [key for key, _ in measures], "extremes": extremes,
        "largest": max(rows, key=lambda r: (r["size"], -r["segment"]))["name"],
        "decision": "yours",
    }  # fmt: skip
    if moods:
        data["most_positive"] = max(moods, key=lambda r: (r["sentiment"], -r["segment"]))["name"]
        data["most_negative"] = min(moods, key=lambda r: (r["sentiment"], r["segment"]))["name"]
    facts = []
    for r in rows:
        said = f"{figures.count(r['size'])} customers ({figures.share(r['share'])})"
        if r["sentiment"] is not None:
            said += f", sentiment {figures.sentiment(r['sentiment'])}"
        facts.append(fact(r["name"], said))
    labels = [label for _, label in measures]
    table = {
        "columns": ["Segment", "Customers", "Share", "Mean sentiment", *labels],
        "rows": [[r["name"], figures.count(r["size"]), figures.share(r["share"]),
                  figures.sentiment(r["sentiment"]) if r["sentiment"] is not None else "",
                  *(figures.number(r["measures"][k]) if r["measures"][k] is not None else ""
                    for k, _ in measures)] for r in rows],
    }  # fmt: skip
    return ToolResult(data=data, facts=facts, table=table)
