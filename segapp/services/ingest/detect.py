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

from segapp.services.ingest import names
from segapp.services.ingest.fields import CONSENT, FIELDS, OPT_OUT_ALIASES, normalise_name
from segapp.services.ingest.outcomes import status_coverage
from segapp.services.ingest.rows import KINDS
from segapp.services.ingest.values import ColumnProfile, profile_column

STORED_ROLES = (
    "customer_id", "text", "kind", "channel", "created_at", "rating", "amount", "event_type",
    "status", "consent", "opt_out", "sensitive", "dropped", "ignored", "metadata", "attribute",
    "behaviour",
)  # fmt: skip
MULTI_ROLES = ("sensitive", "dropped", "metadata", "attribute", "behaviour", "ignored")
IDENTIFIER_WORDS = {
    "email": "an e-mail address", "phone": "a phone number", "ip": "an IP address",
    "address": "a street address", "name": "a person's name", "card": "a card number",
    "handle": "a social media handle", "iban": "a bank account (IBAN)", "ssn": "a national id",
    "passport": "a passport number", "device": "a device identifier", "fax": "a fax number",
    "login": "a login", "password": "a password", "latitude": "a location",
    "longitude": "a location", "imei": "a device identifier", "cookie": "a cookie id",
}  # fmt: skip


@dataclass(frozen=True)
class ColumnDecision:
    """The role of one column, why, and how sure the detection is."""

    name: str
    role: str
    field: str | None
    reason: str
    confident: bool
    kind: str = ""  # what the values are: number, boolean, date, text, category, nested, empty


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
    state = _State(file_type, columns, profiles, bool(samples))
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
            _FIELD_PICKERS[spec.name](state)
    if "customer_id" not in state.mapping:
        _email_as_customer_id(state)
    _identifiers_by_value(state)
    _remaining(state)
    return _finish(state)


class _State:
    """Decisions so far while detecting one file."""

    def __init__(self, file_type: str, columns: list[str], profiles, has_values: bool) -> None:
        self.file_type = file_type
        self.columns = columns
        self.profiles: dict[str, ColumnProfile] = profiles
        self.has_values = has_values
        self.decided: dict[str, ColumnDecision] = {}
        self.mapping: dict[str, str] = {}
        self.identifiers: dict[str, str] = {}
        self.consent_conflict: list[str] = []

    def free(self) -> list[str]:
        return [column for column in self.columns if column not in self.decided]

    def decide(
        self, column: str, role: str, field_name: str | None, reason: str, sure: bool
    ) -> None:
        self.decided[column] = ColumnDecision(
            column, role, field_name, reason, sure, _value_kind(self.profiles[column])
        )
        if field_name and role not in MULTI_ROLES:
            self.mapping[field_name] = column


def _value_kind(profile: ColumnProfile) -> str:
    if not profile.filled:
        return "empty"
    if profile.nested_share >= 0.5:
        return "nested"
    if profile.looks_boolean:
        return "boolean"
    if profile.looks_like_dates:
        return "date"
    if profile.looks_numeric:
        return "number"
    if profile.looks_like_free_text:
        return "text"
    return "category"


def _consent(state: _State, explicit: Mapping[str, str]) -> None:
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


def _sensitive_and_identifiers(state: _State) -> None:
    for column in state.free():
        if names.is_sensitive_name(column):
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
        if kind:
            state.identifiers[column] = kind


def _drop(state: _State, column: str, kind: str, how: str) -> None:
    what = IDENTIFIER_WORDS.get(kind, "a direct identifier")
    state.decide(column, "dropped", None, f"{how} {what}: a direct identifier, never stored", True)


def _pick(state: _State, field_name: str, scored: list[tuple[float, str, str]], why: str) -> None:
    """Choose the best (score, column, reason) and note the runner-up it beat."""
    scored = [item for item in scored if item[0] > 0]
    if not scored:
        return
    order = {column: index for index, column in enumerate(state.columns)}
    scored.sort(key=lambda item: (-item[0], order[item[1]]))
    score, column, reason = scored[0]
    confident = state.has_values and score >= 2.5
    if len(scored) > 1:
        others = ", ".join(repr(item[1]) for item in scored[1:4])
        reason += f"; preferred over {others} ({why})"
        confident = confident and score - scored[1][0] >= 0.5
    state.decide(column, field_name, field_name, reason, confident)


def _candidates(state: _State) -> list[str]:
    return [c for c in state.free() if c not in state.identifiers]


