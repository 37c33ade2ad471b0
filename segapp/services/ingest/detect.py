"""Which column is which: names first, then the values confirm or choose.

`detect_columns` gives every column of a file a role with a reason a person can
read. Names are read as token sets (:mod:`.names`); a sample of the first
records (:mod:`.values`) confirms them: dates must parse, amounts and ratings
must be numbers, a text must be long varied writing, an id must not be prose.
When several columns could be one field the rules pick one and say why
(a total over a unit price or a part such as shipping or an add-on; the date a
record was created over later ones such as an end, update or shipping date;
unambiguous timestamps over ambiguous ones). Direct identifiers (e-mail,
phone, names, street address, IP address, card, handle) are recognised by
name and by the shape of their values and dropped.

It also says which file type the file looks like (documents with free text,
events with several rows per customer and a date, else customers), so the
upload page, the API and the CLI can suggest another type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from segapp.services.ingest import name_words, names
from segapp.services.ingest.fields import CONSENT, FIELDS, OPT_OUT_ALIASES, normalise_name
from segapp.services.ingest.pickers import (
    FIELD_PICKERS,
    MULTI_ROLES,
    ColumnDecision,
    DetectionState,
    email_as_customer_id,
)
from segapp.services.ingest.value_shapes import (
    compact_date_share,
    is_written_text,
    rating_scale,
    value_kind,
)
from segapp.services.ingest.values import ColumnProfile, is_first_name, profile_column

__all__ = ["ColumnDecision", "Detection", "detect_columns", "suggest_type"]

STORED_ROLES = (
    "customer_id", "text", "kind", "channel", "created_at", "rating", "amount", "event_type",
    "status", "consent", "opt_out", "sensitive", "dropped", "ignored", "metadata", "attribute",
    "behaviour",
)  # fmt: skip
IDENTIFIER_WORDS = {
    "email": "an e-mail address", "phone": "a phone number", "ip": "an IP address",
    "address": "a street address", "name": "a person's name", "card": "a card number",
    "handle": "a social media handle", "iban": "a bank account (IBAN)", "ssn": "a national id",
    "passport": "a passport number", "device": "a device identifier", "fax": "a fax number",
    "login": "a login", "password": "a password", "latitude": "a location",
    "longitude": "a location", "imei": "a device identifier", "cookie": "a cookie id",
}  # fmt: skip
# The value shape that confirms a name's identifier kind (`values.identifier_shape` kinds).
SHAPE_OF_KIND = {
    "email": "email",
    "phone": "phone",
    "fax": "phone",
    "ip": "ip",
    "address": "address",
    "name": "name",
    "handle": "handle",
    "card": "card",
}
# A text column answered in this share of rows (a comment beside a score) can make documents.
ANSWERED_SHARE = 0.2
# A column of person names by its values: this share of values begins with a first name, and
# this many different first names.
FIRST_NAMES_SHARE = 0.6
FIRST_NAMES_DISTINCT = 5
# Kinds only values can confirm: a customer's "handle" may be its id ("cus_…"), not "@name".
VALUES_DECIDE = frozenset({"handle"})


@dataclass(frozen=True)
class Detection:
    """Every column's decision, the field mapping, and what type the file looks like."""

    file_type: str
    decisions: list[ColumnDecision]
    mapping: dict[str, str]
    looks_like: str
    suggestion: str
    rows_per_customer: float
    dayfirst: bool | None
    problems: list[str] = field(default_factory=list)
    profiles: dict[str, ColumnProfile] = field(default_factory=dict)

    def role_of(self, column: str) -> str:
        """The stored role of a column."""
        return next(d.role for d in self.decisions if d.name == column)


