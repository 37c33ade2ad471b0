"""Sensitive attributes: which names are declared sensitive, and keeping their values in one place.

A name is declared sensitive when an import gives a column the role
"sensitive" (named like age, gender, region … or listed with `--sensitive`),
or when `declare_sensitive` is called. The declaration is kept in
`SensitiveName` under a canonical key (`nlp.fairness.attribute_key`, lower
snake case); spellings match ignoring case, spaces, underscores and camelCase
(`nlp.fairness.attribute_match`: "loyaltymember" is "Loyalty Member"), so that:

- every customer's value of a declared name lives in `Customer.sensitive`
  under the canonical key, never in `behaviour` or `attributes`
  (`declare_sensitive` moves values found there, in one transaction);
- runs never read a declared name (`without_sensitive`, used by the run
  inputs), event-derived features included;
- readers see one attribute however it was spelt (`canonical_sensitive`).

Which value wins when one customer holds a name in several places: for the
names of the current declaration, the value already in `sensitive` (the
import that declared them wrote it there just now); for names declared
earlier, the value found in `behaviour`/`attributes` (only a later write can
have put it there, so it is the newer one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from nlp.fairness import attribute_key, attribute_match, best_spelling
from segapp.models import Customer, SensitiveName

SCAN_CHUNK = 5000
UPDATE_BATCH = 1000
PLACES = ("behaviour", "attributes")
MOVED_FIELDS = ("behaviour", "attributes", "sensitive", "updated_at")


def sensitive_key(name: str) -> str:
    """The canonical key of a name ("Loyalty Member" → "loyalty_member")."""
    return attribute_key(name)[:200]


def declared_sensitive_names() -> dict[str, str]:
    """Every name declared sensitive so far: canonical key by `nlp.fairness.attribute_match`."""
    return {
        attribute_match(key): key for key in SensitiveName.objects.values_list("key", flat=True)
    }


def declared_sensitive_keys() -> frozenset[str]:
    """What the declared names match (`attribute_match`), for `without_sensitive`."""
    return frozenset(declared_sensitive_names())


def is_missing(value: Any) -> bool:
    """Whether a stored value says nothing (None or blank text)."""
    return value is None or (isinstance(value, str) and not value.strip())


def canonical_sensitive(
    values: Mapping[str, Any] | None,
    *,
    prefer: Iterable[str] = (),
    declared: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A customer's sensitive values with spellings of one name merged under one key.

    Spellings match as `nlp.fairness.attribute_match` says. The key is the
    declared one (`declared`: key by match, as `declared_sensitive_names`
    gives), else the canonical key of the best spelling. The first given value
    wins, trying the spellings in `prefer` first, then the best spelling, then
    the rest in their stored order.
    """
    values = values or {}
    preferred = list(prefer)
    grouped: dict[str, list[str]] = {}
    for name in values:
        grouped.setdefault(attribute_match(name), []).append(name)
    merged: dict[str, Any] = {}
    for match, names in grouped.items():
        best = best_spelling(names)
        key = (declared or {}).get(match) or sensitive_key(best)
        names.sort(key=lambda n: (n not in preferred, n != best))
        given = [values[n] for n in names if not is_missing(values[n])]
        merged[key] = given[0] if given else values[names[0]]
    return merged


def without_sensitive(features: Mapping[str, Any], declared: frozenset[str]) -> dict[str, Any]:
    """The features whose names are not declared sensitive (`declared_sensitive_keys`)."""
    return {
        name: value for name, value in features.items() if attribute_match(name) not in declared
    }


def declare_sensitive(columns: Iterable[str]) -> int:
    """Declare `columns` sensitive and move every customer's values of them into `sensitive`.

    Every name declared so far is enforced, not only `columns`: a value of a
    name declared earlier that a later write put into `behaviour` or
    `attributes` is moved as well. Names match ignoring case, spaces,
    underscores and camelCase. Runs in one transaction with bulk updates;
    returns how many customers changed.
    """
    names = [str(c).strip() for c in columns if str(c).strip()]
    with transaction.atomic():
        declared = _record(names)
        if not declared:
            return 0
        now = {attribute_match(n) for n in names}
        return _move_values(declared, now_matches=now, now_names=names)


