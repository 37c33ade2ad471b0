"""Streamed export files of the API: CSV (via `selectors.exports.csv_lines`) or a JSON array."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

from segapp.selectors.exports import csv_lines

PIECE_ROWS = 1000


def json_array_pieces(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array of the rows as text, in pieces of about a thousand rows."""
    yield "["
    piece: list[str] = []
    first = True
    for row in rows:
        piece.append(("" if first else ",") + json.dumps(row, cls=DjangoJSONEncoder))
        first = False
        if len(piece) >= PIECE_ROWS:
            yield "".join(piece)
            piece = []
    yield "".join(piece) + "]\n"


def export_response(
    rows: Iterable[dict], fields: tuple[str, ...], *, export_format: str, filename: str
) -> StreamingHttpResponse:
    """A streamed attachment of the rows as CSV or JSON, named `filename`.<format>."""
    if export_format == "csv":
        body, content_type = csv_lines(rows, fields), "text/csv; charset=utf-8"
    else:
        body, content_type = json_array_pieces(rows), "application/json"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response
