"""The canonical fields of each input file type (SPEC §11 "Input files") and their aliases.

The aliases are the plainest spellings, listed in messages that say what was
looked for; detection itself reads names as token sets (:mod:`.names`), so
``Customer ID``, ``customerId`` and ``CUST_NO`` all match without being listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field of an input file type and the column names that mean it."""

    name: str
    required: bool
    aliases: tuple[str, ...]


def normalise_name(name: str) -> str:
    """Column name as compared with aliases: lower case, words joined by underscores."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


CUSTOMER_ID = FieldSpec(
    "customer_id",
    True,
    (
        "customer_id", "customer", "customerid", "customer_ref", "customer_reference",
        "customer_no", "customer_number", "cust_id", "client_id", "user_id", "userid", "user",
        "member_id", "account_id", "author_id", "reviewer_id", "respondent_id", "external_id",
    ),
)  # fmt: skip
CREATED_AT_ALIASES = (
    "created_at", "date", "timestamp", "datetime", "time", "created", "posted_at", "posted",
    "submitted_at", "published_at", "review_date", "event_date", "event_time", "order_date",
    "purchase_date", "occurred_at", "ts",
)  # fmt: skip
OPT_OUT_ALIASES = (
    "opt_out", "opted_out", "optout", "optedout", "segmentation_opt_out",
    "segmentation_opted_out", "opted_out_of_segmentation",
)  # fmt: skip
CONSENT = FieldSpec(
    "consent",
    False,
    (
        "consent", "segmentation_consent", "consented", "consent_given", "has_consented",
        "consent_status", "segmentation_opt_in", "opt_in", "opted_in", "optin", *OPT_OUT_ALIASES,
    ),
)  # fmt: skip
OPT_OUT_FIELD = "opt_out"  # an explicit mapping of an inverted consent column

FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "documents": (
        CUSTOMER_ID,
        FieldSpec(
            "text",
            True,
            ("text", "review_text", "body", "comment", "review", "content", "message", "feedback",
             "answer", "response", "verbatim", "post", "description"),
        ),
        FieldSpec("kind", False, ("kind", "type", "doc_type", "document_type", "source_type")),
        FieldSpec("channel", False, ("channel", "source", "platform", "medium", "site", "network")),
        FieldSpec("created_at", False, CREATED_AT_ALIASES),
        FieldSpec("rating", False, ("rating", "stars", "star_rating", "score", "overall")),
        CONSENT,
    ),
    "customers": (
        FieldSpec("customer_id", True, (*CUSTOMER_ID.aliases, "id")),
        CONSENT,
    ),
    "events": (
        CUSTOMER_ID,
        FieldSpec("created_at", True, CREATED_AT_ALIASES),
        FieldSpec(
            "amount",
            False,
            ("amount", "total", "order_total", "total_price", "value", "price", "revenue",
             "spend"),
        ),
        FieldSpec("status", False, ("status", "order_status", "payment_status", "state")),
        FieldSpec(
            "event_type",
            False,
            ("event_type", "type", "event", "action", "kind", "transaction_type", "event_name"),
        ),
        CONSENT,
    ),
}  # fmt: skip
