"""Reading customer files: CSV (any common delimiter), JSON arrays and JSON Lines.

Files are streamed record by record in constant memory. Encoding is UTF-8 (with
or without BOM) with a single-byte fallback: Windows-1252 (Western) or Windows-1250
(Central European), whichever reads more of the file's non-ASCII bytes as letters
inside words, else Latin-1; a file that starts with
a UTF-16 or UTF-32 byte-order mark (Google Play exports, "Unicode text" from
Excel) is read in that encoding. Nested JSON objects are flattened into dotted
column names (``{"consumer": {"id": 1}}`` → ``consumer.id``, as
``pandas.json_normalize`` names them) up to `MAX_FLAT_DEPTH` levels and
`MAX_FLAT_FIELDS` fields a record; lists stay whole values. Anything that makes a
file unreadable as a whole raises `UnreadableFileError` with a message meant for
the person who uploaded it; a single malformed record is reported on that
record (`RawRecord.problem`) and reading goes on.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ijson

from segapp.services.ingest.encodings import decodes_as as _decodes_as
from segapp.services.ingest.encodings import detect_encoding as _detect_encoding
from segapp.services.ingest.json_records import (
    MAX_RECORD_CHARS,
    NUL,
    BuiltValue,
    json_array_values,
    parse_json_line,
)

HEAD_BYTES = 64 * 1024
SNIFF_LINES = 50
COLUMN_SAMPLE = 200
CSV_DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
MAX_FIELD_BYTES = 16 * 1024 * 1024
MAX_FLAT_DEPTH = 5
MAX_FLAT_FIELDS = 1000
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
NUL_PROBLEM = "the row contains a NUL character, which cannot be stored; the row was skipped"
TOO_LONG_PROBLEM = (
    f"the line is longer than {MAX_RECORD_CHARS // (1024 * 1024)} MB; the record was skipped"
)

csv.field_size_limit(MAX_FIELD_BYTES)


class UnreadableFileError(Exception):
    """The file cannot be read at all; `str(error)` is a message for the user."""


@dataclass(frozen=True)
class FileFormat:
    """How a file is encoded and laid out."""

    kind: str  # "csv" | "json" | "jsonl"
    encoding: str
    delimiter: str = ""

    def describe(self) -> str:
        """A short human description, e.g. "CSV, semicolon-separated, UTF-8"."""
        if self.kind == "csv":
            name = DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
            return f"CSV, {name}-separated, {self.encoding_label}"
        return f"{'JSON Lines' if self.kind == 'jsonl' else 'JSON array'}, {self.encoding_label}"

    @property
    def encoding_label(self) -> str:
        """The encoding as people name it."""
        labels = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "cp1250": "Windows-1250",
                  "latin-1": "Latin-1",
                  "utf-16": "UTF-16", "utf-32": "UTF-32"}  # fmt: skip
        return labels.get(self.encoding, self.encoding)


@dataclass(frozen=True)
class RawRecord:
    """One record of a file: its 1-based number and its values, or what is wrong with it."""

    number: int
    values: dict[str, Any] | None
    problem: str = ""


def sniff_format(path: Path, *, delimiter: str | None = None) -> FileFormat:
    """Work out a file's encoding, layout and (for CSV) delimiter, or say why it can't be read."""
    head = _read_head(path)
    _refuse_binary(head)
    encoding = _bom_encoding(head) or _detect_encoding(path)
    if encoding in ("utf-16", "utf-32") and not _decodes_as(path, encoding):
        raise UnreadableFileError(
            f"The file starts with a {encoding.upper()} byte-order mark but is not valid "
            f'{encoding.upper()} text; save it as UTF-8 ("CSV UTF-8" in Excel).'
        )
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise UnreadableFileError("The file has no content, only blank lines.")
    first = text.lstrip()[0]
    if first == "[":
        return FileFormat("json", encoding)
    if first == "{":
        return FileFormat("jsonl", encoding)
    if delimiter:
        return FileFormat("csv", encoding, _check_delimiter(delimiter))
    return FileFormat("csv", encoding, _sniff_delimiter(text))


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except FileNotFoundError:
        raise UnreadableFileError(f"No such file: {path.name}") from None
    except IsADirectoryError:
        raise UnreadableFileError(f"{path.name} is a folder, not a file.") from None
    except OSError as exc:
        raise UnreadableFileError(f"The file cannot be opened: {exc.strerror}.") from None
    if not head:
        raise UnreadableFileError("The file is empty (0 bytes).")
    return head


MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
)


def refuse_binary(head: bytes) -> None:
    """Raise `UnreadableFileError` when the first bytes of a file show it is not text data."""
    _refuse_binary(head)


def read_head(path: Path) -> bytes:
    """The first bytes of a file (for sniffing), or `UnreadableFileError` saying why not."""
    return _read_head(path)


def _refuse_binary(head: bytes) -> None:
    for magic, what in MAGIC_NUMBERS:
        if head.startswith(magic):
            raise UnreadableFileError(
                f"This is {what}, not a data file: upload CSV, JSON or JSON Lines."
            )
    if head.startswith(b"PK\x03\x04"):
        raise UnreadableFileError(
            "This is a zip archive or an Excel workbook (.xlsx), not a text file: "
            "save the sheet as CSV (UTF-8), JSON or JSON Lines and upload that."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            "This is an old Excel (.xls) or Word file, not a text file: save it as CSV (UTF-8)."
        )
    if head.startswith(b"%PDF"):
        raise UnreadableFileError("This is a PDF, not a data file: upload CSV, JSON or JSON Lines.")
    encoding = _bom_encoding(head)
    if encoding:
        text = head.decode(encoding, errors="replace").encode("utf-8", errors="replace")
        if _control_share(text) > 0.05 or text.count(b"\x00") > max(len(text) // 100, 1):
            raise UnreadableFileError(
                "This looks like a binary file, not text: upload CSV, JSON or JSON Lines."
            )
        return
    if _looks_like_utf16_without_bom(head):
        raise UnreadableFileError(
            "The file is encoded as UTF-16 without a byte-order mark, so its byte order is "
            'unknown; save it as UTF-8 ("CSV UTF-8" in Excel) or as UTF-16 with a BOM.'
        )
    # A stray NUL in one line is that row's problem; many mean binary or UTF-16.
    if head.count(b"\x00") > max(len(head) // 100, 1) or _control_share(head) > 0.05:
        raise UnreadableFileError(
            "This looks like a binary file, not text: upload CSV, JSON or JSON Lines."
        )


def _bom_encoding(head: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte-order mark announces, or None."""
    return next((encoding for bom, encoding in BOMS if head.startswith(bom)), None)


