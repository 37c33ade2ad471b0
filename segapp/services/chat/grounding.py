"""Checking an answer against the tool results it claims to come from.

`check` finds every number written in the answer (12, 1,234, 13.4%, +0.27,
2.5×) and every quote, and reports each one the results do not back: a number
must be written somewhere in the results (a fact, a table cell, a name, a
label) or equal, at the precision written, a number in their data (a share in
data may be written as a percentage); a quote must be the text of a quote a
tool returned, and a passage quoted inside the text must be part of one.
An empty list means the answer is grounded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

NUMBER = re.compile(r"(?<![\w.])[-+−]?\d[\d,]*(?:\.\d+)?(?![\w])(%)?")
QUOTED = re.compile(r"[\"“]([^\"”]{25,})[\"”]")


def numbers_in(text: str) -> list[str]:
    """The numbers written in a text, as written (commas, sign and % kept)."""
    return [m.group(0) for m in NUMBER.finditer(text)]


def _value(token: str) -> tuple[float, int, bool] | None:
    """(value, decimals written, is a percentage) of a written number."""
    plain = token.replace("−", "-").replace(",", "").rstrip("%").lstrip("+")
    try:
        value = float(plain)
    except ValueError:
        return None
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return value, decimals, token.endswith("%")


def _canonical(token: str) -> str:
    return token.replace("−", "-").lstrip("+").replace(",", "")


def _walk(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)
    else:
        yield value


def _result_parts(result: Any) -> tuple[Any, list, list, Any]:
    if isinstance(result, dict):
        return (
            result.get("data", result),
            result.get("facts", []),
            result.get("quotes", []),
            (result.get("table")),
        )
    return result.data, result.facts, result.quotes, result.table


def _evidence(results: Iterable[Any]) -> tuple[set[str], list[float], list[str]]:
    """Written numbers (canonical), raw numbers and quote texts of the results."""
    written: set[str] = set()
    raw: list[float] = []
    texts: list[str] = []
    for result in results:
        data, facts, quotes, table = _result_parts(result)
        for value in _walk([data, facts, table]):
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, int | float):
                if math.isfinite(value):
                    raw.append(float(value))
                    written.add(_canonical(str(value)))
            else:
                written.update(_canonical(t) for t in numbers_in(str(value)))
                # the digits of an identifier shortened in the answer ("pseudonym 7707899…")
                spaced = re.sub(r"[^\W\d_]", " ", str(value))
                written.update(_canonical(t) for t in numbers_in(spaced))
        texts.extend(str(q.get("text", "")) for q in quotes or [])
    return written, raw, texts


def _backed(token: str, written: set[str], raw: list[float]) -> bool:
    if _canonical(token) in written or _canonical(token).rstrip("%") in written:
        return True
    parsed = _value(token)
    if parsed is None:
        return False
    value, decimals, percent = parsed
    tolerance = 0.5 * 10 ** (-decimals) + 1e-9
    scale = 100 if percent else 1
    return any(abs(number * scale - value) <= tolerance for number in raw)


def check(answer_text: str, quotes: list[dict[str, Any]], results: Iterable[Any]) -> list[str]:
    """Problems of an answer: figures and quotes not backed by the tool results (empty: fine).

    `results` are `ToolResult`s or dicts with "data", "facts", "quotes", "table".
    """
    written, raw, texts = _evidence(list(results))
    problems = []
    for token in numbers_in(answer_text or ""):
        if not _backed(token, written, raw):
            problems.append(f"the figure {token} is not in any tool result")
    for quote in quotes or []:
        if str(quote.get("text", "")) not in texts:
            problems.append(f"quote of document {quote.get('document')} is not in any tool result")
    for passage in QUOTED.findall(answer_text or ""):
        if not any(passage.strip() in text for text in texts) and not _is_name(passage, results):
            problems.append(f"the quoted passage “{passage[:40]}…” is not in any quote")
    return problems


def _is_name(passage: str, results: Iterable[Any]) -> bool:
    """Segment names are written in quotes too; they are backed when a result names them."""
    for result in results:
        data, facts, _, table = _result_parts(result)
        if any(passage.strip() == str(v) for v in _walk([data, facts, table])):
            return True
    return False
