"""Rows as CSV text, streamed in pieces: shared by the web, API and CLI exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

PIECE_BYTES = 64 * 1024


def csv_lines(rows: Iterable[dict], fields: tuple[str, ...]) -> Iterator[str]:
    """The header, then the rows, as CSV text in pieces of about 64 KB (booleans as true/false)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: str(v).lower() if isinstance(v, bool) else v for k, v in row.items()})
        if buffer.tell() > PIECE_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