def _pick_customer_id(state: _State) -> None:
    scored = []
    for column in _candidates(state):
        score = names.customer_id_score(column, file_type=state.file_type)
        if not score:
            continue
        profile = state.profiles[column]
        reason = "name says it is the customer's id"
        if state.has_values:
            if profile.filled == 0 or profile.mean_tokens > 3 or profile.nested_share:
                continue
            if state.file_type != "customers" and profile.repeats:
                score += 0.5
                reason += "; ids repeat across rows"
            if state.file_type == "customers" and profile.distinct == profile.filled:
                score += 0.5
                reason += "; every id is different"
            score += profile.fill_share * 0.5
        scored.append((score, column, reason))
    _pick(state, "customer_id", scored, "a customer's or person's id, not another entity's")


def _email_as_customer_id(state: _State) -> None:
    for column, kind in state.identifiers.items():
        if kind == "email" and column not in state.decided:
            state.decide(
                column, "customer_id", "customer_id",
                "no customer id column; the e-mail address is the only key to the customer. It "
                "is pseudonymised with the keyed hash like any id and never stored", False,
            )  # fmt: skip
            return


def _pick_created_at(state: _State) -> None:
    scored = []
    for column in _candidates(state):
        profile = state.profiles[column]
        score = names.date_score(column)
        if state.has_values:
            # A plainly named column needs half its values to agree; a bad value rejects its row.
            needed = 0.5 if score >= 2.5 else 0.8
            is_dates = profile.date_share >= needed or (profile.looks_like_epochs and score > 0)
            if not profile.filled or not is_dates:
                continue
            if not score:
                score, reason = 1.0, "values are dates"
            else:
                reason = "name says when it happened; values are dates"
            if profile.machine_date_share >= 0.95:
                score += 0.5
                reason += " in an unambiguous format (ISO 8601 or epoch time)"
            score += profile.fill_share * 0.25
        elif score:
            reason = "name says when it happened"
        else:
            continue
        scored.append((score, column, reason))
    _pick(
        state, "created_at", scored,
        "when the record was created or began, not a later date such as an end, update, "
        "payment or shipping date; unambiguous formats first",
    )  # fmt: skip


def _pick_amount(state: _State) -> None:
    scored = []
    for column in _candidates(state):
        score = names.amount_score(column)
        if not score:
            continue
        profile = state.profiles[column]
        reason = "name says money spent"
        if state.has_values:
            if not profile.filled or profile.number_share < (0.5 if score >= 2.5 else 0.9):
                continue
            numbers = profile.numbers
            score += min(sum(abs(n) for n in numbers) / max(len(numbers), 1), 1e9) * 1e-12
            reason += "; values are numbers"
        scored.append((score, column, reason))
    _pick(state, "amount", scored, "a total over a unit price or a part such as tax or an add-on")


def _pick_status(state: _State) -> None:
    scored = []
    for column in _candidates(state):
        profile = state.profiles[column]
        score = names.status_score(column)
        reason = "name says status"
        if state.has_values:
            if not profile.looks_categorical:
                continue
            coverage, distinguishes = status_coverage(value for value, _ in profile.top)
            if not score and coverage < 0.6:
                continue
            if not score:
                score, reason = 1.0, "values are order statuses"
            if coverage < 0.3 and "state" in names.token_set(column):
                continue  # a "state" of a country, not of an order
            score += coverage + (0.5 if distinguishes else 0.0)
            if coverage:
                reason += f"; {round(coverage * 100)}% of its values are known statuses"
        elif not score:
            continue
        scored.append((score, column, reason))
    _pick(
        state, "status", scored,
        "its values tell completed orders from cancelled or refunded ones best",
    )  # fmt: skip


def _pick_rating(state: _State) -> None:
    scored = []
    for column in _candidates(state):
        score = names.rating_score(column)
        if not score:
            continue
        profile = state.profiles[column]
        reason = "name says rating or score"
        if state.has_values:
            bounds = profile.number_range()
            scale = sum(1 for n in profile.numbers if 0 <= n <= 10) / max(profile.filled, 1)
            if bounds is None or scale < (0.5 if score >= 3 else 0.8):
                continue
            reason += f"; values are numbers from {bounds[0]:g} to {bounds[1]:g}"
        scored.append((score, column, reason))
    _pick(state, "rating", scored, "named most plainly as a rating")


