"""Sensitive attributes: which names are declared sensitive, and keeping their values in one place.

A name is declared sensitive when an import gives a column the role
"sensitive" (named like age, gender, region … or listed with `--sensitive`),
or when `declare_sensitive` is called. The declaration is kept in
`SensitiveName`, by canonical key (`nlp.fairness.attribute_key`: case,
spaces, underscores and camelCase ignored), so that:

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

from django.db import transaction
from django.utils import timezone

from nlp.fairness import attribute_key
from segapp.models import Customer, SensitiveName

SCAN_CHUNK = 5000
UPDATE_BATCH = 1000
PLACES = ("behaviour", "attributes")


def sensitive_key(name: str) -> str:
    """The canonical key a sensitive name is kept under ("Loyalty Member" → "loyalty_member")."""
    return attribute_key(name)[:200]


def declared_sensitive_keys() -> frozenset[str]:
    """The canonical keys of every name declared sensitive so far."""
    return frozenset(SensitiveName.objects.values_list("key", flat=True))


def is_missing(value: Any) -> bool:
    """Whether a stored value says nothing (None or blank text)."""
    return value is None or (isinstance(value, str) and not value.strip())


def canonical_sensitive(values: Mapping[str, Any] | None, *, prefer: Iterable[str] = ()) -> dict:
    """A customer's sensitive values with every name under its canonical key, spellings merged.

    Within one key the first given value wins, trying the spellings in
    `prefer` first, then the one already spelt as the key, then the rest in
    their stored order.
    """
    preferred = list(prefer)
    grouped: dict[str, list[str]] = {}
    for name in values or {}:
        grouped.setdefault(sensitive_key(name), []).append(name)
    merged: dict[str, Any] = {}
    for key, names in grouped.items():
        names.sort(key=lambda n: (n not in preferred, n != key))
        given = [values[n] for n in names if not is_missing(values[n])]
        merged[key] = given[0] if given else values[names[0]]
    return merged


def without_sensitive(features: Mapping[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """The features whose names are not declared sensitive (`keys`: canonical keys)."""
    return {name: value for name, value in features.items() if sensitive_key(name) not in keys}


def declare_sensitive(columns: Iterable[str]) -> int:
    """Declare `columns` sensitive and move every customer's values of them into `sensitive`.

    Every name declared so far is enforced, not only `columns`: a value of a
    name declared earlier that a later write put into `behaviour` or
    `attributes` is moved as well. Names are matched case-insensitively and
    ignoring spaces, underscores and camelCase. Runs in one transaction with
    bulk updates; returns how many customers changed.
    """
    names = [str(c) for c in columns if str(c).strip()]
    with transaction.atomic():
        _record(names)
        declared = declared_sensitive_keys()
        if not declared:
            return 0
        now_keys = {sensitive_key(n) for n in names}
        return _move_values(declared, now_keys=now_keys, now_names=names)


def _record(names: list[str]) -> None:
    """Add the names to the declared ones (their spellings too); existing rows are kept."""
    spellings: dict[str, set[str]] = {}
    for name in names:
        spellings.setdefault(sensitive_key(name), set()).add(name.strip())
    if not spellings:
        return
    known = {row.key: row for row in SensitiveName.objects.filter(key__in=list(spellings))}
    changed = []
    for key, seen in spellings.items():
        row = known.get(key)
        if row is None:
            continue
        merged = sorted(set(row.spellings or []) | seen)
        if merged != row.spellings:
            row.spellings, row.updated_at = merged, timezone.now()
            changed.append(row)
    SensitiveName.objects.bulk_update(changed, ["spellings", "updated_at"])
    SensitiveName.objects.bulk_create(
        [
            SensitiveName(key=key, spellings=sorted(seen))
            for key, seen in spellings.items()
            if key not in known
        ],
        ignore_conflicts=True,  # a concurrent declaration of the same name is the same fact
    )


def _move_values(declared: frozenset[str], *, now_keys: set[str], now_names: list[str]) -> int:
    """Move declared names out of behaviour/attributes and canonicalise `sensitive`."""
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
        updated = [c for c in batch if _apply(c, declared, now_keys=now_keys, now_names=now_names)]
        Customer.objects.bulk_update(
            updated, ["behaviour", "attributes", "sensitive", "updated_at"], batch_size=UPDATE_BATCH
        )
        changed += len(updated)
    return changed


def _needs_change(behaviour, attributes, sensitive, declared: frozenset[str]) -> bool:
    for place in (behaviour, attributes):
        if any(sensitive_key(name) in declared for name in place or {}):
            return True
    return any(sensitive_key(name) != name for name in sensitive or {})


def _apply(customer: Customer, declared, *, now_keys: set[str], now_names: list[str]) -> bool:
    """Move this customer's declared values into `sensitive`; whether anything changed."""
    before = (customer.behaviour, customer.attributes, customer.sensitive)
    moved: dict[str, Any] = {}
    kept: dict[str, dict[str, Any]] = {}
    for place in PLACES:
        values = getattr(customer, place) or {}
        kept[place] = {}
        for name, value in values.items():
            key = sensitive_key(name)
            if key in declared:
                if key not in moved or is_missing(moved[key]):
                    moved[key] = value
            else:
                kept[place][name] = value
    sensitive = canonical_sensitive(customer.sensitive, prefer=now_names)
    for key, value in moved.items():
        held = sensitive.get(key)
        if key in now_keys and not is_missing(held):
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
