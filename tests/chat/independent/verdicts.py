"""What every judge of a bank entry shares: the three outcomes, the context, the registry.

A judge takes the entry as asked, the chat's response and the context (the
latest and the previous run's data) and returns (right?, why, what a right
answer holds). `judges(kind)` registers it for one `expect.kind`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.chat.independent import reading as read
from tests.chat.independent.picks import Asked
from tests.chat.independent.truth import RunData

RIGHT, MISS, WRONG = "right", "miss", "wrong"
LEAK = "leak: "  # a judge's reason starting so: wrong however the answer is worded
UNSURE = "unsure: "  # a judge's reason starting so: the answer said it is not the figure asked
MAY_SEE_BREAKDOWNS = {"analyst", "admin"}
MAY_EXPLAIN_CUSTOMERS = {"analyst", "admin"}
MAY_LOOK_UP_CUSTOMERS = {"analyst", "admin", "integration"}
MAY_READ_TEXTS = {"analyst", "admin"}  # the role matrix's view_documents: quotes are texts


@dataclass(frozen=True)
class Verdict:
    """The outcome, why, and what a right answer holds."""

    outcome: str
    why: str
    expected: str


@dataclass(frozen=True)
class Context:
    """The latest run's data, the previous run's, and the shop's customer ids."""

    data: RunData
    previous: RunData
    external_ids: dict[str, str]


Judge = Callable[[Asked, dict, Context], tuple[bool, str, str]]
JUDGES: dict[str, Judge] = {}


def judges(kind: str) -> Callable[[Judge], Judge]:
    """Register a judge for one kind of expectation."""

    def register(func: Judge) -> Judge:
        JUDGES[kind] = func
        return func

    return register


def segment_text(asked: Asked, response: dict, ctx: Context) -> str:
    return read.segment_texts(response, ctx.data.names).get(asked.segment, "")


def fmt(value: float | None) -> str:
    return "none" if value is None else f"{value:.4g}"


def vocabulary(ctx: Context) -> list[str]:
    """The run's own names and identifiers (numbers in them are no figures)."""
    words = list(ctx.data.names.values()) + list(ctx.data.topics.values())
    words += list(ctx.data.labels.values())
    words += [f"run {ctx.data.run.pk}", f"run {ctx.previous.run.pk}"]
    return words + [f"segment {n}" for n in ctx.data.customers["segment"].dropna().unique()]