def _record(names: list[str]) -> dict[str, str]:
    """Add the names to the declared ones (their spellings too); return every declared name."""
    rows = {attribute_match(row.key): row for row in SensitiveName.objects.all()}
    spellings: dict[str, list[str]] = {}
    for name in names:
        spellings.setdefault(attribute_match(name), []).append(name)
    changed, new = [], []
    for match, seen in spellings.items():
        row = rows.get(match)
        if row is None:
            new.append(
                SensitiveName(key=sensitive_key(best_spelling(seen)), spellings=sorted(seen))
            )
            continue
        merged = sorted(set(row.spellings or []) | set(seen))
        if merged != row.spellings:
            row.spellings, row.updated_at = merged, timezone.now()
            changed.append(row)
    SensitiveName.objects.bulk_update(changed, ["spellings", "updated_at"])
    # A concurrent declaration of the same name is the same fact: keep the first row.
    SensitiveName.objects.bulk_create(new, ignore_conflicts=True)
    return declared_sensitive_names()


def _move_values(declared: dict[str, str], *, now_matches: set[str], now_names: list[str]) -> int:
    """Move declared names out of behaviour/attributes and merge spellings in `sensitive`."""
    candidates = [
        pk
        for pk, behaviour, attributes, sensitive in Customer.objects.order_by("id")
        .values_list("id", "behaviour", "attributes", "sensitive")
        .iterator(chunk_size=SCAN_CHUNK)
        if _needs_change(behaviour, attributes, sensitive, declared)
    ]
    changed = 0
    for start in range(0, len(candidates), UPDATE_BATCH):
        batch = list(
            Customer.objects.select_for_update()
            .filter(pk__in=candidates[start : start + UPDATE_BATCH])
            .only("id", "behaviour", "attributes", "sensitive", "updated_at")
        )
        updated = [
            c for c in batch if _apply(c, declared, now_matches=now_matches, now_names=now_names)
        ]
        _save(updated)
        changed += len(updated)
    return changed


def _save(customers: list[Customer]) -> None:
    """Write the customers' moved fields: one parameterised UPDATE, run for each row.

    `executemany` is many times faster here than `bulk_update`, whose CASE
    expressions over three JSON columns grow with the batch.
    """
    if not customers:
        return
    fields = [Customer._meta.get_field(name) for name in MOVED_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(Customer._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    rows = [
        [f.get_db_prep_save(getattr(c, f.attname), connection) for f in fields] + [c.pk]
        for c in customers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _needs_change(behaviour, attributes, sensitive, declared: dict[str, str]) -> bool:
    for place in (behaviour, attributes):
        if any(attribute_match(name) in declared for name in place or {}):
            return True
    return set(canonical_sensitive(sensitive, declared=declared)) != set(sensitive or {})


def _apply(customer: Customer, declared, *, now_matches: set[str], now_names: list[str]) -> bool:
    """Move this customer's declared values into `sensitive`; whether anything changed."""
    before = (customer.behaviour, customer.attributes, customer.sensitive)
    moved: dict[str, Any] = {}
    kept: dict[str, dict[str, Any]] = {}
    for place in PLACES:
        kept[place] = {}
        for name, value in (getattr(customer, place) or {}).items():
            match = attribute_match(name)
            if match not in declared:
                kept[place][name] = value
            elif match not in moved or is_missing(moved[match]):
                moved[match] = value
    sensitive = canonical_sensitive(customer.sensitive, prefer=now_names, declared=declared)
    for match, value in moved.items():
        key = declared[match]
        held = sensitive.get(key)
        if match in now_matches and not is_missing(held):
            continue  # written by the declaring import just now: the newer value
        if is_missing(value) and not is_missing(held):
            continue
        sensitive[key] = value
    after = (kept["behaviour"], kept["attributes"], sensitive)
    if after == before:
        return False
    customer.behaviour, customer.attributes, customer.sensitive = after
    customer.updated_at = timezone.now()
    return True
