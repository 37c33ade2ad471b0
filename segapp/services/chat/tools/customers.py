"""Tools about individual customers: why one is in their segment, and a sample of a segment's
members.

A customer is named by their pseudonym (64 hex characters) or by the
integrator's own id, which is turned into the pseudonym here (HMAC under
PSEUDONYM_KEY, as imports and the lookup API do) and never kept in a result.
Why a customer is where they are needs `explain_customers`; roles that read
memberships only (`view_customers`, e.g. integrations) get the segment alone;
member lists need `view_members` and link to the export, which needs
`export_members`.
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from segapp.models import Customer
from segapp.selectors import personas
from segapp.services.chat import figures
from segapp.services.chat.tools.base import (
    ToolContext,
    ToolResult,
    fact,
    no_segment,
    refused,
    segment_ref,
)
from segapp.services.pseudonyms import normalise_external_id, pseudonymise

PSEUDONYM = re.compile(r"[0-9a-f]{64}")
MEMBERS_SHOWN = 10
MAX_MEMBERS_SHOWN = 25


def resolve_customer(value: Any) -> tuple[str, str]:
    """(pseudonym, how it was given: "pseudonym" or "external_id") for a customer reference.

    An external id is hashed as written; when no customer has that pseudonym, the id in
    upper and in lower case is tried too ("cust-000181" for the shop's "CUST-000181").
    """
    text = str(value or "").strip()
    if PSEUDONYM.fullmatch(text.lower()):
        return text.lower(), "pseudonym"
    given = normalise_external_id(text)
    tried = [pseudonymise(v) for v in dict.fromkeys([given, given.upper(), given.lower()])]
    found = set(Customer.objects.filter(pseudonym__in=tried).values_list("pseudonym", flat=True))
    return next((p for p in tried if p in found), tried[0]), "external_id"


def _not_found(reason: str, given: str) -> str:
    """The plain "I don't have that customer" of a lookup that found nobody."""
    if reason.startswith("No customer"):
        what = "this id" if given == "external_id" else "this pseudonym"
        return f"I don't have a customer with {what}; check the id and ask again."
    return reason


def customer_why(ctx: ToolContext, customer: str) -> ToolResult:
    """One customer's segment and, for roles with `explain_customers`, why; `customer` is
    their pseudonym or the integrator's own id.

    Roles that may read memberships only (`view_customers`, e.g. integrations) get the
    segment without the reasons, as the customer lookup API gives them; others are refused.
    """
    pseudonym, given = resolve_customer(customer)
    explains = ctx.allowed("explain_customers")
    if not explains and not ctx.allowed("view_customers"):
        return refused(
            "Your role does not allow looking at individual customers; I can answer about "
            "segments instead.",
            customer=pseudonym,
            given_as=given,
        )
    try:
        explained = personas.explain_customer(ctx.run, pseudonym)
    except personas.CustomerNotFound as exc:
        return refused(_not_found(str(exc), given), customer=pseudonym, given_as=given)
    home = explained["segment"] or explained["soft_segment"]
    pulls = [
        {"feature": p.get("feature"), "label": p.get("label") or p.get("feature"),
         "value": p.get("value"), "segment_mean": p.get("segment_mean"),
         "population_mean": p.get("population_mean")}
        for p in explained["pulls"][:3]
    ] if explains else []  # fmt: skip
    data: dict[str, Any] = {
        "customer": pseudonym,
        "given_as": given,
        "short": pseudonym[:12],
        "segment": home["number"] if home else None,
        "name": home["name"] if home else None,
        "small": bool(home and home.get("small")),
        "outlier": explained["outlier"],
        "probability": round(float(explained["probability"] or 0.0), 4),
        "pulls": pulls,
        "rule": (explained["rule"] or {}).get("text") if explains else None,
        "why_hidden": not explains,
    }
    facts = [fact("Segment", home["name"] if home else "none (an outlier)")]
    if not data["small"]:
        facts.append(fact("Probability", figures.probability(data["probability"])))
    for p in pulls:
        if p["value"] is None or p["segment_mean"] is None:
            continue
        facts.append(fact(p["label"], f"{figures.number(p['value'])} (segment: "
                                      f"{figures.number(p['segment_mean'])})"))  # fmt: skip
    if data["rule"]:
        facts.append(fact("Rule they meet", data["rule"]))
    return ToolResult(data=data, facts=facts)


def list_customers(ctx: ToolContext, segment: int | None = None, limit: int = MEMBERS_SHOWN):
    """A sample of a segment's members (pseudonyms and probabilities, most typical first) and
    the link to export them all; roles with `view_members` only."""
    if not ctx.allowed("view_members"):
        return refused(
            "Your role does not allow listing customers; I can tell you how many there are "
            "and what they are like instead.",
            segment=segment,
        )
    if segment is None:
        return refused("Which segment's customers should I list? Name the segment.")
    chosen = ctx.segment(int(segment))
    if chosen is None:
        return no_segment(ctx, segment)
    limit = max(1, min(int(limit or MEMBERS_SHOWN), MAX_MEMBERS_SHOWN))
    found = personas.members(ctx.run, chosen.number)
    total = found.count()
    sample = list(
        found.order_by("-probability", "id").values_list("customer__pseudonym", "probability")[
            :limit
        ]
    )
    export = reverse(
        "segment-export", kwargs={"run_id": ctx.run.pk, "number": chosen.number, "fmt": "csv"}
    )
    data: dict[str, Any] = {
        **segment_ref(chosen), "members": total, "shown": len(sample), "export": export,
        "customers": [{"customer": p, "probability": round(float(q or 0.0), 4)}
                      for p, q in sample],
        "can_export": ctx.allowed("export_members"),
    }  # fmt: skip
    facts = [
        fact(f"Customers in {chosen.name}", figures.count(total)),
        fact("Shown here", figures.count(len(sample))),
        fact("Export of every member", export),
    ]
    table = {
        "columns": ["Customer", "Probability"],
        "rows": [[c["customer"], figures.probability(c["probability"])] for c in data["customers"]],
    }
    return ToolResult(data=data, facts=facts, table=table)