def _looks_like_utf16_without_bom(head: bytes) -> bool:
    """Text where every other byte is NUL: UTF-16 of mostly ASCII characters."""
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    halves = len(sample) // 2
    return (
        max(even.count(0), odd.count(0)) >= 0.9 * halves
        and min(even.count(0), odd.count(0)) <= 0.1 * halves
    )


def _control_share(data: bytes) -> float:
    allowed = {0, 9, 10, 12, 13}
    controls = sum(1 for byte in data if byte < 32 and byte not in allowed)
    return controls / max(len(data), 1)


def _check_delimiter(delimiter: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    delimiter = named.get(delimiter.lower(), delimiter)
    if len(delimiter) != 1:
        raise UnreadableFileError(f"The delimiter must be one character, not {delimiter!r}.")
    return delimiter


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent columns."""
    lines = text.splitlines()[:SNIFF_LINES]
    if len(lines) > 1 and len(text) >= HEAD_BYTES:
        lines = lines[:-1]  # the last line of the head may be cut
    sample = "\n".join(lines)
    best, best_key = ",", (0.0, 1)
    for candidate in CSV_DELIMITERS:
        rows = [row for row in csv.reader(io.StringIO(sample), delimiter=candidate) if row]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistency = sum(len(row) == width for row in rows) / len(rows)
        key = (consistency, width)
        if key > best_key:
            best, best_key = candidate, key
    return best


class RecordReader:
    """Streams the records of a file as `RawRecord`s; a context manager.

    `columns` are the column names (CSV header, or the keys of the first
    records of a JSON file); `bytes_read` tells how far reading has got.
    """

    def __init__(self, path: Path, fmt: FileFormat) -> None:
        self.path = path
        self.format = fmt
        self.size = path.stat().st_size
        self._fh = path.open("r", encoding=fmt.encoding, newline="")
        self.columns = self._read_columns()

    def __enter__(self) -> RecordReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._fh.close()

    @property
    def bytes_read(self) -> int:
        """Bytes consumed so far (an estimate: reading is buffered)."""
        try:
            return min(self._fh.buffer.tell(), self.size)
        except (ValueError, OSError):
            return self.size

    def sample(self, size: int) -> list[dict[str, Any]]:
        """The values of the first `size` readable records (for detection and previews)."""
        values = []
        for record in self:
            if record.number > size:
                break
            if record.values is not None:
                values.append(record.values)
        return values

    def __iter__(self) -> Iterator[RawRecord]:
        self._fh.seek(0)
        if self.format.kind == "csv":
            return self._csv_records()
        if self.format.kind == "jsonl":
            return self._jsonl_records()
        return self._json_records()

    def _read_columns(self) -> list[str]:
        if self.format.kind == "csv":
            reader = csv.reader(self._fh, delimiter=self.format.delimiter)
            header = next(reader, None)
            if header is None:
                raise UnreadableFileError("The file is empty.")
            return unique_column_names(header)
        seen: dict[str, None] = {}
        filled: set[str] = set()
        problem = ""
        for index, record in enumerate(self):
            if index >= COLUMN_SAMPLE:
                break
            problem = problem or (
                f"record {record.number}: {record.problem}" if record.problem else ""
            )
            for key, value in (record.values or {}).items():
                seen.setdefault(key, None)
                if value is not None:
                    filled.add(key)
        if not seen:
            detail = f" ({problem})" if problem else ""
            raise UnreadableFileError(
                f"The JSON file holds no readable records (objects with fields){detail}."
            )
        # An object that is null in some records ("reply": null) is read as its fields.
        parents = {key.rsplit(".", 1)[0] for key in seen if "." in key}
        return [key for key in seen if key in filled or key not in parents]

    def _csv_records(self) -> Iterator[RawRecord]:
        reader = csv.reader(self._fh, delimiter=self.format.delimiter)
        try:
            next(reader)  # header
        except csv.Error as exc:
            raise UnreadableFileError(f"The header line cannot be read: {exc}.") from None
        width = len(self.columns)
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield RawRecord(number, None, f"the line cannot be read as CSV ({exc})")
                continue
            if not any(cell.strip() for cell in row):
                continue  # blank line
            number += 1
            if len(row) != width:
                yield RawRecord(number, None, _width_problem(len(row), width, self.format))
                continue
            if any(NUL in cell for cell in row):
                yield RawRecord(number, None, NUL_PROBLEM)
                continue
            yield RawRecord(number, dict(zip(self.columns, row, strict=True)))

    def _jsonl_records(self) -> Iterator[RawRecord]:
        number = 0
        for line in self._bounded_lines():
            if line is not None and not line.strip():
                continue
            number += 1
            if line is None:
                yield RawRecord(number, None, TOO_LONG_PROBLEM)
                continue
            try:
                built = parse_json_line(line)
            except (json.JSONDecodeError, ijson.JSONError) as exc:
                if number == 1 and not line.rstrip().endswith("}"):
                    raise UnreadableFileError(
                        "The file starts like JSON but is neither a JSON array nor JSON Lines "
                        "(one object per line). Wrap the records in [ ... ] or put one per line."
                    ) from None
                yield RawRecord(number, None, f"the line is not valid JSON ({_json_msg(exc)})")
                continue
            yield _built_record(number, built)

    def _bounded_lines(self) -> Iterator[str | None]:
        """The file's lines; None stands for a line over the record size limit (skipped)."""
        while True:
            line = self._fh.readline(MAX_RECORD_CHARS + 1)
            if not line:
                return
            if len(line) <= MAX_RECORD_CHARS or line.endswith("\n"):
                yield line
                continue
            while line and not line.endswith("\n"):  # drop the rest of the over-long line
                line = self._fh.readline(MAX_RECORD_CHARS)
            yield None

    def _json_records(self) -> Iterator[RawRecord]:
        number = 0
        try:
            for built in json_array_values(self._fh):
                number += 1
                yield _built_record(number, built)
        except ijson.JSONError as exc:
            raise UnreadableFileError(
                f"The JSON is malformed after record {number}: {exc}. Nothing was imported."
            ) from None


def _json_msg(exc: Exception) -> str:
    return exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)