def _pick_text(state: _State) -> None:
    scored = []
    for column in _candidates(state):
        profile = state.profiles[column]
        score = names.text_score(column)
        if state.has_values:
            if profile.nested_share or profile.number_share > 0.5 or profile.mean_words < 0.5:
                continue
            if profile.url_share >= 0.5:
                continue
            richness = profile.fill_share * min(profile.mean_words / 10, 2.0)
            if score:
                reason = "name says free text; values are written text"
            elif profile.looks_like_free_text:
                score, reason = 1.0, "values are long, varied written text"
            else:
                continue
            reason += f" (about {profile.mean_words:.0f} words, {profile.fill_share:.0%} filled)"
            score += richness
        elif score:
            reason = "name says free text"
        else:
            continue
        scored.append((score, column, reason))
    _pick(state, "text", scored, "more and longer answers")


def _pick_event_type(state: _State) -> None:
    _pick_categorical(state, "event_type", names.event_type_score, "name says what kind of event")


def _pick_channel(state: _State) -> None:
    _pick_categorical(state, "channel", names.channel_score, "name says where the text came from")


def _pick_kind(state: _State) -> None:
    scored = []
    for column in _candidates(state):
        score = names.kind_score(column)
        if not score:
            continue
        profile = state.profiles[column]
        if state.has_values:
            known = sum(count for value, count in profile.top if _kind_of(value))
            if not profile.filled or known < 0.5 * profile.filled:
                continue
        scored.append((score, column, "name says kind; values are review, survey or social"))
    _pick(state, "kind", scored, "named most plainly")


def _kind_of(value: str) -> str | None:
    return KINDS.get(normalise_name(value))


def _pick_categorical(state: _State, field_name: str, scorer, reason: str) -> None:
    scored = []
    for column in _candidates(state):
        score = scorer(column)
        if not score:
            continue
        if state.has_values and not state.profiles[column].looks_categorical:
            continue
        scored.append((score, column, reason))
    _pick(state, field_name, scored, "named most plainly")


_FIELD_PICKERS = {
    "customer_id": _pick_customer_id,
    "created_at": _pick_created_at,
    "amount": _pick_amount,
    "status": _pick_status,
    "rating": _pick_rating,
    "text": _pick_text,
    "event_type": _pick_event_type,
    "kind": _pick_kind,
    "channel": _pick_channel,
}


def _identifiers_by_value(state: _State) -> None:
    for column, kind in state.identifiers.items():
        if column not in state.decided:
            _drop(state, column, kind, "name says")
    for column in state.free():
        kind = state.profiles[column].identifier_kind()
        if kind:
            _drop(state, column, kind, "values are")


def _remaining(state: _State) -> None:
    for column in state.free():
        profile = state.profiles[column]
        other = _other_field_hint(column, state)
        if state.file_type == "customers":
            if names.is_preference_name(column):
                reason = "a marketing or consent preference: kept as an attribute, not behaviour"
                state.decide(column, "attribute", None, reason, True)
            elif names.token_set(column) & names.CODE_WORDS and profile.looks_numeric:
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


def _other_field_hint(column: str, state: _State) -> str:
    hints = (
        (names.rating_score, "rating", "a rating"),
        (names.amount_score, "amount", "an amount"),
        (names.date_score, "created_at", "a date"),
        (names.text_score, "text", "text"),
        (names.status_score, "status", "a status"),
        (names.customer_id_score, "customer_id", "an id"),
    )
    kind = _value_kind(state.profiles[column])
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


def _finish(state: _State) -> Detection:
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


def suggest_type(state: _State) -> tuple[str, str, float]:
    """(type the file looks like, a sentence saying why, rows per customer in the sample)."""
    id_column = state.mapping.get("customer_id")
    per_customer = 0.0
    if id_column and state.has_values:
        profile = state.profiles[id_column]
        per_customer = round(profile.filled / profile.distinct, 2) if profile.distinct else 0.0
    if not state.has_values:
        return state.file_type, "", per_customer
    texts = [
        c for c, p in state.profiles.items()
        if p.looks_like_free_text and p.mean_words >= 5 and state.decided[c].role != "dropped"
    ]  # fmt: skip
    dated = any(
        p.looks_like_dates or (p.looks_like_epochs and names.date_score(c))
        for c, p in state.profiles.items()
        if not names.is_sensitive_name(c)
    )
    if texts:
        return (
            "documents",
            (
                f"{texts[0]!r} holds free text written by people: this looks like documents "
                "(reviews, survey answers or posts) — import as documents?"
            ),
            per_customer,
        )
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
    return (
        "customers",
        (
            "One row per customer and no free text: this looks like a customers file — "
            "import as customers?"
        ),
        per_customer,
    )