def detect_columns(
    file_type: str,
    columns: list[str],
    samples: list[dict[str, Any]],
    *,
    explicit: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
    sensitive: Iterable[str] = (),
    opt_out_mapped: bool = False,
) -> Detection:
    """Decide the role of every column of a file of one type.

    `explicit` maps fields to columns and `overrides` columns to stored roles
    (both already checked against the file); `sensitive` lists more sensitive
    columns. Missing required fields are listed in `problems`.
    """
    profiles = {
        column: profile_column(column, (r.get(column) for r in samples)) for column in columns
    }
    state = DetectionState(file_type, columns, profiles, bool(samples))
    for field_name, column in (explicit or {}).items():
        role = "opt_out" if field_name == "consent" and opt_out_mapped else field_name
        state.decide(column, role, field_name, "mapped explicitly", True)
    for column, role in (overrides or {}).items():
        if column not in state.decided:
            state.decide(
                column, role, role if role not in MULTI_ROLES else None, "chosen explicitly", True
            )
    listed = {normalise_name(name) for name in sensitive}
    for column in columns:
        if column not in state.decided and normalise_name(column) in listed:
            state.decide(column, "sensitive", None, "listed as sensitive", True)
    _consent(state, explicit or {})
    _sensitive_and_identifiers(state)
    for spec in FIELDS[file_type]:
        if spec.name not in state.mapping and spec.name != CONSENT.name:
            FIELD_PICKERS[spec.name](state)
    if "customer_id" not in state.mapping:
        email_as_customer_id(state)
    _identifiers_by_value(state)
    _remaining(state)
    return _finish(state)


def _consent(state: DetectionState, explicit: Mapping[str, str]) -> None:
    found = [c for c in state.free() if normalise_name(c) in CONSENT.aliases]
    if CONSENT.name in explicit:
        for column in found:
            state.decide(column, "ignored", None, "another consent column; not read", True)
        return
    if len(found) > 1:
        state.consent_conflict = found
        return
    for column in found:
        opt_out = normalise_name(column) in OPT_OUT_ALIASES
        role = "opt_out" if opt_out else "consent"
        reason = "says who opted out (read inverted)" if opt_out else "the segmentation consent"
        state.decide(column, role, CONSENT.name, f"name: {reason}", True)


def _sensitive_and_identifiers(state: DetectionState) -> None:
    for column in state.free():
        if names.is_sensitive_name(column) or _state_of_residence(state, column):
            state.decide(
                column, "sensitive", None,
                "sensitive by name (age, gender, region, postcode, birth …): kept for bias "
                "audits, never a segmentation input", True,
            )  # fmt: skip
            continue
        kind = names.identifier_kind(column)
        profile = state.profiles[column]
        if kind == "name" and state.has_values and profile.filled and profile.digit_share > 0.5:
            continue  # "Name" holding "#1170": an order number, not a person's name
        if kind and _identifier_confirmed(state, column, kind):
            state.identifiers[column] = kind


def _state_of_residence(state: DetectionState, column: str) -> bool:
    """A "state" or "province" column whose values are states of a country ("CA", "Texas")."""
    if not state.has_values or not names.token_set(column) & {"state", "province", "region"}:
        return False
    profile = state.profiles[column]
    return profile.filled >= 5 and profile.distinct >= 3 and profile.region_share() >= 0.8


def _identifier_confirmed(state: DetectionState, column: str, kind: str) -> bool:
    """A name of an identifier kind is one when it names only that ("Billing Email", "MOB_NO")
    or its values have the shape; "emailOpens90d" holding counts is not an e-mail address."""
    profile = state.profiles[column]
    shape = SHAPE_OF_KIND.get(kind)
    shaped = bool(shape) and profile.identifier_shares.get(shape, 0.0) >= 0.5
    if not state.has_values or not profile.filled:
        return names.is_plain_identifier_name(column, kind) or (
            kind not in VALUES_DECIDE and not names.is_metric_name(column)
        )
    if shaped:
        return True
    if kind in VALUES_DECIDE:
        return False
    if names.is_plain_identifier_name(column, kind):
        return True
    # Without a shape to check (passport, password, login …) a name that counts or flags
    # something is not the identifier itself.
    return shape is None and not names.is_metric_name(column) and not profile.looks_numeric


def _drop(state: DetectionState, column: str, kind: str, how: str) -> None:
    what = IDENTIFIER_WORDS.get(kind, "a direct identifier")
    state.decide(column, "dropped", None, f"{how} {what}: a direct identifier, never stored", True)


