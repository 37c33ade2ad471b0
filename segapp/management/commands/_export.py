"""Shared door code of export_segments and export_documents: options and writing."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator

from django.core.management.base import CommandError

from segapp.selectors.exports import csv_lines
from segapp.selectors.runs import RunNotFound, get_run
from segapp.services import audit


def add_export_arguments(parser) -> None:
    """--run ID|latest, --format csv|json, -o PATH."""
    parser.add_argument("--run", default="latest", help="Run id, or latest (default).")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("-o", "--output", help="File to write (default: standard output).")


def resolve(ref: str):
    """The run asked for, or a clear error."""
    try:
        return get_run(ref)
    except RunNotFound as exc:
        raise CommandError(str(exc)) from None


def record_export(action: str, run, fmt: str, count: int, output: str | None) -> None:
    """Put the export in the audit log: the command line acts as the system user."""
    audit.record(
        None,
        action,
        f"run {run.pk}",
        channel="cli",
        format=fmt,
        rows=count,
        output=output or "stdout",
    )


def write_rows(
    rows: Iterable[dict], fields: tuple[str, ...], fmt: str, output: str | None, *, stdout=None
) -> int:
    """Write rows as CSV or a JSON array to a file or `stdout`; return how many."""
    if not output:
        return _write(rows, fields, fmt, stdout or sys.stdout)
    with open(output, "w", newline="", encoding="utf-8") as handle:
        return _write(rows, fields, fmt, handle)


def _write(rows: Iterable[dict], fields: tuple[str, ...], fmt: str, handle) -> int:
    count = 0
    if fmt == "csv":
        tally = [0]

        def counted() -> Iterator[dict]:
            for row in rows:
                tally[0] += 1
                yield row

        for piece in csv_lines(counted(), fields):
            handle.write(piece)
        return tally[0]
    handle.write("[")
    for row in rows:
        handle.write(("," if count else "") + "\n" + json.dumps(row))
        count += 1
    handle.write("\n]\n")
    return count
