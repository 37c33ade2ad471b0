"""Which text encoding a file that is not UTF-16/32 is written in.

UTF-8 when the whole file decodes as UTF-8; otherwise the single-byte Windows
code page that reads the file best (Western or Central European), else Latin-1.
"""

from __future__ import annotations

import codecs
from pathlib import Path

SCAN_CHUNK = 1024 * 1024

# Single-byte code pages tried when a file is not UTF-8, the first preferred on a tie.
SINGLE_BYTE_PAGES = ("cp1252", "cp1250")


def detect_encoding(path: Path) -> str:
    """UTF-8 if the whole file decodes as UTF-8, else the single-byte page that reads it best.

    Of the code pages the file decodes in, the one that turns the most non-ASCII bytes
    into letters inside words wins (Polish "ł" is "³" in Windows-1252 but a letter in
    Windows-1250); Western text reads the same in both, so Windows-1252 wins a tie.
    """
    if decodes_as(path, "utf-8"):
        return "utf-8-sig"
    pages = [page for page in SINGLE_BYTE_PAGES if decodes_as(path, page)]
    if not pages:
        return "latin-1"
    with path.open("rb") as fh:
        data = fh.read(SCAN_CHUNK)
    return max(pages, key=lambda page: (_letters_in_words(data, page), -pages.index(page)))


def _letters_in_words(data: bytes, encoding: str) -> int:
    """How many non-ASCII characters of `data` decode to letters next to another letter."""
    text = data.decode(encoding, errors="replace")
    count = 0
    for index, char in enumerate(text):
        if ord(char) < 128 or not char.isalpha():
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if before.isalpha() or after.isalpha():
            count += 1
    return count


def decodes_as(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes in `encoding`, read in chunks."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(SCAN_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