def _identifiers_by_value(state: DetectionState) -> None:
    for column, kind in state.identifiers.items():
        if column not in state.decided:
            _drop(state, column, kind, "name says")
    for column in state.free():
        profile = state.profiles[column]
        kind = profile.identifier_kind() or ("name" if _holds_first_names(profile) else "")
        if kind:
            _drop(state, column, kind, "values are")


def _holds_first_names(profile: ColumnProfile) -> bool:
    """Whether most values begin with a first name people are given ("CARMEN", "Noor Dekker"),
    in whatever language the column is named, and many different ones (not a brand or a city
    that happens to be a name)."""
    if not profile.samples or profile.looks_numeric or profile.digit_share > 0.1:
        return False
    if profile.mean_tokens > 4 or profile.distinct < FIRST_NAMES_DISTINCT:
        return False
    firsts = [str(value).split()[0] for value in profile.samples if str(value).split()]
    named = [word for word in firsts if is_first_name(word)]
    return (
        len(named) >= FIRST_NAMES_SHARE * len(profile.samples)
        and len({word.lower() for word in named}) >= FIRST_NAMES_DISTINCT
    )


def _remaining(state: DetectionState) -> None:
    for column in state.free():
        profile = state.profiles[column]
        other = _other_field_hint(column, state)
        if state.file_type == "customers":
            if names.is_preference_name(column):
                reason = "a marketing or consent preference: kept as an attribute, not behaviour"
                state.decide(column, "attribute", None, reason, True)
            elif state.has_values and compact_date_share(profile) >= 0.95:
                reason = "dates written as yyyymmdd: kept as an attribute"
                state.decide(column, "attribute", None, reason + other, True)
            elif names.token_set(column) & name_words.CODE_WORDS and profile.looks_numeric:
                reason = "numbers that name something (an id or code), not a quantity: an attribute"
                state.decide(column, "attribute", None, reason + other, True)
            elif state.has_values and (profile.looks_numeric or profile.looks_boolean):
                reason = (
                    "numbers: a behavioural feature"
                    if profile.looks_numeric
                    else ("yes/no values: a behavioural feature (1/0)")
                )
                state.decide(column, "behaviour", None, reason + other, bool(profile.filled))
            else:
                what = "dates" if profile.looks_like_dates else "not numbers"
                reason = f"{what}: kept as an attribute" if state.has_values else "an attribute"
                state.decide(column, "attribute", None, reason + other, state.has_values)
            continue
        state.decide(column, "metadata", None, "kept as metadata" + other, state.has_values)


def _other_field_hint(column: str, state: DetectionState) -> str:
    hints = (
        (names.rating_score, "rating", "a rating"),
        (names.amount_score, "amount", "an amount"),
        (names.date_score, "created_at", "a date"),
        (names.text_score, "text", "text"),
        (names.status_score, "status", "a status"),
        (names.customer_id_score, "customer_id", "an id"),
    )
    kind = value_kind(state.profiles[column])
    for scorer, field_name, what in hints:
        if field_name == "text" and kind in ("number", "date", "empty", "boolean"):
            continue
        score = (
            scorer(column, file_type=state.file_type)
            if field_name == "customer_id"
            else scorer(column)
        )
        if score >= 2:
            if field_name in state.mapping:
                return f" (looks like {what} too; {state.mapping[field_name]!r} was chosen)"
            if field_name not in {spec.name for spec in FIELDS[state.file_type]}:
                return f" (looks like {what}; {state.file_type} have no {field_name} field)"
    return ""


def _finish(state: DetectionState) -> Detection:
    problems = []
    two = state.consent_conflict
    if two:
        problems.append(
            f"The file has more than one consent column ({', '.join(map(repr, two))}); "
            "name the one to read with --map consent=COLUMN (or --map opt_out=COLUMN when true "
            "means the customer opted out)."
        )
        for column in two:
            state.decide(column, "ignored", None, "one of several consent columns", False)
    for spec in FIELDS[state.file_type]:
        if spec.required and spec.name not in state.mapping:
            what = "customer id" if spec.name == "customer_id" else spec.name.replace("_", " ")
            problems.append(f"No {what} column found in this {state.file_type} file.")
    looks_like, suggestion, per_customer = suggest_type(state)
    dayfirst = None
    date_column = state.mapping.get("created_at")
    if date_column:
        dayfirst = state.profiles[date_column].dayfirst
    return Detection(
        file_type=state.file_type,
        decisions=[state.decided[column] for column in state.columns],
        mapping=dict(state.mapping),
        looks_like=looks_like,
        suggestion=suggestion,
        rows_per_customer=per_customer,
        dayfirst=dayfirst,
        problems=problems,
        profiles=state.profiles,
    )


