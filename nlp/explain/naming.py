"""Persona names a product manager would write: a subject and who they are.

A name joins what a segment writes about (``"Refill-minded"``, from a word
truly distinctive of its texts) with who they are by behaviour (``"coupon
users"``, from its strongest behaviour trait), or two behaviour traits
(``"Discount-driven frequent buyers"``). Column names become nouns through
generic phrase rules and 0/1 columns read as what they flag ("Loyalty
members"). Names are unique within a run: a segment whose name is taken takes
its next most distinctive subject or trait, a numeral only as a last resort.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nlp.explain.describe import describe
from nlp.explain.features import column_tokens
from nlp.explain.traits import behaviour_traits

SMALL_NAME = "Small segment"
NAME_EFFECT = 0.5  # a behaviour trait names a persona from this |standardised difference|
GENERIC_NOUN = "customers"

# (test on the column's tokens, noun when higher, noun when lower, adjective when higher,
# adjective when lower); the first entry whose test matches wins, so specific subjects
# come before general ones.
_Test = Callable[[set[str]], Any]
_PERSONAS: tuple[tuple[_Test, str, str, str, str], ...] = (
    (lambda t: t & {"recency", "since", "lapsed", "inactive", "dormant"},
     "lapsed customers", "recent buyers", "lapsed", "recently active"),
    (lambda t: t & {"tenure", "seniority"},
     "long-standing customers", "newcomers", "long-standing", "new"),
    (lambda t: t & {"return", "returns", "returned", "refund", "refunds"},
     "frequent returners", "low-return customers", "return-prone", "rarely returning"),
    (lambda t: t & {"coupon", "coupons", "discount", "discounts", "promo", "voucher", "vouchers",
                    "deal", "deals"},
     "coupon users", "full-price buyers", "discount-driven", "full-price"),
    (lambda t: (t & {"basket", "aov", "ticket"})
     or (t & {"avg", "average", "mean"} and t & {"order", "value", "spend", "purchase"}),
     "big-basket shoppers", "small-basket shoppers", "big-basket", "small-basket"),
    (lambda t: t & {"spend", "spent", "spending", "monetary", "revenue", "value", "ltv", "clv",
                    "sales"},
     "big spenders", "light spenders", "high-spending", "low-spending"),
    (lambda t: t & {"sessions", "session", "visits", "visit", "logins", "login", "pageviews",
                    "app"},
     "frequent visitors", "infrequent visitors", "highly engaged", "rarely visiting"),
    (lambda t: t & {"orders", "order", "purchases", "purchase", "frequency", "transactions",
                    "transaction", "bookings"},
     "frequent buyers", "occasional buyers", "frequent", "occasional"),
    (lambda t: t & {"subscription", "subscriptions", "subscribed", "recurring"},
     "subscribers", "non-subscribers", "subscribed", "unsubscribed"),
    (lambda t: t & {"tickets", "complaints", "contacts", "support", "calls"},
     "support-heavy customers", "low-maintenance customers", "support-heavy", "self-sufficient"),
    (lambda t: t & {"events", "activity", "interactions", "engagement"},
     "very active customers", "quiet customers", "very active", "quiet"),
    (lambda t: t & {"age"}, "older customers", "younger customers", "older", "younger"),
)  # fmt: skip
_FLAG_PREFIXES = {"is", "has", "was", "flag", "any", "opted", "uses", "in"}
_PEOPLE = {"member", "subscriber", "user", "owner", "customer", "buyer", "holder", "client",
           "shopper", "follower", "parent", "student", "donor", "reader", "player", "driver",
           "partner", "employee", "guest", "visitor", "fan"}  # fmt: skip


def name_personas(
    profiles: dict[int, dict[str, Any]],
    context: dict[str, Any],
    *,
    similar: frozenset[frozenset[str]] = frozenset(),
) -> None:
    """Give each profile a ``name`` (unique) and ``description``, in place, deterministically.

    Larger segments are named first and take their first choice; a later
    segment whose choice is taken takes its next (another distinctive subject
    or trait), a numeral only when every choice is taken. ``similar`` pairs of
    features (near-duplicate columns) are mentioned once in descriptions.
    """
    order = sorted(profiles.values(), key=lambda p: (-p["size"], p["segment"]))
    features = context.get("features", {})
    taken: set[str] = set()
    for profile in order:
        if profile["small"]:
            profile["name"] = _numbered(SMALL_NAME, taken)
            taken.add(profile["name"])
            continue
        choices = name_choices(profile, features)
        name = next((c for c in choices if c not in taken), None)
        profile["name"] = name or _numbered(choices[0], taken)
        taken.add(profile["name"])
        profile["description"] = describe(profile, similar=similar)


def name_choices(profile: dict[str, Any], features: dict[str, dict]) -> list[str]:
    """Candidate names of one segment, most preferred first (all distinct)."""
    strong = behaviour_traits(profile["traits"], NAME_EFFECT)
    # a trait with a plain noun ("frequent buyers") reads better than "customers with high …"
    # unless that measure stands out far more (half weight)
    strong.sort(key=lambda t: -abs(t["effect_size"]) * _plainness(t, features))
    people = [_person(t, features) for t in strong]
    said = {w for t in strong[:1] for w in column_tokens(t["feature"])}
    said |= {w for noun, _ in people[:1] for w in column_tokens(noun)}
    # a subject that repeats what the behaviour noun says ("coupon" for coupon users) adds nothing
    subjects = [s for s in profile.get("subjects") or [] if s and not _repeats(s, said)]
    people = _distinct(people, key=lambda p: p[0])
    nouns = [noun for noun, _ in people] or [GENERIC_NOUN]
    choices: list[str] = []
    first = nouns[0]
    if subjects:
        choices.append(_minded(subjects[0], first))
        for subject in subjects[1:3]:
            choices.append(_minded(subject, first))
        for _, adjective in people[1:3]:
            if adjective and not first.startswith(GENERIC_NOUN):
                choices.append(_minded(subjects[0], f"{adjective} {first}"))
        for noun in nouns[1:3]:
            choices.append(_minded(subjects[0], noun))
    elif people:
        choices.append(_capital(first))
        if not first.startswith(GENERIC_NOUN):
            choices += [_capital(f"{adj} {first}") for _, adj in people[1:4] if adj]
    else:
        choices.append("Mainstream customers")
    return _distinct(choices, key=lambda c: c)


def _plainness(trait: dict[str, Any], features: dict[str, dict]) -> float:
    return 0.5 if _person(trait, features)[0].startswith(GENERIC_NOUN) else 1.0


def _repeats(word: str, said: set[str]) -> bool:
    if word in said or word.rstrip("s") in said or f"{word}s" in said:
        return True
    return any(test({word}) and test(said) for test, *_ in _PERSONAS)


def _minded(subject: str, noun: str) -> str:
    return _capital(f"{subject}-minded {noun}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _distinct(items: list, key) -> list:
    seen, kept = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept


def _person(trait: dict[str, Any], features: dict[str, dict]) -> tuple[str, str | None]:
    """(noun, adjective) for a behaviour trait: ``("coupon users", "discount-driven")``.

    Columns without a phrase of their own (0/1 flags, unknown measures) have no adjective.
    """
    feature = trait["feature"]
    tokens = set(column_tokens(feature))
    higher = trait["direction"] == "higher"
    if features.get(feature, {}).get("flag"):
        return _flag_person(feature, higher)
    for test, high, low, high_adj, low_adj in _PERSONAS:
        if test(tokens):
            return (high, high_adj) if higher else (low, low_adj)
    label = str(trait["label"]).lower()
    return f"customers with {'high' if higher else 'low'} {label}", None


def _flag_person(feature: str, higher: bool) -> tuple[str, str | None]:
    """A 0/1 column as people: ``loyalty_member`` -> "loyalty members" / "non-members"."""
    words = column_tokens(feature)
    while len(words) > 1 and words[0] in _FLAG_PREFIXES:
        words = words[1:]
    phrase = " ".join(words)
    if words and words[-1] in _PEOPLE:
        return (f"{phrase}s" if higher else f"non-{phrase}s"), None
    return f"customers {'with' if higher else 'without'} {phrase}", None


def _numbered(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"
