"""Building JSON records from a token stream with bounded depth and size.

`ijson.items` builds every record whole and keeps a prefix string per nesting
level, so one record of 100,000 nested brackets costs gigabytes. Here records
are assembled from `ijson.basic_parse` events (no prefixes): a record nested
deeper than `MAX_DEPTH`, larger than `MAX_RECORD_CHARS`, holding a NUL
character or naming one key twice is dropped as soon as that is seen and the
rest of it is skipped by counting brackets only, so memory stays constant
whatever the input. JSON Lines use the standard library's parser for ordinary
lines and this builder for lines that could be deep.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ijson

MAX_DEPTH = 32
MAX_RECORD_CHARS = 4 * 1024 * 1024
NUL = "\x00"


class RecordTooComplex(ValueError):
    """A record that breaks a bound (depth, size, NUL, duplicate key); the message says which."""


@dataclass(frozen=True)
class BuiltValue:
    """One top-level value of a stream: the value, or why it was dropped."""

    value: Any = None
    problem: str = ""


def _problem_nul() -> str:
    return "the record contains a NUL character (\\u0000), which cannot be stored"


class _Builder:
    """Assembles one value from parse events, refusing what breaks a bound."""

    def __init__(self) -> None:
        self.stack: list[tuple[Any, str | None]] = []
        self.size = 0
        self.keys: list[set[str]] = []

    def add_scalar(self, value: Any) -> Any:
        if isinstance(value, str):
            if NUL in value:
                raise RecordTooComplex(_problem_nul())
            self.size += len(value)
        else:
            self.size += 8
        self._check_size()
        return self._attach(value)

    def open(self, container: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise RecordTooComplex(
                f"the record is nested more than {MAX_DEPTH} levels deep; flatten it"
            )
        self.stack.append((container, None))
        self.keys.append(set())

    def key(self, name: str) -> None:
        if NUL in name:
            raise RecordTooComplex(_problem_nul())
        seen = self.keys[-1]
        if name in seen:
            shown = name if len(name) <= 40 else name[:40] + "…"
            raise RecordTooComplex(
                f"the field {shown!r} appears twice in one record; keep one of them"
            )
        seen.add(name)
        self.size += len(name)
        self._check_size()
        container, _ = self.stack[-1]
        self.stack[-1] = (container, name)

    def close(self) -> Any:
        container, _ = self.stack.pop()
        self.keys.pop()
        return self._attach(container)

    def _attach(self, value: Any) -> Any:
        """Put a finished value into its parent; return it when it is the top-level value."""
        if not self.stack:
            return value
        parent, key = self.stack[-1]
        if isinstance(parent, list):
            parent.append(value)
        else:
            parent[key] = value
        return _PENDING

    def _check_size(self) -> None:
        if self.size > MAX_RECORD_CHARS:
            raise RecordTooComplex(
                f"the record is larger than {MAX_RECORD_CHARS // (1024 * 1024)} MB"
            )


_PENDING = object()


def build_values(events: Iterable[tuple[str, Any]], *, in_array: bool) -> Iterator[BuiltValue]:
    """The top-level values of an event stream: the items of an array, or one value.

    A value that breaks a bound is yielded as a `BuiltValue` with a problem and
    the rest of it is skipped in constant memory.
    """
    base = 1 if in_array else 0
    depth = 0
    builder: _Builder | None = None
    skipping = False
    for event, value in events:
        if event in ("start_map", "start_array"):
            depth += 1
            if depth <= base:
                continue
            if skipping:
                continue
            if builder is None:
                builder = _Builder()
            try:
                builder.open({} if event == "start_map" else [])
            except RecordTooComplex as exc:
                builder, skipping = None, True
                yield BuiltValue(problem=str(exc))
            continue
        if event in ("end_map", "end_array"):
            depth -= 1
            if depth < base:
                continue
            if skipping:
                skipping = depth > base
                continue
            if builder is not None:
                done = builder.close()
                if done is not _PENDING:
                    builder = None
                    yield BuiltValue(done)
            continue
        if skipping or depth < base:
            continue
        if event == "map_key":
            try:
                builder.key(value)
            except RecordTooComplex as exc:
                builder, skipping = None, True
                yield BuiltValue(problem=str(exc))
            continue
        current = builder or _Builder()
        try:
            done = current.add_scalar(value)
        except RecordTooComplex as exc:
            if builder is not None:
                builder, skipping = None, depth > base
            yield BuiltValue(problem=str(exc))
            continue
        if done is not _PENDING:
            yield BuiltValue(done)


def json_array_values(stream: Any) -> Iterator[BuiltValue]:
    """The items of a JSON array read from a file object, with bounds."""
    return build_values(ijson.basic_parse(stream, use_float=True), in_array=True)


def parse_json_line(line: str) -> BuiltValue:
    """One JSON Lines record, with the same bounds as arrays.

    Raises `json.JSONDecodeError` (or `ijson.JSONError`) when the line is not JSON.
    """
    if len(line) > MAX_RECORD_CHARS:
        return BuiltValue(
            problem=f"the record is larger than {MAX_RECORD_CHARS // (1024 * 1024)} MB"
        )
    if line.count("[") + line.count("{") <= MAX_DEPTH:
        try:
            value = json.loads(line, object_pairs_hook=_unique_object)
        except RecordTooComplex as exc:
            return BuiltValue(problem=str(exc))
        if _holds_nul(value):
            return BuiltValue(problem=_problem_nul())
        return BuiltValue(value)
    events = ijson.basic_parse(io.BytesIO(line.encode("utf-8", "surrogatepass")), use_float=True)
    values = list(build_values(events, in_array=False))
    return values[0] if values else BuiltValue(problem="the line holds no JSON value")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            shown = key if len(key) <= 40 else key[:40] + "…"
            raise RecordTooComplex(
                f"the field {shown!r} appears twice in one record; keep one of them"
            )
        result[key] = value
    return result


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