def suggest_type(state: DetectionState) -> tuple[str, str, float]:
    """(type the file looks like, a sentence saying why, rows per customer in the sample).

    Free text people wrote in most rows means documents; several rows per customer with a
    date (and money or statuses) means events; one row per customer means customers.
    """
    id_column = state.mapping.get("customer_id")
    per_customer = 0.0
    if id_column and state.has_values:
        profile = state.profiles[id_column]
        per_customer = round(profile.filled / profile.distinct, 2) if profile.distinct else 0.0
    if not state.has_values:
        return state.file_type, "", per_customer
    texts = [c for c in state.columns if _document_text(state, c)]
    strong = [c for c in texts if state.profiles[c].fill_share >= 0.5]
    prose = [c for c in strong if _is_prose(state.profiles[c])]
    dated = any(
        p.looks_like_dates
        or (p.looks_like_epochs and names.date_score(c))
        or (compact_date_share(p) >= 0.95 and names.date_score(c))
        for c, p in state.profiles.items()
        if not names.is_sensitive_name(c)
    )
    if prose or (strong and not (per_customer >= 1.2 and dated)):
        return "documents", _documents_sentence((prose or strong)[0]), per_customer
    # Answers people gave: a score with an optional comment (filled in some rows only, judged
    # by the rows that have one), and no money that would make the rows purchases.
    answered = [c for c in texts if state.profiles[c].fill_share >= ANSWERED_SHARE]
    if answered and _has_rating(state) and not _has_money(state):
        return "documents", _documents_sentence(answered[0]), per_customer
    if per_customer >= 1.2 and dated:
        return (
            "events",
            (
                "Several rows per customer and a date column: this looks like events or orders — "
                "import as events?"
            ),
            per_customer,
        )
    if dated and ("amount" in state.mapping or "status" in state.mapping) and per_customer > 1:
        return (
            "events",
            "Dated rows with amounts: this looks like events — import as events?",
            per_customer,
        )
    if texts:
        return "documents", _documents_sentence(texts[0]), per_customer
    return (
        "customers",
        (
            "One row per customer and no free text: this looks like a customers file — "
            "import as customers?"
        ),
        per_customer,
    )


def _has_rating(state: DetectionState) -> bool:
    """Whether a column is named like a rating and holds numbers on a 0–10 scale."""
    if "rating" in state.mapping:
        return True
    return any(
        names.rating_score(column) >= 2 and rating_scale(state.profiles[column]) is not None
        for column in state.columns
    )


def _has_money(state: DetectionState) -> bool:
    """Whether a column is named like money spent and holds numbers."""
    return "amount" in state.mapping or any(
        names.amount_score(column) >= 2 and state.profiles[column].looks_numeric
        for column in state.columns
    )


def _document_text(state: DetectionState, column: str) -> bool:
    """Whether a column holds texts people wrote (a reason to read the file as documents)."""
    decision = state.decided.get(column)
    if decision is not None and decision.role in ("dropped", "sensitive", "customer_id"):
        return False
    if names.is_company_text_name(column) or column in state.identifiers:
        return False
    profile = state.profiles[column]
    if _is_prose(profile):
        return True
    named = names.text_score(column) >= 2.5 or (decision is not None and decision.role == "text")
    return (
        named
        and profile.mean_words >= 3
        and profile.mean_tokens >= 3
        and profile.distinct >= 5
        and profile.distinct_words >= 20
    )


def _is_prose(profile: ColumnProfile) -> bool:
    """Writing long and varied enough to be documents whatever the column is called."""
    return is_written_text(profile) and profile.mean_words >= 5


def _documents_sentence(column: str) -> str:
    return (
        f"{column!r} holds free text written by people: this looks like documents "
        "(reviews, survey answers or posts) — import as documents?"
    )