def _built_record(number: int, built: BuiltValue) -> RawRecord:
    if built.problem:
        return RawRecord(number, None, built.problem)
    return _object_record(number, built.value)


def _object_record(number: int, value: Any) -> RawRecord:
    if not isinstance(value, dict):
        return RawRecord(
            number, None, f"the record is a JSON {type(value).__name__}, not an object"
        )
    try:
        values = flatten_object(value)
    except ValueError:
        return RawRecord(
            number, None,
            "two fields of the record have the same name once spaces are trimmed and nested "
            "objects are flattened",
        )  # fmt: skip
    return RawRecord(number, values)


def flatten_object(value: dict[str, Any]) -> dict[str, Any]:
    """A JSON object with nested objects flattened into dotted names, like json_normalize.

    ``{"consumer": {"id": "c1"}, "tags": ["a"]}`` → ``{"consumer.id": "c1", "tags": ["a"]}``.
    Empty objects, lists and objects deeper than `MAX_FLAT_DEPTH` stay whole values;
    past `MAX_FLAT_FIELDS` fields nothing more is flattened. Raises `ValueError` when two
    fields end up with the same name (spaces trimmed).
    """
    flat: dict[str, Any] = {}
    _flatten_into(flat, "", value, 1)
    return flat


def _flatten_into(flat: dict[str, Any], prefix: str, value: dict[str, Any], depth: int) -> None:
    for key, item in value.items():
        name = f"{prefix}{str(key).strip()}"
        deeper = depth < MAX_FLAT_DEPTH and len(flat) < MAX_FLAT_FIELDS
        if isinstance(item, dict) and item and deeper:
            _flatten_into(flat, f"{name}.", item, depth + 1)
            continue
        if name in flat:
            raise ValueError(name)
        flat[name] = item


def _width_problem(found: int, expected: int, fmt: FileFormat) -> str:
    name = DELIMITER_NAMES.get(fmt.delimiter, repr(fmt.delimiter))
    return (
        f"the row has {found} values but the header has {expected} columns "
        f"({name}-separated); is a value containing a {name} missing its quotes?"
    )


def unique_column_names(header: list[str]) -> list[str]:
    """Clean header names: strip spaces and BOM, name blanks, make duplicates unique."""
    names: list[str] = []
    seen: set[str] = set()
    for position, raw in enumerate(header, start=1):
        name = raw.replace("\ufeff", "").replace(NUL, "").strip() or f"column_{position}"
        candidate, suffix = name, 2
        while candidate in seen:
            candidate, suffix = f"{name}_{suffix}", suffix + 1
        seen.add(candidate)
        names.append(candidate)
    return names
