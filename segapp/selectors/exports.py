"""Rows as CSV text, streamed in pieces: shared by the web, API and CLI exports.

Every CSV file VoxSeg writes goes through :func:`csv_lines`, which makes text
cells safe to open in a spreadsheet (OWASP "CSV injection"): a text that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
run as a formula by Excel, LibreOffice or Google Sheets, so it is written
with a leading single quote, which spreadsheets show as text. Numbers, and
texts that are plain numbers such as ``-0.5``, are written as they are. A
carriage return inside a text is written as a line feed: the csv module
quotes a field only for the characters of its line ending (``\n``), and an
unquoted carriage return would split the row in two for every reader.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

PIECE_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def csv_lines(rows: Iterable[dict], fields: tuple[str, ...]) -> Iterator[str]:
    """The header, then the rows, as CSV text in pieces of about 64 KB (booleans as true/false,
    texts that a spreadsheet would run as a formula escaped: see :func:`csv_cell`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writerow({field: csv_cell(field) for field in fields})
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        if buffer.tell() > PIECE_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_cell(value: Any) -> Any:
    """One cell as written: booleans as true/false; a text starting with =, +, -, @, tab or
    carriage return prefixed with a single quote unless it is a plain number, and its carriage
    returns written as line feeds; anything else as is."""
    if isinstance(value, bool):
        return str(value).lower()
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        value = "'" + value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value
