"""Choosing the column of each canonical field: names first, the values confirm or decide.

Each picker scores the columns still free by what their name says
(:mod:`.names`) and what a sample of their values looks like (:mod:`.values`),
and picks the best with a reason a person can read. Where the name says
nothing the values can still decide, with a lower score than a plain name:
long varied writing is a text, numbers written as money are an amount,
``yyyymmdd`` numbers are dates, a few repeated values that are order
statuses, event names or contact channels (in several languages,
:mod:`.vocabulary`) are a status, an event type or a channel, and the 0–10
answers of a numbered survey question are a rating.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from segapp.services.ingest import name_words, names
from segapp.services.ingest.fields import normalise_name
from segapp.services.ingest.outcomes import status_coverage
from segapp.services.ingest.party_names import party_id_score
from segapp.services.ingest.rows import KINDS
from segapp.services.ingest.value_shapes import (
    channel_share,
    compact_date_share,
    event_value_share,
    is_written_text,
    money_share,
    rating_scale,
    value_kind,
)
from segapp.services.ingest.values import ColumnProfile

__all__ = [
    "FIELD_PICKERS",
    "MULTI_ROLES",
    "ColumnDecision",
    "DetectionState",
    "compact_date_share",
    "email_as_customer_id",
    "is_written_text",
    "pick",
    "rating_scale",
    "value_kind",
]

MULTI_ROLES = ("sensitive", "dropped", "metadata", "attribute", "behaviour", "ignored")
NOT_MONEY = frozenset(
    {"id", "code", "number", "no", "nr", "num", "count", "quantity", "rate", "percent", "pct",
     "ratio", "share", "year", "age", "score", "rating", "latitude", "longitude", "lat", "lon",
     "lng", "weight", "height", "duration", "seconds", "minutes", "hours", "days", "level",
     "version", "points", "index", "rank", "probability"}
)  # fmt: skip


# How much lower a staff party's id ("OwnerId", "Assigned To") scores than a customer's: any
# other party's id wins, even one named without an id word ("Account").
STAFF_PENALTY = 3.0


@dataclass(frozen=True)
class ColumnDecision:
    """The role of one column, why, and how sure the detection is."""

    name: str
    role: str
    field: str | None
    reason: str
    confident: bool
    kind: str = ""  # what the values are: number, boolean, date, text, category, nested, empty


class DetectionState:
    """Decisions so far while detecting one file."""

    def __init__(
        self,
        file_type: str,
        columns: list[str],
        profiles: dict[str, ColumnProfile],
        has_values: bool,
    ) -> None:
        self.file_type = file_type
        self.columns = columns
        self.profiles = profiles
        self.has_values = has_values
        self.decided: dict[str, ColumnDecision] = {}
        self.mapping: dict[str, str] = {}
        self.identifiers: dict[str, str] = {}
        self.consent_conflict: list[str] = []

    def free(self) -> list[str]:
        """The columns without a role yet, in file order."""
        return [column for column in self.columns if column not in self.decided]

    def candidates(self) -> list[str]:
        """Free columns that are not direct identifiers."""
        return [c for c in self.free() if c not in self.identifiers]

    def decide(
        self, column: str, role: str, field_name: str | None, reason: str, sure: bool
    ) -> None:
        """Give a column its role (and field)."""
        self.decided[column] = ColumnDecision(
            column, role, field_name, reason, sure, value_kind(self.profiles[column])
        )
        if field_name and role not in MULTI_ROLES:
            self.mapping[field_name] = column


# ---- choosing ---------------------------------------------------------------------------


def pick(
    state: DetectionState, field_name: str, scored: list[tuple[float, str, str]], why: str
) -> None:
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


def pick_customer_id(state: DetectionState) -> None:
    """The id of the person the row is about (never an order's, ticket's or session's)."""
    scored = []
    for column in state.candidates():
        score = names.customer_id_score(column, file_type=state.file_type)
        profile = state.profiles[column]
        reason = "name says it is the id of a customer or another person"
        if not score:
            score, party = party_id_score(column)
            if not (score and state.has_values and _ids_of_parties(state, profile)):
                continue
            reason = f"name says it is the id of a {party!r} and values are ids of people"
        if state.has_values:
            if not _looks_like_ids(profile):
                continue
            if state.file_type != "customers" and profile.repeats:
                score += 0.5
                reason += "; ids repeat across rows"
            if state.file_type == "customers" and profile.distinct == profile.filled:
                score += 0.5
                reason += "; every id is different"
            score += profile.fill_share * 0.5
        if names.is_staff_name(column):
            score = max(score - STAFF_PENALTY, 0.25)
            reason += (
                "; the party that owns, was assigned, created or changed the record is staff, "
                "chosen only where no other party's id is found"
            )
        scored.append((score, column, reason))
    pick(state, "customer_id", scored, "a customer's or person's id, not another entity's")


def _ids_of_parties(state: DetectionState, profile: ColumnProfile) -> bool:
    """Ids of people by their structure: many, repeating in events, unique in customers."""
    if not _looks_like_ids(profile) or profile.distinct < 5 or profile.mean_tokens > 1.2:
        return False
    unique = profile.distinct == profile.filled
    if state.file_type == "customers":
        return unique
    return profile.repeats if state.file_type == "events" else True


def _looks_like_ids(profile: ColumnProfile) -> bool:
    if profile.filled == 0 or profile.mean_tokens > 3 or profile.nested_share:
        return False
    if profile.looks_boolean or profile.looks_like_dates or is_written_text(profile):
        return False
    return not (profile.filled >= 10 and profile.distinct <= 2)  # flags and constants


def email_as_customer_id(state: DetectionState) -> None:
    """Without any id column, the e-mail address is the key to the customer (pseudonymised)."""
    for column, kind in state.identifiers.items():
        if kind == "email" and column not in state.decided:
            state.decide(
                column, "customer_id", "customer_id",
                "no customer id column; the e-mail address is the only key to the customer. It "
                "is pseudonymised with the keyed hash like any id and never stored", False,
            )  # fmt: skip
            return


def pick_created_at(state: DetectionState) -> None:
    """When it happened: the creation date over later ones, unambiguous formats first."""
    scored = []
    for column in state.candidates():
        profile = state.profiles[column]
        score = names.date_score(column)
        if state.has_values:
            # A plainly named column needs half its values to agree; a bad value rejects its row.
            needed = 0.5 if score >= 2.5 else 0.8
            compact = compact_date_share(profile)
            is_dates = (
                profile.date_share >= needed
                or (profile.looks_like_epochs and score > 0)
                or (compact >= needed and (score > 0 or compact >= 0.95))
            )
            if not profile.filled or not is_dates:
                continue
            if not score:
                score, reason = 1.0, "values are dates"
            else:
                reason = "name says when it happened; values are dates"
            if profile.machine_date_share >= 0.95 or compact >= 0.95:
                score += 0.5
                reason += " in an unambiguous format (ISO 8601, yyyymmdd or epoch time)"
            score += profile.fill_share * 0.25
        elif score:
            reason = "name says when it happened"
        else:
            continue
        scored.append((score, column, reason))
    pick(
        state, "created_at", scored,
        "when the record was created or began, not a later date such as an end, update, "
        "payment or shipping date; unambiguous formats first",
    )  # fmt: skip


def pick_amount(state: DetectionState) -> None:
    """Money spent: a named total first; else numbers written as money."""
    scored = []
    for column in state.candidates():
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
    if not scored and state.has_values:
        scored = _amounts_by_value(state)
    pick(state, "amount", scored, "a total over a unit price or a part such as tax or an add-on")


def _amounts_by_value(state: DetectionState) -> list[tuple[float, str, str]]:
    scored = []
    for column in state.candidates():
        profile = state.profiles[column]
        words = names.token_set(column)
        if words & (
            NOT_MONEY | name_words.AMOUNT_PART | name_words.AMOUNT_UNIT | name_words.NOT_AMOUNT
        ):
            continue
        if not profile.looks_numeric or profile.looks_boolean or money_share(profile) < 0.8:
            continue
        numbers = profile.numbers
        mean = sum(abs(n) for n in numbers) / max(len(numbers), 1)
        score = 1.0 + profile.fill_share * 0.25 + min(mean, 1e9) * 1e-12
        scored.append((score, column, "values are amounts of money (two decimals)"))
    return scored


def pick_status(state: DetectionState) -> None:
    """The status that tells completed orders from cancelled or refunded ones."""
    scored = []
    for column in state.candidates():
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
    pick(
        state, "status", scored,
        "its values tell completed orders from cancelled or refunded ones best",
    )  # fmt: skip


def pick_rating(state: DetectionState) -> None:
    """A rating or score the customer gave; a numbered survey question on a 0–10 scale too."""
    scored = []
    for column in state.candidates():
        score = names.rating_score(column)
        profile = state.profiles[column]
        if not score:
            if state.has_values and names.is_question_code(column):
                bounds = rating_scale(profile)
                if bounds:
                    reason = (
                        f"a numbered survey question answered on a scale from {bounds[0]:g} "
                        f"to {bounds[1]:g}"
                    )
                    scored.append((1.0 + (bounds[1] - bounds[0]) * 0.01, column, reason))
            continue
        reason = "name says rating or score"
        if state.has_values:
            bounds = profile.number_range()
            scale = sum(1 for n in profile.numbers if 0 <= n <= 10) / max(profile.filled, 1)
            if bounds is None or scale < (0.5 if score >= 3 else 0.8):
                continue
            reason += f"; values are numbers from {bounds[0]:g} to {bounds[1]:g}"
        scored.append((score, column, reason))
    pick(state, "rating", scored, "named most plainly as a rating")


def pick_text(state: DetectionState) -> None:
    """The free text people wrote: by name with written values, or long varied writing."""
    scored = []
    for column in state.candidates():
        profile = state.profiles[column]
        score = names.text_score(column)
        if state.has_values:
            if profile.nested_share or profile.number_share > 0.5 or profile.mean_words < 0.5:
                continue
            if profile.url_share >= 0.5 or names.is_company_text_name(column):
                continue
            richness = profile.fill_share * min(profile.mean_words / 10, 2.0)
            if score:
                reason = "name says free text; values are written text"
            elif is_written_text(profile):
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
    pick(state, "text", scored, "more and longer answers")


def pick_event_type(state: DetectionState) -> None:
    """What kind of event: by name, else a column of event names (app_open, order_create)."""
    scored = _categorical(state, names.event_type_score, "name says what kind of event")
    # One value in every row (a grid's "View" link) tells no events apart.
    scored = [item for item in scored if not _constant(state, item[1])]
    if not scored and state.has_values:
        for column in state.candidates():
            profile = state.profiles[column]
            words = names.token_set(column)
            if words & (name_words.STATUS_WORDS | {"method", "currency", "mode", "status"}):
                continue
            if profile.looks_categorical and event_value_share(profile) >= 0.6:
                scored.append((1.0, column, "values are names of events"))
    pick(state, "event_type", scored, "named most plainly")


def pick_channel(state: DetectionState) -> None:
    """Where the text came from: by name (a plain "source" needs channel values) or values."""
    scored = []
    for column in state.candidates():
        score = names.channel_score(column)
        profile = state.profiles[column]
        if state.has_values and not profile.looks_categorical:
            continue
        only_source = names.token_set(column) & name_words.CHANNEL_WORDS == {"source"}
        if score and only_source and state.has_values and channel_share(profile) < 0.5:
            continue  # "source": how a review was collected, unless values are channels
        if score:
            scored.append((score, column, "name says where the text came from"))
        elif state.has_values and channel_share(profile) >= 0.6:
            scored.append((1.0, column, "values are contact channels (e-mail, chat, web …)"))
    pick(state, "channel", scored, "named most plainly")


def pick_kind(state: DetectionState) -> None:
    """Review, survey or social, where a column says so."""
    scored = []
    for column in state.candidates():
        score = names.kind_score(column)
        if not score:
            continue
        profile = state.profiles[column]
        if state.has_values:
            known = sum(count for value, count in profile.top if KINDS.get(normalise_name(value)))
            if not profile.filled or known < 0.5 * profile.filled:
                continue
        scored.append((score, column, "name says kind; values are review, survey or social"))
    pick(state, "kind", scored, "named most plainly")


def _constant(state: DetectionState, column: str) -> bool:
    profile = state.profiles[column]
    return state.has_values and profile.filled >= 5 and profile.distinct <= 1


def _categorical(
    state: DetectionState, scorer: Callable[[str], float], reason: str
) -> list[tuple[float, str, str]]:
    scored = []
    for column in state.candidates():
        score = scorer(column)
        if not score:
            continue
        if state.has_values and not state.profiles[column].looks_categorical:
            continue
        scored.append((score, column, reason))
    return scored


FIELD_PICKERS: dict[str, Callable[[DetectionState], None]] = {
    "customer_id": pick_customer_id,
    "created_at": pick_created_at,
    "amount": pick_amount,
    "status": pick_status,
    "rating": pick_rating,
    "text": pick_text,
    "event_type": pick_event_type,
    "kind": pick_kind,
    "channel": pick_channel,
}
