"""Customer ids written inside texts: replaced by ``[CUSTOMER_ID]`` at import.

People quote their own customer number ("my customer number is PLANT-0001")
and sometimes other customers'. The raw id must never be stored, so:

- each row's own external id is replaced wherever it appears in that row's
  text and metadata, case-insensitively, also inside a longer token: an id
  mixing letters and digits matches anywhere (``#PLANT-0001's``,
  ``refPLANT-0001``); an id of digits only (or letters only) must not continue
  a run of digits (letters), so ``21013`` does not match the id ``1013``;
- ids shaped like the file's id column are replaced in any text: the shape
  is derived from the sampled ids (``PLANT-0001`` and ``PLANT-0417`` give
  ``PLANT-\\d{4}``). Only distinctive shapes are used (a digit run together
  with a fixed prefix or a separator, at least five characters), so plain
  numbers such as years or amounts are never taken for ids.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

PLACEHOLDER = "[CUSTOMER_ID]"
COUNT_NAME = "CUSTOMER_ID"
MIN_OWN_ID_CHARS = 4
MIN_SHAPE_CHARS = 5
RUN = re.compile(r"[^\W\d_]+|\d+|.", re.UNICODE)


def _runs(value: str) -> list[tuple[str, str]]:
    """("L" letters | "D" digits | the character itself, text) for each run of an id."""
    out = []
    for match in RUN.finditer(value):
        text = match.group()
        kind = "D" if text.isdigit() else "L" if text.isalpha() else text
        out.append((kind, text))
    return out


def id_shape_pattern(values: Iterable[object]) -> str | None:
    """A regex for ids shaped like these sampled ids, or None when they have no clear shape."""
    ids = [str(value).strip() for value in values]
    ids = [text for text in ids if text and len(text) <= 64]
    by_prefix: dict[tuple[str, ...], list[list[tuple[str, str]]]] = defaultdict(list)
    for text in ids:
        runs = _runs(text)
        by_prefix[tuple(t.upper() if k == "L" else k for k, t in runs)].append(runs)
    enough = max(2, 0.1 * len(ids))
    patterns, rest = [], defaultdict(list)
    for key, members in by_prefix.items():
        pattern = _group_pattern(key, members) if len(members) >= enough else None
        if pattern:
            patterns.append(pattern)
        else:
            rest[tuple(kind for kind, _ in members[0])].extend(members)
    for skeleton, members in rest.items():
        pattern = _group_pattern(skeleton, members) if len(members) >= enough else None
        if pattern:
            patterns.append(pattern)
    return "|".join(f"(?:{p})" for p in patterns) or None


def _group_pattern(skeleton: tuple[str, ...], members: list[list[tuple[str, str]]]) -> str | None:
    parts, fixed_letters, separators, digits = [], False, False, False
    skeleton = tuple(kind for kind, _ in members[0])
    for index, kind in enumerate(skeleton):
        texts = [runs[index][1] for runs in members]
        lengths = [len(text) for text in texts]
        span = (
            f"{{{min(lengths)}}}"
            if min(lengths) == max(lengths)
            else (f"{{{min(lengths)},{max(lengths)}}}")
        )
        if kind == "D":
            parts.append(rf"\d{span}")
            digits = True
        elif kind == "L":
            if len({text.lower() for text in texts}) == 1:
                parts.append(re.escape(texts[0]))
                fixed_letters = True
            else:
                parts.append(rf"[^\W\d_]{span}")
        else:
            parts.append(re.escape(kind))
            separators = True
    shortest = min(sum(len(text) for _, text in runs) for runs in members)
    if not digits or not (fixed_letters or separators) or shortest < MIN_SHAPE_CHARS:
        return None
    left = r"(?<![^\W_])" if skeleton[0] in ("L", "D") else ""
    right = r"(?!\d)" if skeleton[-1] == "D" else r"(?![^\W\d_])" if skeleton[-1] == "L" else ""
    return left + "".join(parts) + right


class IdMasker:
    """Replaces customer ids in texts (a row's own id, and ids shaped like the file's)."""

    def __init__(self, shape: str | None = None) -> None:
        self.shape = re.compile(shape, re.IGNORECASE) if shape else None

    def mask(self, text: str, external_id: str = "") -> tuple[str, int]:
        """The text with ids replaced by ``[CUSTOMER_ID]``, and how many were replaced."""
        if not text:
            return text, 0
        total = 0
        own = _own_id_pattern(external_id)
        if own is not None and external_id.lower() in text.lower():
            text, replaced = own.subn(PLACEHOLDER, text)
            total += replaced
        if self.shape is not None:
            text, replaced = self.shape.subn(PLACEHOLDER, text)
            total += replaced
        return text, total


def _own_id_pattern(external_id: str) -> re.Pattern[str] | None:
    external_id = external_id.strip()
    if len(external_id) < MIN_OWN_ID_CHARS:
        return None
    return _compiled_own(external_id)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled_own(external_id: str) -> re.Pattern[str]:
    pattern = _CACHE.get(external_id)
    if pattern is None:
        first, last = external_id[0], external_id[-1]
        mixed = any(c.isdigit() for c in external_id) and any(c.isalpha() for c in external_id)
        left = right = ""
        if not mixed:
            left = r"(?<!\d)" if first.isdigit() else r"(?<![^\W\d_])" if first.isalpha() else ""
            right = r"(?!\d)" if last.isdigit() else r"(?![^\W\d_])" if last.isalpha() else ""
        pattern = re.compile(left + re.escape(external_id) + right, re.IGNORECASE)
        if len(_CACHE) > 10_000:
            _CACHE.clear()
        _CACHE[external_id] = pattern
    return pattern
